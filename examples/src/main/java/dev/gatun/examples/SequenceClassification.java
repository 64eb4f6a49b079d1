package dev.gatun.examples;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.models.SequenceClassifier;
import dev.gatun.autograd.optim.Adam;
import dev.gatun.autograd.optim.GradClip;
import dev.gatun.tensor.Tensor;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Many-to-one: sequences of 3 symbols (one-hot), of varying length in one padded batch; the label is the symbol seen
 * most often (ties to the lowest). The classifier reads each sequence to its own last step
 * ({@link dev.gatun.autograd.Ops#lastSteps}), so the padding never matters.
 */
public final class SequenceClassification implements Example {
    static final int SYMBOLS = 3;

    @Override
    public String name() {
        return "classify";
    }

    @Override
    public String description() {
        return "many-to-one: the most frequent symbol of variable-length sequences (LSTM classifier, accuracy)";
    }

    public static void main(String[] args) {
        new SequenceClassification().run(Options.parse(args), System.out);
    }

    @Override
    public Map<String, Double> run(Options options, PrintStream out) {
        options.checkKnown(name(), "steps", "batch", "hidden", "iterations", "lr", "cell", "seed");
        int steps = options.intValue("steps", 20, 2);
        int batch = options.intValue("batch", 32, 1);
        int hidden = options.intValue("hidden", 32, 1);
        int iterations = options.intValue("iterations", 600, 1);
        double lr = options.doubleValue("lr", 0.01);
        String cell = options.listValue("cell", "lstm", Cells.NAMES).getFirst();
        long seed = options.seed(2);
        out.printf("Most frequent symbol: lengths 1..%d, batch %d, %s hidden %d, %d Adam steps%n", steps, batch, cell,
                hidden, iterations);
        Rng rng = new Rng(seed);
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape();
             SequenceClassifier model = new SequenceClassifier(Cells.of(cell), SYMBOLS, hidden, 1, SYMBOLS, seed);
             Adam adam = new Adam(model.parameters(), (float) lr)) {
            Tensor x = Tensor.allocate(arena, steps, batch, SYMBOLS);
            int[] lengths = new int[batch];
            int[] labels = new int[batch];
            for (int it = 1; it <= iterations; it++) {
                fill(rng, x, lengths, labels);
                tape.reset();
                adam.zeroGrad();
                Var loss = Ops.crossEntropy(tape, model.forward(tape, tape.input(x), lengths), labels);
                tape.backward(loss);
                GradClip.clipGlobalNorm(adam.parameters(), 1.0);
                adam.step();
                if (it % Math.max(1, iterations / 5) == 0) {
                    out.printf("  step %d: loss %.4f%n", it, loss.value().get(0));
                }
            }
            int testBatch = 500;
            Tensor tx = Tensor.allocate(arena, steps, testBatch, SYMBOLS);
            int[] tl = new int[testBatch];
            int[] ty = new int[testBatch];
            fill(new Rng(seed + 1000), tx, tl, ty);
            tape.reset();
            double accuracy;
            try (var g = tape.noGrad()) {
                accuracy = Metrics.accuracy(model.forward(tape, tape.input(tx), tl).value(), ty);
            }
            out.printf("test accuracy %.3f (chance about %.2f)%n", accuracy, 1.0 / SYMBOLS);
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("accuracy", accuracy);
            return metrics;
        }
    }

    /** Random lengths and symbols (padding holds garbage), labels the most frequent symbol. */
    static void fill(Rng rng, Tensor x, int[] lengths, int[] labels) {
        int steps = x.dim(0);
        int[] counts = new int[SYMBOLS];
        for (int b = 0; b < lengths.length; b++) {
            lengths[b] = 1 + (int) (rng.nextDouble() * steps);
            java.util.Arrays.fill(counts, 0);
            for (int t = 0; t < steps; t++) {
                int s = (int) (rng.nextDouble() * SYMBOLS);
                for (int k = 0; k < SYMBOLS; k++) {
                    x.set(t, b, k, t < lengths[b] ? (k == s ? 1f : 0f) : 0.5f);
                }
                if (t < lengths[b]) {
                    counts[s]++;
                }
            }
            int best = 0;
            for (int k = 1; k < SYMBOLS; k++) {
                best = counts[k] > counts[best] ? k : best;
            }
            labels[b] = best;
        }
    }
}
