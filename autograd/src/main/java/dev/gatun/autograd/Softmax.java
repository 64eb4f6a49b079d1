package dev.gatun.autograd;

import dev.gatun.kernels.activation.Activations;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * softmax and log-softmax over the last dimension with a temperature tau: {@code z = x / tau},
 * {@code softmax = exp(z - max) / sum}, {@code log_softmax = z - max - log(sum)}. (The seed notes' attention
 * sharpness alpha is {@code 1 / tau}.)
 *
 * <p>Backward, with y the output: softmax {@code dx = (y * (dy - sum(dy * y))) / tau}; log-softmax
 * {@code dx = (dy - exp(y) * sum(dy)) / tau}. Only the output is needed.
 */
final class Softmax {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private Softmax() {}

    static Var apply(Tape tape, Var x, float temperature, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        Tensor xv = Checks.value(op, "x", x);
        if (!(temperature > 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException(op + ": temperature must be positive and finite, got " + temperature);
        }
        Var y = tape.node(BACKWARD, x, null, null);
        y.f0 = temperature;
        y.i0 = log ? 1 : 0;
        Tensor out = y.valueBuffer.like(xv);
        int c = Checks.lastDim(xv);
        int rows = Checks.rows(op, xv);
        rowsForward(xv.segment(), xv.offset(), out.segment(), 0, rows, c, 1f / temperature, log);
        y.value = out;
        return y;
    }

    /**
     * Softmax or log-softmax of each row of {@code c} floats of x (scaled by {@code invTau}) into y; the
     * cross-entropy loss calls it with {@code log = true} for its log-probabilities.
     */
    static void rowsForward(MemorySegment xs, long xo, MemorySegment ys, long yo, int rows, int c, float invTau,
                            boolean log) {
        for (int r = 0; r < rows; r++) {
            long xr = xo + (long) r * c;
            long yr = yo + (long) r * c;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, invTau * xs.getAtIndex(F, xr + j));
            }
            for (int j = 0; j < c; j++) {
                ys.setAtIndex(F, yr + j, invTau * xs.getAtIndex(F, xr + j) - max);
            }
            Activations.expInPlace(ys, yr, c);       // y = exp(z - max)
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += ys.getAtIndex(F, yr + j);
            }
            if (log) {
                float logSum = (float) Math.log(sum);
                for (int j = 0; j < c; j++) {
                    ys.setAtIndex(F, yr + j, invTau * xs.getAtIndex(F, xr + j) - max - logSum);
                }
            } else {
                float inv = (float) (1.0 / sum);
                for (int j = 0; j < c; j++) {
                    ys.setAtIndex(F, yr + j, ys.getAtIndex(F, yr + j) * inv);
                }
            }
        }
    }

    private static final Backward BACKWARD = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null || !y.a.requiresGrad) {
            return;
        }
        Tensor dx = y.a.gradIn();
        boolean log = y.i0 == 1;
        float invTau = 1f / y.f0;
        int c = Checks.lastDim(dy);
        int rows = Checks.rows("softmax", dy);
        MemorySegment g = dy.segment();
        MemorySegment ys = y.value.segment();
        MemorySegment ds = dx.segment();
        long d0 = dx.offset();
        for (int r = 0; r < rows; r++) {
            long row = (long) r * c;
            double dot = 0;    // softmax: sum(dy * y); log-softmax: sum(dy)
            for (int j = 0; j < c; j++) {
                float gj = g.getAtIndex(F, row + j);
                dot += log ? gj : gj * ys.getAtIndex(F, row + j);
            }
            float s = (float) dot;
            for (int j = 0; j < c; j++) {
                float gj = g.getAtIndex(F, row + j);
                float yj = ys.getAtIndex(F, row + j);
                float v = log ? gj - Activations.exp(yj) * s : yj * (gj - s);
                long di = d0 + row + j;
                ds.setAtIndex(F, di, ds.getAtIndex(F, di) + invTau * v);
            }
        }
    };
}
