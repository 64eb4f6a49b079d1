package dev.gatun.autograd;

import dev.gatun.gemm.Gemm;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Matrix products through {@link Gemm}: {@code matmul} (M, K) x (K, N), and {@code linear} {@code y = x W^T + b}
 * over the rows of x (any leading dimensions, PyTorch's {@code nn.Linear} layout W (out, in)).
 */
final class MatMul {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private MatMul() {}

    /** (M, K) x (K, N) -> (M, N). */
    static Var matmul(Tape tape, Var a, Var b) {
        Tensor av = Checks.rank("matmul", "a", a, 2);
        Tensor bv = Checks.rank("matmul", "b", b, 2);
        int m = av.dim(0);
        int k = av.dim(1);
        int n = bv.dim(1);
        if (bv.dim(0) != k) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: a " + av.shapeString() + " x b "
                    + bv.shapeString());
        }
        Var y = tape.node(MATMUL, a, b, null);
        Tensor c = y.valueBuffer.shape(m, n);
        if (k == 0) {
            y.valueBuffer.zero();
        }
        Gemm.sgemm(false, false, m, n, k, 1f, av.segment(), av.offset(), Math.max(1, k),
                bv.segment(), bv.offset(), Math.max(1, n), 0f, c.segment(), 0, Math.max(1, n));
        y.value = c;
        return y;
    }

    private static final Backward MATMUL = y -> {
        Tensor dc = y.gradOrNull();
        if (dc == null) {
            return;
        }
        Tensor av = y.a.value;
        Tensor bv = y.b.value;
        int m = av.dim(0);
        int k = av.dim(1);
        int n = bv.dim(1);
        if (y.a.requiresGrad) {
            // dA += dC B^T   (M, K)
            Tensor da = y.a.gradIn();
            Gemm.sgemm(false, true, m, k, n, 1f, dc.segment(), 0, Math.max(1, n), bv.segment(), bv.offset(),
                    Math.max(1, n), 1f, da.segment(), da.offset(), Math.max(1, k));
        }
        if (y.b.requiresGrad) {
            // dB += A^T dC   (K, N)
            Tensor db = y.b.gradIn();
            Gemm.sgemm(true, false, k, n, m, 1f, av.segment(), av.offset(), Math.max(1, k), dc.segment(), 0,
                    Math.max(1, n), 1f, db.segment(), db.offset(), Math.max(1, n));
        }
    };

    /** x (..., in), w (out, in), bias (out) or null -> (..., out). */
    static Var linear(Tape tape, Var x, Var w, Var bias) {
        Tensor xv = Checks.value("linear", "x", x);
        Tensor wv = Checks.rank("linear", "weight", w, 2);
        int out = wv.dim(0);
        int in = wv.dim(1);
        if (xv.rank() < 1 || xv.dim(-1) != in) {
            throw new IllegalArgumentException("linear: input " + xv.shapeString() + " does not end in in_features="
                    + in + " of weight " + wv.shapeString());
        }
        if (bias != null) {
            Tensor bv = Checks.rank("linear", "bias", bias, 1);
            if (bv.dim(0) != out) {
                throw new IllegalArgumentException("linear: bias " + bv.shapeString() + " does not match weight "
                        + wv.shapeString());
            }
        }
        int rows = Checks.rows("linear", xv);
        Var y = tape.node(LINEAR, x, w, bias);
        Tensor yv = y.valueBuffer.likeWith(xv, xv.rank() - 1, out);
        MemorySegment ys = yv.segment();
        float beta = 0f;
        if (bias != null) {
            Tensor bv = bias.value;
            for (int r = 0; r < rows; r++) {
                MemorySegment.copy(bv.segment(), bv.offset() * Float.BYTES, ys, (long) r * out * Float.BYTES,
                        (long) out * Float.BYTES);
            }
            beta = 1f;
        } else if (in == 0) {
            y.valueBuffer.zero();
        }
        // y (+)= x W^T   (rows, out)
        Gemm.sgemm(false, true, rows, out, in, 1f, xv.segment(), xv.offset(), Math.max(1, in),
                wv.segment(), wv.offset(), Math.max(1, in), beta, ys, 0, Math.max(1, out));
        y.value = yv;
        return y;
    }

    private static final Backward LINEAR = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null) {
            return;
        }
        Tensor xv = y.a.value;
        Tensor wv = y.b.value;
        int out = wv.dim(0);
        int in = wv.dim(1);
        int rows = Checks.rows("linear", xv);
        MemorySegment g = dy.segment();
        if (y.a.requiresGrad) {
            // dx += dy W   (rows, in)
            Tensor dx = y.a.gradIn();
            Gemm.sgemm(false, false, rows, in, out, 1f, g, 0, Math.max(1, out), wv.segment(), wv.offset(),
                    Math.max(1, in), 1f, dx.segment(), dx.offset(), Math.max(1, in));
        }
        if (y.b.requiresGrad) {
            // dW += dy^T x   (out, in)
            Tensor dw = y.b.gradIn();
            Gemm.sgemm(true, false, out, in, rows, 1f, g, 0, Math.max(1, out), xv.segment(), xv.offset(),
                    Math.max(1, in), 1f, dw.segment(), dw.offset(), Math.max(1, in));
        }
        if (y.c != null && y.c.requiresGrad) {
            // db += column sums of dy   (out)
            Tensor db = y.c.gradIn();
            MemorySegment ds = db.segment();
            long d0 = db.offset();
            for (int r = 0; r < rows; r++) {
                long row = (long) r * out;
                for (int j = 0; j < out; j++) {
                    ds.setAtIndex(F, d0 + j, ds.getAtIndex(F, d0 + j) + g.getAtIndex(F, row + j));
                }
            }
        }
    };
}
