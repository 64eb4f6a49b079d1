package dev.gatun.examples;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.models.Seq2Seq;
import dev.gatun.autograd.optim.Adam;
import dev.gatun.autograd.optim.GradClip;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encoder-decoder: reverse a sequence of digits. The encoder LSTM reads the digits; its final state starts the
 * decoder, trained with teacher forcing (fed the true previous digit) and tested with greedy decoding (fed its own
 * previous prediction). Reports token and whole-sequence accuracy of greedy decoding on unseen sequences.
 */
public final class ReverseDigits implements Example {
    @Override
    public String name() {
        return "reverse";
    }

    @Override
    public String description() {
        return "encoder-decoder: reverse digit sequences, teacher forcing in training, greedy decoding at test";
    }

    public static void main(String[] args) {
        new ReverseDigits().run(Options.parse(args), System.out);
    }

    @Override
    public Map<String, Double> run(Options options, PrintStream out) {
        options.checkKnown(name(), "length", "digits", "batch", "hidden", "iterations", "lr", "cell", "seed");
        int length = options.intValue("length", 5, 1);
        int digits = options.intValue("digits", 10, 2);
        int batch = options.intValue("batch", 64, 1);
        int hidden = options.intValue("hidden", 64, 1);
        int iterations = options.intValue("iterations", 1200, 1);
        double lr = options.doubleValue("lr", 0.01);
        String cell = options.listValue("cell", "lstm", Cells.NAMES).getFirst();
        long seed = options.seed(4);
        out.printf("Reverse %d digits of %d: batch %d, %s hidden %d, %d Adam steps%n", length, digits, batch, cell,
                hidden, iterations);
        Rng rng = new Rng(seed);
        int[] src = new int[length * batch];
        int[] tgt = new int[length * batch];
        int bos = digits;
        try (Tape tape = new Tape();
             Seq2Seq model = new Seq2Seq(Cells.of(cell), digits, digits + 1, 16, hidden, 1, bos, seed);
             Adam adam = new Adam(model.parameters(), (float) lr)) {
            Cells.rememberByDefault(model, Cells.of(cell), hidden);
            for (int it = 1; it <= iterations; it++) {
                reversal(rng, src, tgt, length, batch, digits);
                tape.reset();
                adam.zeroGrad();
                Var loss = Ops.crossEntropy(tape, model.forward(tape, src, length, tgt, length, batch), tgt);
                tape.backward(loss);
                GradClip.clipGlobalNorm(adam.parameters(), 1.0);
                adam.step();
                if (it % Math.max(1, iterations / 5) == 0) {
                    out.printf("  step %d: teacher-forced loss %.4f%n", it, loss.value().get(0));
                }
            }
            int testBatch = 500;
            int[] ts = new int[length * testBatch];
            int[] tt = new int[length * testBatch];
            reversal(new Rng(seed + 1000), ts, tt, length, testBatch, digits);
            tape.reset();
            int[] decoded = model.greedy(tape, ts, length, testBatch, length);
            int tokens = 0;
            int sequences = 0;
            for (int b = 0; b < testBatch; b++) {
                boolean all = true;
                for (int t = 0; t < length; t++) {
                    boolean ok = decoded[t * testBatch + b] == tt[t * testBatch + b];
                    tokens += ok ? 1 : 0;
                    all &= ok;
                }
                sequences += all ? 1 : 0;
            }
            for (int b = 0; b < 3; b++) {
                out.printf("  %s -> %s (expected %s)%n", column(ts, b, testBatch, length),
                        column(decoded, b, testBatch, length), column(tt, b, testBatch, length));
            }
            double tokenAccuracy = (double) tokens / (length * testBatch);
            double sequenceAccuracy = (double) sequences / testBatch;
            out.printf("greedy decoding: token accuracy %.3f, sequence accuracy %.3f (chance %.2f per token)%n",
                    tokenAccuracy, sequenceAccuracy, 1.0 / digits);
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("tokenAccuracy", tokenAccuracy);
            metrics.put("sequenceAccuracy", sequenceAccuracy);
            return metrics;
        }
    }

    static void reversal(Rng rng, int[] src, int[] tgt, int length, int batch, int digits) {
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                src[t * batch + b] = (int) (rng.nextDouble() * digits);
            }
            for (int t = 0; t < length; t++) {
                tgt[t * batch + b] = src[(length - 1 - t) * batch + b];
            }
        }
    }

    private static String column(int[] tokens, int b, int batch, int length) {
        StringBuilder s = new StringBuilder();
        for (int t = 0; t < length; t++) {
            s.append(tokens[t * batch + b]);
        }
        return s.toString();
    }
}
