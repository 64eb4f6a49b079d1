package dev.gatun.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every operation's forward against a double-precision reference and its backward against finite differences. */
class OpsGradTest {

    // ---- element-wise -------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1} with {2}")
    @CsvSource({
        "add, 3x4, 3x4", "sub, 3x4, 3x4", "mul, 3x4, 3x4",
        "add, 3x4, 4", "sub, 3x4, 4", "mul, 3x4, 4",
        "add, 4, 2x3x4", "sub, 4, 2x3x4", "mul, 4, 2x3x4",
        "add, 3x4, 1", "sub, 1, 3x4", "mul, 1, 2x3x4", "mul, 1, 1",
        "sub, 3x4, 3x4x1"
    })
    void binaryOperationsBroadcast(String op, String aShape, String bShape) {
        int[] as = dims(aShape);
        int[] bs = dims(bShape);
        if (bShape.equals("3x4x1")) {
            assertThrows(IllegalArgumentException.class, () -> new GradCheck(1).input(as).input(bs)
                    .check(op, (t, in) -> Ops.sub(t, in[0], in[1]), in -> new double[0]));
            return;
        }
        DoubleBinaryOperator f = switch (op) {
            case "add" -> Double::sum;
            case "sub" -> (x, y) -> x - y;
            default -> (x, y) -> x * y;
        };
        new GradCheck(op.hashCode()).input(as).input(bs).check(op + " " + aShape + " " + bShape, (t, in) -> switch (op) {
            case "add" -> Ops.add(t, in[0], in[1]);
            case "sub" -> Ops.sub(t, in[0], in[1]);
            default -> Ops.mul(t, in[0], in[1]);
        }, in -> {
            int n = Math.max(in[0].length, in[1].length);
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                out[i] = f.applyAsDouble(in[0][i % in[0].length], in[1][i % in[1].length]);
            }
            return out;
        });
    }

    @Test
    void scalarAffine() {
        new GradCheck(2).input(2, 5).check("mulScalar", (t, in) -> Ops.mulScalar(t, in[0], -2.5f),
                in -> map(in[0], x -> -2.5 * x));
        new GradCheck(3).input(2, 5).check("addScalar", (t, in) -> Ops.addScalar(t, in[0], 0.75f),
                in -> map(in[0], x -> x + 0.75));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sigmoid", "tanh", "relu", "exp"})
    void activations(String op) {
        GradCheck c = new GradCheck(op.hashCode()).input(true, 3.0, 0.01, 4, 7);
        c.check(op, (t, in) -> switch (op) {
            case "sigmoid" -> Ops.sigmoid(t, in[0]);
            case "tanh" -> Ops.tanh(t, in[0]);
            case "relu" -> Ops.relu(t, in[0]);
            default -> Ops.exp(t, in[0]);
        }, in -> map(in[0], switch (op) {
            case "sigmoid" -> x -> 1 / (1 + Math.exp(-x));
            case "tanh" -> Math::tanh;
            case "relu" -> x -> Math.max(x, 0);
            default -> Math::exp;
        }));
    }

    // ---- products -------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "({0} x {1}) ({1} x {2})")
    @CsvSource({"1, 1, 1", "3, 4, 5", "7, 2, 9", "16, 33, 8"})
    void matmul(int m, int k, int n) {
        new GradCheck(m * 100 + k * 10 + n).input(m, k).input(k, n).check("matmul",
                (t, in) -> Ops.matmul(t, in[0], in[1]), in -> {
                    double[] c = new double[m * n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            for (int p = 0; p < k; p++) {
                                c[i * n + j] += in[0][i * k + p] * in[1][p * n + j];
                            }
                        }
                    }
                    return c;
                });
    }

    @ParameterizedTest(name = "rank {0}, bias {1}")
    @CsvSource({"2, true", "2, false", "3, true", "3, false"})
    void linear(int rank, boolean bias) {
        int in = 5;
        int out = 3;
        int[] xs = rank == 2 ? new int[] {4, in} : new int[] {3, 2, in};
        int rows = rank == 2 ? 4 : 6;
        GradCheck c = new GradCheck(rank * 2 + (bias ? 1 : 0)).input(xs).input(out, in);
        if (bias) {
            c.input(out);
        }
        c.check("linear", (t, v) -> Ops.linear(t, v[0], v[1], bias ? v[2] : null), v -> {
            double[] y = new double[rows * out];
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    double s = bias ? v[2][o] : 0;
                    for (int i = 0; i < in; i++) {
                        s += v[0][r * in + i] * v[1][o * in + i];
                    }
                    y[r * out + o] = s;
                }
            }
            return y;
        });
    }

    @ParameterizedTest(name = "K={0} d={1} T={2} bias={3}")
    @CsvSource({"1, 1, 4, true", "2, 1, 5, true", "3, 2, 7, false", "2, 4, 6, true", "3, 3, 4, true"})
    void causalDilatedConv1d(int taps, int dilation, int steps, boolean bias) {
        int batch = 2;
        int cin = 3;
        int cout = 4;
        GradCheck c = new GradCheck(taps * 31 + dilation).input(steps, batch, cin).input(cout, cin, taps);
        if (bias) {
            c.input(cout);
        }
        c.check("conv", (t, v) -> Ops.causalConv1d(t, v[0], v[1], bias ? v[2] : null, dilation), v -> {
            double[] y = new double[steps * batch * cout];
            for (int s = 0; s < steps; s++) {
                for (int b = 0; b < batch; b++) {
                    for (int o = 0; o < cout; o++) {
                        double acc = bias ? v[2][o] : 0;
                        for (int k = 0; k < taps; k++) {
                            int src = s - (taps - 1 - k) * dilation;
                            if (src < 0) {
                                continue;
                            }
                            for (int i = 0; i < cin; i++) {
                                acc += v[1][(o * cin + i) * taps + k] * v[0][(src * batch + b) * cin + i];
                            }
                        }
                        y[(s * batch + b) * cout + o] = acc;
                    }
                }
            }
            return y;
        });
    }

    // ---- softmax -----------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "log={0} temperature={1}")
    @CsvSource({"false, 1", "false, 0.5", "false, 2.5", "true, 1", "true, 0.5", "true, 2.5"})
    void softmaxAndLogSoftmax(boolean log, float temperature) {
        int rows = 3;
        int cols = 6;
        new GradCheck(log ? 7 : 8).input(true, 3.0, 0, rows, cols).check(log ? "logSoftmax" : "softmax",
                (t, in) -> log ? Ops.logSoftmax(t, in[0], temperature) : Ops.softmax(t, in[0], temperature),
                in -> {
                    double[] y = new double[rows * cols];
                    for (int r = 0; r < rows; r++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < cols; j++) {
                            max = Math.max(max, in[0][r * cols + j] / temperature);
                        }
                        double sum = 0;
                        for (int j = 0; j < cols; j++) {
                            sum += Math.exp(in[0][r * cols + j] / temperature - max);
                        }
                        for (int j = 0; j < cols; j++) {
                            double z = in[0][r * cols + j] / temperature - max;
                            y[r * cols + j] = log ? z - Math.log(sum) : Math.exp(z) / sum;
                        }
                    }
                    return y;
                });
    }

    // ---- shape ----------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, -1})
    void concatOfThreeParts(int axis) {
        int ax = axis < 0 ? axis + 3 : axis;
        int[][] shapes = {{2, 3, 4}, {2, 3, 4}, {2, 3, 4}};
        int[] sizes = {1, 2, 3};
        for (int p = 0; p < 3; p++) {
            shapes[p][ax] = sizes[p];
        }
        GradCheck c = new GradCheck(40 + axis).input(shapes[0]).input(shapes[1]).input(shapes[2]);
        Var[] parts = new Var[4];
        c.check("concat", (t, in) -> {
            System.arraycopy(in, 0, parts, 0, 3);
            return Ops.concat(t, axis, parts, 3);
        }, in -> {
            int[] outShape = {2, 3, 4};
            outShape[ax] = 6;
            double[] y = new double[outShape[0] * outShape[1] * outShape[2]];
            int inner = 1;
            for (int d = ax + 1; d < 3; d++) {
                inner *= outShape[d];
            }
            int outer = y.length / (6 * inner);
            int at = 0;
            for (int p = 0; p < 3; p++) {
                int block = sizes[p] * inner;
                for (int o = 0; o < outer; o++) {
                    System.arraycopy(in[p], o * block, y, o * 6 * inner + at, block);
                }
                at += block;
            }
            return y;
        });
    }

    @Test
    void concatTwoAndSliceBack() {
        new GradCheck(50).input(2, 3).input(2, 2).check("concat2", (t, in) -> Ops.concat(t, 1, in[0], in[1]), in ->
                new double[] {in[0][0], in[0][1], in[0][2], in[1][0], in[1][1], in[0][3], in[0][4], in[0][5],
                    in[1][2], in[1][3]});
    }

    @ParameterizedTest(name = "axis {0} [{1}, {2})")
    @CsvSource({"0, 1, 3", "1, 0, 2", "2, 2, 4", "-1, 1, 2", "1, 1, 1"})
    void slice(int axis, int start, int end) {
        int[] shape = {3, 4, 5};
        int ax = axis < 0 ? axis + 3 : axis;
        new GradCheck(60 + ax).input(shape).check("slice", (t, in) -> Ops.slice(t, in[0], axis, start, end), in -> {
            int[] out = shape.clone();
            out[ax] = end - start;
            double[] y = new double[out[0] * out[1] * out[2]];
            int i = 0;
            for (int a = 0; a < out[0]; a++) {
                for (int b = 0; b < out[1]; b++) {
                    for (int c = 0; c < out[2]; c++) {
                        int[] src = {a, b, c};
                        src[ax] += start;
                        y[i++] = in[0][(src[0] * 4 + src[1]) * 5 + src[2]];
                    }
                }
            }
            return y;
        });
    }

    @Test
    void reshape() {
        new GradCheck(70).input(2, 6).check("reshape", (t, in) -> Ops.reshape(t, in[0], 3, 2, 2),
                in -> in[0].clone());
    }

    @Test
    void detachStopsTheGradient() {
        // y = sum(x * detach(x)): d/dx sees only the first factor, so the gradient is x, not 2x.
        try (Tape tape = new Tape(); java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            float[] data = {0.5f, -1.25f, 2f};
            Var x = tape.leaf(dev.gatun.tensor.Tensor.of(arena, data, 3));
            Var d = Ops.detach(tape, x);
            assertTrue(!d.requiresGrad());
            tape.backward(Ops.sum(tape, Ops.mul(tape, x, d)));
            org.junit.jupiter.api.Assertions.assertArrayEquals(data, x.grad().toArray());
        }
    }

    // ---- lookup and dropout ---------------------------------------------------------------------------------------

    @Test
    void embeddingAddsRepeatedRows() {
        int[] idx = {2, 0, 2, 3, 2, 1};
        new GradCheck(80).input(4, 3).check("embedding", (t, in) -> Ops.embedding(t, in[0], idx, 3, 2), in -> {
            double[] y = new double[idx.length * 3];
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(in[0], idx[i] * 3, y, i * 3, 3);
            }
            return y;
        });
    }

    @Test
    void lastStepsOfVariableLengthSequences() {
        int[] lengths = {3, 1, 2};
        new GradCheck(85).input(3, 3, 2).check("lastSteps", (t, in) -> Ops.lastSteps(t, in[0], lengths), in -> {
            double[] y = new double[6];
            for (int b = 0; b < 3; b++) {
                System.arraycopy(in[0], ((lengths[b] - 1) * 3 + b) * 2, y, b * 2, 2);
            }
            return y;
        });
    }

    @Test
    void dropoutMasksAndScales() {
        float p = 0.3f;
        int n = 400;
        double[] ones = new double[n];
        java.util.Arrays.fill(ones, 1.0);
        // The mask of a given seed, read from a dropout of ones.
        double[] mask = new double[n];
        try (Tape tape = new Tape(); java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            Var x = tape.input(dev.gatun.tensor.Tensor.of(arena, GradCheck.toFloat(ones), n));
            float[] m = Ops.dropout(tape, x, p, new Rng(99)).value().toArray();
            int kept = 0;
            for (int i = 0; i < n; i++) {
                assertTrue(m[i] == 0f || m[i] == 1f / (1f - p), "mask value " + m[i]);
                mask[i] = m[i];
                kept += m[i] == 0f ? 0 : 1;
            }
            assertTrue(kept > 240 && kept < 320, "kept " + kept + " of 400 at p=0.3");
        }
        new GradCheck(90).input(n).check("dropout", (t, in) -> Ops.dropout(t, in[0], p, new Rng(99)), in -> {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = in[0][i] * mask[i];
            }
            return y;
        });
    }

    // ---- reductions and losses ------------------------------------------------------------------------------------

    @Test
    void sumAndMean() {
        new GradCheck(100).input(3, 5).check("sum", (t, in) -> Ops.sum(t, in[0]),
                in -> new double[] {java.util.Arrays.stream(in[0]).sum()});
        new GradCheck(101).input(3, 5).check("mean", (t, in) -> Ops.mean(t, in[0]),
                in -> new double[] {java.util.Arrays.stream(in[0]).average().orElseThrow()});
    }

    @Test
    void mseBothSides() {
        new GradCheck(110).input(4, 3).input(4, 3).check("mse", (t, in) -> Ops.mse(t, in[0], in[1]), in -> {
            double s = 0;
            for (int i = 0; i < in[0].length; i++) {
                s += (in[0][i] - in[1][i]) * (in[0][i] - in[1][i]);
            }
            return new double[] {s / in[0].length};
        });
    }

    @ParameterizedTest(name = "ignore {0}")
    @ValueSource(ints = {Integer.MIN_VALUE, -100})
    void crossEntropyWithIgnoredRows(int ignore) {
        int[] targets = {1, 4, -100, 0, 4, -100, 2};
        int rows = targets.length;
        int classes = 5;
        GradCheck c = new GradCheck(120).input(true, 4.0, 0, rows, classes);
        if (ignore == Integer.MIN_VALUE) {
            int[] all = {1, 4, 3, 0, 4, 2, 2};
            c.check("crossEntropy", (t, in) -> Ops.crossEntropy(t, in[0], all), in -> ce(in[0], all, classes, ignore));
        } else {
            c.check("crossEntropy ignore", (t, in) -> Ops.crossEntropy(t, in[0], targets, ignore),
                    in -> ce(in[0], targets, classes, ignore));
        }
    }

    @Test
    void crossEntropyOverTimeMajorLogits() {
        int[] targets = {0, 2, 1, 1, 2, 0};
        new GradCheck(130).input(3, 2, 3).check("crossEntropy (T, B, C)",
                (t, in) -> Ops.crossEntropy(t, in[0], targets), in -> ce(in[0], targets, 3, Integer.MIN_VALUE));
    }

    @Test
    void crossEntropyWithEveryRowIgnoredIsZero() {
        try (Tape tape = new Tape(); java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            Var x = tape.leaf(dev.gatun.tensor.Tensor.of(arena, new float[] {1, 2, 3, 4}, 2, 2));
            Var loss = Ops.crossEntropy(tape, x, new int[] {-1, -1}, -1);
            assertEquals(0f, loss.value().get(0));
            tape.backward(loss);
            assertEquals(null, x.grad());
        }
    }

    // ---- composition --------------------------------------------------------------------------------------------

    @Test
    void aValueUsedTwiceGetsBothGradients() {
        // y = tanh(x * w + x) with x used twice.
        new GradCheck(140).input(3, 4).input(4).check("reuse",
                (t, in) -> Ops.tanh(t, Ops.add(t, Ops.mul(t, in[0], in[1]), in[0])), in -> {
                    double[] y = new double[12];
                    for (int i = 0; i < 12; i++) {
                        y[i] = Math.tanh(in[0][i] * in[1][i % 4] + in[0][i]);
                    }
                    return y;
                });
    }

    // ---- references ---------------------------------------------------------------------------------------------

    private static double[] ce(double[] logits, int[] targets, int classes, int ignore) {
        double s = 0;
        int valid = 0;
        for (int r = 0; r < targets.length; r++) {
            if (targets[r] == ignore) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                max = Math.max(max, logits[r * classes + j]);
            }
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(logits[r * classes + j] - max);
            }
            s -= logits[r * classes + targets[r]] - max - Math.log(sum);
            valid++;
        }
        return new double[] {s / valid};
    }

    private static double[] map(double[] x, DoubleUnaryOperator f) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = f.applyAsDouble(x[i]);
        }
        return y;
    }

    private static int[] dims(String s) {
        String[] p = s.trim().split("x");
        int[] d = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            d[i] = Integer.parseInt(p[i]);
        }
        return d;
    }
}
