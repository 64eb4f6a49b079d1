package dev.gatun.examples;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.models.SequenceTagger;
import dev.gatun.autograd.nn.AttentionGatedRnn;
import dev.gatun.autograd.nn.Linear;
import dev.gatun.autograd.nn.Module;
import dev.gatun.autograd.nn.Tcn;
import dev.gatun.autograd.optim.Adam;
import dev.gatun.autograd.optim.GradClip;
import dev.gatun.kernels.CellType;
import dev.gatun.tensor.Tensor;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed 000's alternatives to gating, on one task beside an LSTM: delayed recall, where the label of step t is the
 * symbol seen at step t - d (steps before d are not scored). An attention-gated vanilla RNN (softmax gate over the
 * inputs, shortcut from h_{t-d}), a TCN (causal dilated convolutions, receptive field >= d + 1) and an LSTM are
 * trained alike; their test accuracies are printed side by side.
 */
public final class GatedAndConvolutional implements Example {
    static final int SYMBOLS = 4;

    @Override
    public String name() {
        return "compare";
    }

    @Override
    public String description() {
        return "attention-gated RNN and TCN beside an LSTM on delayed recall (accuracies side by side)";
    }

    public static void main(String[] args) {
        new GatedAndConvolutional().run(Options.parse(args), System.out);
    }

    /** A per-step classifier: (T, B, SYMBOLS) -> logits (T, B, SYMBOLS). */
    private interface Net extends AutoCloseable {
        Var forward(Tape tape, Var x);

        List<dev.gatun.autograd.Parameter> parameters();

        @Override
        void close();
    }

    @Override
    public Map<String, Double> run(Options options, PrintStream out) {
        options.checkKnown(name(), "steps", "delay", "batch", "hidden", "iterations", "lr", "seed");
        int steps = options.intValue("steps", 20, 2);
        int delay = options.intValue("delay", 4, 1);
        int batch = options.intValue("batch", 32, 1);
        int hidden = options.intValue("hidden", 32, 1);
        int iterations = options.intValue("iterations", 500, 1);
        double lr = options.doubleValue("lr", 0.01);
        long seed = options.seed(5);
        if (delay >= steps) {
            throw new IllegalArgumentException("--delay " + delay + " must be < --steps " + steps);
        }
        out.printf("Delayed recall: label(t) = symbol(t - %d), %d symbols, T=%d, batch %d, hidden %d, %d Adam "
                + "steps%n", delay, SYMBOLS, steps, batch, hidden, iterations);
        Map<String, Double> metrics = new LinkedHashMap<>();
        String[] names = {"attention-gated RNN", "TCN", "LSTM"};
        for (String n : names) {
            long start = System.nanoTime();
            try (Net net = build(n, hidden, delay, seed)) {
                double acc = train(net, steps, delay, batch, iterations, lr, seed);
                metrics.put(key(n), acc);
                out.printf("  %-20s accuracy %.3f  (%.1f s)%n", n, acc, (System.nanoTime() - start) / 1e9);
            }
        }
        out.printf("%n| model | test accuracy (chance %.2f) |%n|---|---|%n", 1.0 / SYMBOLS);
        for (String n : names) {
            out.printf("| %s | %.3f |%n", n, metrics.get(key(n)));
        }
        return metrics;
    }

    static String key(String model) {
        return switch (model) {
            case "attention-gated RNN" -> "attention";
            case "TCN" -> "tcn";
            default -> "lstm";
        };
    }

    private static Net build(String name, int hidden, int delay, long seed) {
        return switch (name) {
            case "attention-gated RNN" -> {
                AttentionGatedRnn rnn = new AttentionGatedRnn(SYMBOLS, hidden, 2f, false, Math.max(2, delay), seed);
                Linear head = new Linear(hidden, SYMBOLS, seed + 1);
                yield net((t, x) -> head.forward(t, rnn.forward(t, x, null)), rnn, head);
            }
            case "TCN" -> {
                int levels = 1;
                while ((1 << (levels + 1)) - 1 < delay + 1) {   // receptive field 1 + 2 (k-1) (2^L - 1) with k = 2
                    levels++;
                }
                int[] channels = new int[levels];
                java.util.Arrays.fill(channels, hidden);
                Tcn tcn = new Tcn(SYMBOLS, channels, 2, 0f, seed);
                Linear head = new Linear(hidden, SYMBOLS, seed + 1);
                yield net((t, x) -> head.forward(t, tcn.forward(t, x)), tcn, head);
            }
            default -> {
                SequenceTagger lstm = new SequenceTagger(CellType.LSTM, SYMBOLS, hidden, 1, false, SYMBOLS, seed);
                yield net((t, x) -> lstm.forward(t, x, null), lstm);
            }
        };
    }

    private static Net net(java.util.function.BiFunction<Tape, Var, Var> f, Module... modules) {
        return new Net() {
            @Override
            public Var forward(Tape tape, Var x) {
                return f.apply(tape, x);
            }

            @Override
            public List<dev.gatun.autograd.Parameter> parameters() {
                List<dev.gatun.autograd.Parameter> all = new ArrayList<>();
                for (Module m : modules) {
                    all.addAll(m.parameters());
                }
                return all;
            }

            @Override
            public void close() {
                for (Module m : modules) {
                    m.close();
                }
            }
        };
    }

    private static double train(Net net, int steps, int delay, int batch, int iterations, double lr, long seed) {
        Rng rng = new Rng(seed);
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape();
             Adam adam = new Adam(net.parameters(), (float) lr)) {
            Tensor x = Tensor.allocate(arena, steps, batch, SYMBOLS);
            int[] labels = new int[steps * batch];
            for (int it = 0; it < iterations; it++) {
                fill(rng, x, labels, delay);
                tape.reset();
                adam.zeroGrad();
                tape.backward(Ops.crossEntropy(tape, net.forward(tape, tape.input(x)), labels, -1));
                GradClip.clipGlobalNorm(adam.parameters(), 1.0);
                adam.step();
            }
            int testBatch = 256;
            Tensor tx = Tensor.allocate(arena, steps, testBatch, SYMBOLS);
            int[] tl = new int[steps * testBatch];
            fill(new Rng(seed + 1000), tx, tl, delay);
            tape.reset();
            try (var g = tape.noGrad()) {
                Tensor logits = net.forward(tape, tape.input(tx)).value();
                int right = 0;
                int total = 0;
                for (int r = 0; r < tl.length; r++) {
                    if (tl[r] >= 0) {
                        right += Metrics.argmax(logits, r, SYMBOLS) == tl[r] ? 1 : 0;
                        total++;
                    }
                }
                return (double) right / total;
            }
        }
    }

    /** One-hot symbols; label of row t*B+b is the symbol at t - delay, or -1 (not scored) before that. */
    static void fill(Rng rng, Tensor x, int[] labels, int delay) {
        int steps = x.dim(0);
        int batch = x.dim(1);
        int[] seen = new int[steps];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                seen[t] = (int) (rng.nextDouble() * SYMBOLS);
                for (int k = 0; k < SYMBOLS; k++) {
                    x.set(t, b, k, k == seen[t] ? 1f : 0f);
                }
                labels[t * batch + b] = t >= delay ? seen[t - delay] : -1;
            }
        }
    }
}
