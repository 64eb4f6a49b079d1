package dev.gatun.autograd.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.optim.Adam;
import dev.gatun.kernels.CellType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The four seed-note settings: gradients of each composition, padding behaviour, and that each learns a toy task. */
class ModelsTest {

    // ---- many-to-one ----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"LSTM", "GRU", "RNN_TANH"})
    void classifierGradients(CellType cell) {
        int[] lengths = {3, 1, 2};
        int[] labels = {0, 2, 1};
        try (Arena arena = Arena.ofConfined(); SequenceClassifier m = new SequenceClassifier(cell, 2, 3, 2, 3, 4)) {
            Tensor x = random(arena, 5, 3, 3, 2);
            FloatGradCheck.check("classifier " + cell, m,
                    (t, train) -> Ops.crossEntropy(t, m.forward(t, t.input(x), lengths), labels), 6);
        }
    }

    @Test
    void classifierIgnoresPadding() {
        int[] lengths = {3, 1};
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape();
             SequenceClassifier m = new SequenceClassifier(CellType.GRU, 1, 4, 1, 2, 9)) {
            Tensor a = Tensor.of(arena, new float[] {1, 2, 3, 0, 5, 0}, 3, 2, 1);
            Tensor b = Tensor.of(arena, new float[] {1, 2, 3, 9, 5, -9}, 3, 2, 1);
            float[] ya = m.forward(tape, tape.input(a), lengths).value().toArray();
            float[] yb = m.forward(tape, tape.input(b), lengths).value().toArray();
            assertArrayEquals(ya, yb);
        }
    }

    /** Sign of the sum of a variable-length sequence of values in [-1, 1]. */
    @Test
    void classifierLearnsTheSignOfAVariableLengthSum() {
        int steps = 6;
        int batch = 32;
        Rng rng = new Rng(3);
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape();
             SequenceClassifier m = new SequenceClassifier(CellType.LSTM, 1, 16, 1, 2, 5);
             Adam adam = new Adam(m.parameters(), 0.02f)) {
            Tensor x = Tensor.allocate(arena, steps, batch, 1);
            int[] lengths = new int[batch];
            int[] labels = new int[batch];
            double accuracy = 0;
            for (int it = 0; it < 300; it++) {
                signBatch(rng, x, lengths, labels);
                tape.reset();
                adam.zeroGrad();
                Var logits = m.forward(tape, tape.input(x), lengths);
                tape.backward(Ops.crossEntropy(tape, logits, labels));
                adam.step();
                accuracy = 0.9 * accuracy + 0.1 * accuracy(logits.value(), labels);
            }
            assertTrue(accuracy > 0.9, "running accuracy " + accuracy);
        }
    }

    private static void signBatch(Rng rng, Tensor x, int[] lengths, int[] labels) {
        int steps = x.dim(0);
        int batch = x.dim(1);
        for (int b = 0; b < batch; b++) {
            lengths[b] = 1 + (int) (rng.nextDouble() * steps);
            double sum = 0;
            for (int t = 0; t < steps; t++) {
                float v = t < lengths[b] ? (float) rng.uniform(-1, 1) : 99f;
                x.set(t, b, 0, v);
                sum += t < lengths[b] ? v : 0;
            }
            labels[b] = sum > 0 ? 1 : 0;
        }
    }

    // ---- one-to-many ----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"LSTM", "GRU"})
    void generatorGradientsFreeRunningAndTeacherForced(CellType cell) {
        try (Arena arena = Arena.ofConfined(); SequenceGenerator m = new SequenceGenerator(cell, 2, 3, 2, 2, 4)) {
            Tensor z = random(arena, 6, 3, 2);
            Tensor target = random(arena, 7, 4, 3, 2);
            FloatGradCheck.check("generator " + cell, m,
                    (t, train) -> Ops.mse(t, m.forward(t, t.input(z), 4), t.input(target)), 5);
            FloatGradCheck.check("generator teacher-forced " + cell, m,
                    (t, train) -> Ops.mse(t, m.forwardTeacherForced(t, t.input(z), t.input(target)),
                            t.input(target)), 5);
        }
    }

    /** Two conditions, two waves: the generator learns to produce each from its condition alone. */
    @Test
    void generatorLearnsTwoWavesFromTheirConditions() {
        int steps = 10;
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape();
             SequenceGenerator m = new SequenceGenerator(CellType.GRU, 2, 16, 1, 1, 8);
             Adam adam = new Adam(m.parameters(), 0.01f)) {
            Tensor z = Tensor.of(arena, new float[] {1, 0, 0, 1}, 2, 2);
            Tensor target = Tensor.allocate(arena, steps, 2, 1);
            for (int t = 0; t < steps; t++) {
                target.set(t, 0, 0, (float) Math.sin(0.6 * t));
                target.set(t, 1, 0, (float) (0.5 * Math.cos(1.3 * t)));
            }
            double first = 0;
            double loss = 0;
            for (int it = 0; it < 300; it++) {
                tape.reset();
                adam.zeroGrad();
                Var l = Ops.mse(tape, m.forward(tape, tape.input(z), steps), tape.input(target));
                tape.backward(l);
                adam.step();
                loss = l.value().get(0);
                first = it == 0 ? loss : first;
            }
            assertTrue(loss < 0.02 && loss < first / 10, "mse " + first + " -> " + loss);
        }
    }

    // ---- many-to-many ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"LSTM", "GRU"})
    void bidirectionalTaggerGradientsWithPadding(CellType cell) {
        int[] lengths = {3, 1, 2};
        int[] tags = {0, 1, 2, 1, 0, 0, 2, 0, 0};
        try (Arena arena = Arena.ofConfined(); SequenceTagger m = new SequenceTagger(cell, 2, 3, 1, true, 3, 4)) {
            Tensor x = random(arena, 5, 3, 3, 2);
            FloatGradCheck.check("tagger " + cell, m,
                    (t, train) -> Ops.maskedCrossEntropy(t, m.forward(t, t.input(x), lengths), tags, lengths), 6);
        }
    }

    @Test
    void bidirectionalTaggerIgnoresPadding() {
        int[] lengths = {3, 1};
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape();
             SequenceTagger m = new SequenceTagger(CellType.LSTM, 1, 4, 1, true, 2, 9)) {
            Tensor a = Tensor.of(arena, new float[] {1, 2, 3, 0, 5, 0}, 3, 2, 1);
            Tensor b = Tensor.of(arena, new float[] {1, 2, 3, 9, 5, -9}, 3, 2, 1);
            Tensor ya = m.forward(tape, tape.input(a), lengths).value();
            Tensor yb = m.forward(tape, tape.input(b), lengths).value();
            for (int t = 0; t < 3; t++) {
                for (int s = 0; s < 2; s++) {
                    if (t < lengths[s]) {
                        assertEquals(ya.get(t, s, 0), yb.get(t, s, 0));
                        assertEquals(ya.get(t, s, 1), yb.get(t, s, 1));
                    }
                }
            }
        }
    }

    /** Tag each step with whether the next value is positive: only a backward-in-time pass can see it. */
    @Test
    void taggerNeedsTheFutureAndTheBidirectionalOneSeesIt() {
        double bi = trainTagger(true);
        double uni = trainTagger(false);
        assertTrue(bi > 0.95, "bidirectional accuracy " + bi);
        assertTrue(uni < 0.8, "unidirectional accuracy " + uni);
    }

    private static double trainTagger(boolean bidirectional) {
        int steps = 8;
        int batch = 16;
        Rng rng = new Rng(21);
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape();
             SequenceTagger m = new SequenceTagger(CellType.GRU, 1, 12, 1, bidirectional, 2, 6);
             Adam adam = new Adam(m.parameters(), 0.02f)) {
            Tensor x = Tensor.allocate(arena, steps, batch, 1);
            int[] lengths = new int[batch];
            int[] tags = new int[steps * batch];
            double accuracy = 0;
            for (int it = 0; it < 250; it++) {
                for (int b = 0; b < batch; b++) {
                    lengths[b] = 2 + (int) (rng.nextDouble() * (steps - 1));
                    for (int t = 0; t < steps; t++) {
                        x.set(t, b, 0, t < lengths[b] ? (float) rng.uniform(-1, 1) : 0f);
                    }
                    for (int t = 0; t < steps; t++) {
                        tags[t * batch + b] = t + 1 < lengths[b] && x.get(t + 1, b, 0) > 0 ? 1 : 0;
                    }
                }
                tape.reset();
                adam.zeroGrad();
                Var logits = m.forward(tape, tape.input(x), lengths);
                tape.backward(Ops.maskedCrossEntropy(tape, logits, tags, lengths));
                adam.step();
                int right = 0;
                int total = 0;
                for (int t = 0; t < steps; t++) {
                    for (int b = 0; b < batch; b++) {
                        if (t < lengths[b]) {
                            int guess = logits.value().get(t, b, 1) > logits.value().get(t, b, 0) ? 1 : 0;
                            right += guess == tags[t * batch + b] ? 1 : 0;
                            total++;
                        }
                    }
                }
                accuracy = it < 200 ? 0 : accuracy + (double) right / total / 50;
            }
            return accuracy;
        }
    }

    // ---- encoder-decoder ------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"LSTM", "GRU"})
    void seq2seqGradients(CellType cell) {
        int[] src = {1, 2, 0, 3, 2, 1};
        int[] tgt = {2, 1, 3, 0, 0, 1, 3, 2};
        try (Seq2Seq m = new Seq2Seq(cell, 4, 5, 3, 3, 2, 4, 7)) {
            FloatGradCheck.check("seq2seq " + cell, m,
                    (t, train) -> Ops.crossEntropy(t, m.forward(t, src, 3, tgt, 4, 2), tgt), 4);
        }
    }

    /** Reverse three digits out of four: teacher forcing in training, greedy decoding gets every token. */
    @Test
    void seq2seqLearnsToReverseWithGreedyDecoding() {
        int len = 3;
        int batch = 32;
        int digits = 4;
        Rng rng = new Rng(5);
        int[] src = new int[len * batch];
        int[] tgt = new int[len * batch];
        try (Tape tape = new Tape(); Seq2Seq m = new Seq2Seq(CellType.LSTM, digits, digits + 1, 8, 24, 1, digits, 3);
             Adam adam = new Adam(m.parameters(), 0.02f)) {
            for (int it = 0; it < 300; it++) {
                reversal(rng, src, tgt, len, batch, digits);
                tape.reset();
                adam.zeroGrad();
                tape.backward(Ops.crossEntropy(tape, m.forward(tape, src, len, tgt, len, batch), tgt));
                adam.step();
            }
            reversal(rng, src, tgt, len, batch, digits);
            tape.reset();
            int[] out = m.greedy(tape, src, len, batch, len);
            int right = 0;
            for (int i = 0; i < out.length; i++) {
                right += out[i] == tgt[i] ? 1 : 0;
            }
            assertTrue(right >= 0.95 * out.length, "greedy token accuracy " + right + "/" + out.length);
        }
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SequenceClassifier(CellType.GRU, 1, 2, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Seq2Seq(CellType.GRU, 3, 3, 2, 2, 1, 3, 1));
        try (Tape tape = new Tape(); Seq2Seq m = new Seq2Seq(CellType.GRU, 3, 4, 2, 2, 1, 3, 1)) {
            assertThrows(IllegalArgumentException.class, () -> m.forward(tape, new int[2], 2, new int[4], 2, 2));
        }
    }

    static void reversal(Rng rng, int[] src, int[] tgt, int len, int batch, int digits) {
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < len; t++) {
                src[t * batch + b] = (int) (rng.nextDouble() * digits);
            }
            for (int t = 0; t < len; t++) {
                tgt[t * batch + b] = src[(len - 1 - t) * batch + b];
            }
        }
    }

    private static double accuracy(Tensor logits, int[] labels) {
        int right = 0;
        for (int b = 0; b < labels.length; b++) {
            int guess = 0;
            for (int k = 1; k < logits.dim(1); k++) {
                if (logits.get(b, k) > logits.get(b, guess)) {
                    guess = k;
                }
            }
            right += guess == labels[b] ? 1 : 0;
        }
        return (double) right / labels.length;
    }

    private static Tensor random(Arena arena, long seed, int... shape) {
        Tensor t = Tensor.allocate(arena, shape);
        Rng rng = new Rng(seed);
        for (long i = 0; i < t.size(); i++) {
            t.segment().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (float) rng.uniform(-1, 1));
        }
        return t;
    }
}
