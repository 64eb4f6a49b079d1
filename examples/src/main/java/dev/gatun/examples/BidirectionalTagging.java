package dev.gatun.examples;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.models.SequenceTagger;
import dev.gatun.autograd.optim.Adam;
import dev.gatun.autograd.optim.GradClip;
import dev.gatun.tensor.Tensor;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bidirectional tagging: mark each token by whether the same token occurs again later in its sequence. Only a pass
 * that reads the sequence backwards can know; a unidirectional tagger learns at best how likely a repeat is at that
 * position. Variable lengths in one padded batch; the backward pass reads each sequence within its own length.
 * Prints both taggers' accuracies beside the majority-class baseline.
 */
public final class BidirectionalTagging implements Example {
    @Override
    public String name() {
        return "tagging";
    }

    @Override
    public String description() {
        return "bidirectional tagging: does this token occur again later? (bi- vs unidirectional accuracy)";
    }

    public static void main(String[] args) {
        new BidirectionalTagging().run(Options.parse(args), System.out);
    }

    @Override
    public Map<String, Double> run(Options options, PrintStream out) {
        options.checkKnown(name(), "steps", "vocab", "batch", "hidden", "iterations", "lr", "cell", "seed");
        int steps = options.intValue("steps", 10, 2);
        int vocab = options.intValue("vocab", 8, 2);
        int batch = options.intValue("batch", 32, 1);
        int hidden = options.intValue("hidden", 32, 1);
        int iterations = options.intValue("iterations", 600, 1);
        double lr = options.doubleValue("lr", 0.01);
        String cell = options.listValue("cell", "lstm", Cells.NAMES).getFirst();
        long seed = options.seed(6);
        out.printf("Repeat-later tagging: lengths 2..%d, %d tokens, batch %d, %s hidden %d, %d Adam steps%n", steps,
                vocab, batch, cell, hidden, iterations);
        Map<String, Double> metrics = new LinkedHashMap<>();
        double[] majority = new double[1];
        for (boolean bidirectional : new boolean[] {true, false}) {
            double acc = train(bidirectional, cell, steps, vocab, batch, hidden, iterations, lr, seed, majority);
            metrics.put(bidirectional ? "bidirectional" : "unidirectional", acc);
            out.printf("  %-15s accuracy %.3f%n", bidirectional ? "bidirectional" : "unidirectional", acc);
        }
        metrics.put("majority", majority[0]);
        out.printf("%n| tagger | test accuracy |%n|---|---|%n| bidirectional %s | %.3f |%n| unidirectional %s | %.3f |"
                + "%n| majority class | %.3f |%n", cell, metrics.get("bidirectional"), cell,
                metrics.get("unidirectional"), majority[0]);
        return metrics;
    }

    private static double train(boolean bidirectional, String cell, int steps, int vocab, int batch, int hidden,
                                int iterations, double lr, long seed, double[] majority) {
        Rng rng = new Rng(seed);
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape();
             SequenceTagger model = new SequenceTagger(Cells.of(cell), vocab, hidden, 1, bidirectional, 2, seed);
             Adam adam = new Adam(model.parameters(), (float) lr)) {
            Tensor x = Tensor.allocate(arena, steps, batch, vocab);
            int[] lengths = new int[batch];
            int[] tags = new int[steps * batch];
            for (int it = 0; it < iterations; it++) {
                fill(rng, x, lengths, tags);
                tape.reset();
                adam.zeroGrad();
                tape.backward(Ops.maskedCrossEntropy(tape, model.forward(tape, tape.input(x), lengths), tags,
                        lengths));
                GradClip.clipGlobalNorm(adam.parameters(), 1.0);
                adam.step();
            }
            int testBatch = 500;
            Tensor tx = Tensor.allocate(arena, steps, testBatch, vocab);
            int[] tl = new int[testBatch];
            int[] tt = new int[steps * testBatch];
            fill(new Rng(seed + 1000), tx, tl, tt);
            tape.reset();
            try (var g = tape.noGrad()) {
                Tensor logits = model.forward(tape, tape.input(tx), tl).value();
                int right = 0;
                int ones = 0;
                int total = 0;
                for (int t = 0; t < steps; t++) {
                    for (int b = 0; b < testBatch; b++) {
                        if (t < tl[b]) {
                            int r = t * testBatch + b;
                            right += Metrics.argmax(logits, r, 2) == tt[r] ? 1 : 0;
                            ones += tt[r];
                            total++;
                        }
                    }
                }
                majority[0] = Math.max(ones, total - ones) / (double) total;
                return (double) right / total;
            }
        }
    }

    /** Random lengths and one-hot tokens (padding zero); tag 1 where the token occurs again before the end. */
    static void fill(Rng rng, Tensor x, int[] lengths, int[] tags) {
        int steps = x.dim(0);
        int batch = x.dim(1);
        int vocab = x.dim(2);
        int[] tok = new int[steps];
        for (int b = 0; b < batch; b++) {
            lengths[b] = 2 + (int) (rng.nextDouble() * (steps - 1));
            for (int t = 0; t < steps; t++) {
                tok[t] = t < lengths[b] ? (int) (rng.nextDouble() * vocab) : -1;
                for (int k = 0; k < vocab; k++) {
                    x.set(t, b, k, k == tok[t] ? 1f : 0f);
                }
            }
            for (int t = 0; t < steps; t++) {
                boolean again = false;
                for (int u = t + 1; u < lengths[b] && !again; u++) {
                    again = tok[u] == tok[t];
                }
                tags[t * batch + b] = t < lengths[b] && again ? 1 : 0;
            }
        }
    }
}
