package dev.gatun.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.autograd.nn.Recurrent;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Variable-length sequences in a padded time-major batch: masked losses, reversal within lengths, padding inertness. */
class MaskedSequencesTest {
    private static final int[] LENGTHS = {3, 1, 2};

    @Test
    void maskedMseAveragesOverValidStepsOnly() {
        new GradCheck(301).input(3, 3, 2).input(3, 3, 2).check("maskedMse",
                (t, in) -> Ops.maskedMse(t, in[0], in[1], LENGTHS), in -> {
                    double s = 0;
                    int n = 0;
                    for (int t = 0; t < 3; t++) {
                        for (int b = 0; b < 3; b++) {
                            if (t >= LENGTHS[b]) {
                                continue;
                            }
                            for (int j = 0; j < 2; j++) {
                                double d = in[0][(t * 3 + b) * 2 + j] - in[1][(t * 3 + b) * 2 + j];
                                s += d * d;
                                n++;
                            }
                        }
                    }
                    return new double[] {s / n};
                });
    }

    @Test
    void maskedCrossEntropySkipsPaddedRows() {
        int classes = 4;
        int[] targets = {1, 3, 0, 2, 99, 1, 0, -7, 99};   // padded rows hold garbage that must not be read
        new GradCheck(302).input(true, 3.0, 0, 3, 3, classes).check("maskedCrossEntropy",
                (t, in) -> Ops.maskedCrossEntropy(t, in[0], targets, LENGTHS), in -> {
                    double s = 0;
                    int n = 0;
                    for (int t = 0; t < 3; t++) {
                        for (int b = 0; b < 3; b++) {
                            if (t >= LENGTHS[b]) {
                                continue;
                            }
                            int r = t * 3 + b;
                            double max = Double.NEGATIVE_INFINITY;
                            for (int j = 0; j < classes; j++) {
                                max = Math.max(max, in[0][r * classes + j]);
                            }
                            double sum = 0;
                            for (int j = 0; j < classes; j++) {
                                sum += Math.exp(in[0][r * classes + j] - max);
                            }
                            s -= in[0][r * classes + targets[r]] - max - Math.log(sum);
                            n++;
                        }
                    }
                    return new double[] {s / n};
                });
    }

    @Test
    void reverseSequencesReversesWithinLengthsAndKeepsPadding() {
        new GradCheck(303).input(3, 3, 2).check("reverseSequences",
                (t, in) -> Ops.reverseSequences(t, in[0], LENGTHS), in -> {
                    double[] y = new double[18];
                    for (int t = 0; t < 3; t++) {
                        for (int b = 0; b < 3; b++) {
                            int src = t < LENGTHS[b] ? LENGTHS[b] - 1 - t : t;
                            System.arraycopy(in[0], (src * 3 + b) * 2, y, (t * 3 + b) * 2, 2);
                        }
                    }
                    return y;
                });
    }

    @Test
    void badLengthsAreRejectedWithShapes() {
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape()) {
            Var x = tape.leaf(Tensor.allocate(arena, 3, 2, 1));
            var e = assertThrows(IllegalArgumentException.class, () -> Ops.maskedMse(tape, x, x, new int[] {4, 1}));
            assertEquals("maskedMse: length 4 of sequence 0 is not in [1, 3] for [3, 2, 1]", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Ops.reverseSequences(tape, x, new int[] {1}));
            assertThrows(IllegalArgumentException.class,
                    () -> Ops.maskedCrossEntropy(tape, x, new int[6], new int[] {0, 1}));
        }
    }

    /**
     * An LSTM over a padded batch, trained through both kinds of masked loss and the last valid steps: changing what
     * sits in the padding changes neither the loss nor any parameter gradient, bit for bit.
     */
    @Test
    void paddingValuesChangeNeitherLossNorGradients() {
        int steps = 4;
        int batch = 3;
        int[] lengths = {4, 2, 1};
        float[][] first = run(steps, batch, lengths, 0f);
        float[][] second = run(steps, batch, lengths, 7.5f);
        assertEquals(first.length, second.length);
        for (int i = 0; i < first.length; i++) {
            assertArrayEquals(first[i], second[i], "result " + i);
        }
    }

    /** Loss and every parameter gradient, with {@code pad} written into every padded position of x and targets. */
    private static float[][] run(int steps, int batch, int[] lengths, float pad) {
        int in = 2;
        int hidden = 3;
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape();
             Recurrent lstm = new Recurrent(new StackShape(CellType.LSTM, in, hidden, 1, false, 0), 0f, true, 5)) {
            float[] x = new float[steps * batch * in];
            float[] target = new float[steps * batch * hidden];
            int[] classes = new int[steps * batch];
            for (int t = 0; t < steps; t++) {
                for (int b = 0; b < batch; b++) {
                    boolean valid = t < lengths[b];
                    int r = t * batch + b;
                    for (int j = 0; j < in; j++) {
                        x[r * in + j] = valid ? (float) Math.sin(r + 0.3 * j) : pad;
                    }
                    for (int j = 0; j < hidden; j++) {
                        target[r * hidden + j] = valid ? (float) Math.cos(r * 0.7 + j) * 0.5f : -pad;
                    }
                    classes[r] = valid ? r % hidden : (int) pad * 13;
                }
            }
            Var out = lstm.forward(tape, tape.input(Tensor.of(arena, x, steps, batch, in)), null, null).output();
            Var seqLoss = Ops.maskedMse(tape, out, tape.input(Tensor.of(arena, target, steps, batch, hidden)), lengths);
            Var tagLoss = Ops.maskedCrossEntropy(tape, out, classes, lengths);
            Var last = Ops.lastSteps(tape, out, lengths);
            Var lastLoss = Ops.mean(tape, Ops.mul(tape, last, last));
            Var loss = Ops.add(tape, Ops.add(tape, seqLoss, tagLoss), lastLoss);
            lstm.zeroGrad();
            tape.backward(loss);
            List<float[]> results = new ArrayList<>();
            results.add(loss.value().toArray());
            for (Parameter p : lstm.parameters()) {
                results.add(p.grad().toArray());
            }
            return results.toArray(new float[0][]);
        }
    }
}
