package dev.gatun.autograd;

import dev.gatun.gemm.Gemm;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Causal dilated 1-D convolution over time-major sequences (the TCN's building block):
 * <pre>  y[t, b, o] = bias[o] + sum over c, k of w[o, c, k] * x[t - (K-1-k) * d, b, c]   (x before time 0 is 0)</pre>
 * with x (T, B, Cin), w (Cout, Cin, K) in PyTorch's {@code nn.Conv1d} layout, and dilation d. This equals PyTorch's
 * {@code Conv1d(dilation=d, padding=(K-1)*d)} with the last {@code (K-1)*d} outputs dropped, on (B, C, T) data.
 *
 * <p>Tap k shifts time by {@code s = (K-1-k) d}, and time-major rows make that a row offset of {@code s*B}: each
 * tap is one GEMM, {@code Y[s*B:] += X[:(T-s)*B] W_k^T}. The weights are repacked per tap (K, Cout, Cin) and saved
 * for backward, which runs the same GEMMs transposed.
 */
final class CausalConv {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private CausalConv() {}

    static Var apply(Tape tape, Var x, Var w, Var bias, int dilation) {
        Tensor xv = Checks.rank("causalConv1d", "x", x, 3);
        Tensor wv = Checks.rank("causalConv1d", "weight", w, 3);
        int steps = xv.dim(0);
        int batch = xv.dim(1);
        int cin = xv.dim(2);
        int cout = wv.dim(0);
        int taps = wv.dim(2);
        if (wv.dim(1) != cin) {
            throw new IllegalArgumentException("causalConv1d: weight " + wv.shapeString() + " (Cout, Cin, K) does not "
                    + "match input channels " + cin + " of x " + xv.shapeString() + " (T, B, Cin)");
        }
        if (dilation < 1 || taps < 1) {
            throw new IllegalArgumentException("causalConv1d: dilation and kernel size must be >= 1, got " + dilation
                    + " and " + taps);
        }
        if (bias != null) {
            Tensor bv = Checks.rank("causalConv1d", "bias", bias, 1);
            if (bv.dim(0) != cout) {
                throw new IllegalArgumentException("causalConv1d: bias " + bv.shapeString() + " does not match Cout="
                        + cout);
            }
        }
        Var y = tape.node(BACKWARD, x, w, bias);
        y.i0 = dilation;
        int tapSize = cout * cin;
        // saved: [packed weights (K, Cout, Cin) | packed weight gradient, filled in backward]
        Tensor saved = y.savedBuffer.shape(2 * taps * tapSize);
        MemorySegment ps = saved.segment();
        MemorySegment ws = wv.segment();
        for (int o = 0; o < cout; o++) {
            for (int c = 0; c < cin; c++) {
                long from = wv.offset() + ((long) o * cin + c) * taps;
                for (int k = 0; k < taps; k++) {
                    ps.setAtIndex(F, (long) k * tapSize + (long) o * cin + c, ws.getAtIndex(F, from + k));
                }
            }
        }
        y.ref = saved;
        Tensor out = y.valueBuffer.shape(steps, batch, cout);
        MemorySegment ys = out.segment();
        int rows = steps * batch;
        if (bias != null) {
            Tensor bv = bias.value;
            for (int r = 0; r < rows; r++) {
                MemorySegment.copy(bv.segment(), bv.offset() * Float.BYTES, ys, (long) r * cout * Float.BYTES,
                        (long) cout * Float.BYTES);
            }
        } else {
            y.valueBuffer.zero();
        }
        for (int k = 0; k < taps; k++) {
            long shift = (long) (taps - 1 - k) * dilation;
            if (shift >= steps) {
                continue;
            }
            int n = (int) ((steps - shift) * batch);
            // Y[s*B:] += X[:(T-s)*B] W_k^T   ((T-s)*B, Cout)
            Gemm.sgemm(false, true, n, cout, cin, 1f, xv.segment(), xv.offset(), cin, ps, (long) k * tapSize, cin,
                    1f, ys, shift * batch * cout, cout);
        }
        y.value = out;
        return y;
    }

    private static final Backward BACKWARD = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null) {
            return;
        }
        Tensor xv = y.a.value;
        Tensor wv = y.b.value;
        int steps = xv.dim(0);
        int batch = xv.dim(1);
        int cin = xv.dim(2);
        int cout = wv.dim(0);
        int taps = wv.dim(2);
        int dilation = y.i0;
        int tapSize = cout * cin;
        MemorySegment ps = ((Tensor) y.ref).segment();
        long gradPack = (long) taps * tapSize;
        MemorySegment g = dy.segment();
        Tensor dx = y.a.requiresGrad ? y.a.gradIn() : null;
        boolean dw = y.b.requiresGrad;
        for (int k = 0; k < taps; k++) {
            long shift = (long) (taps - 1 - k) * dilation;
            if (shift >= steps) {
                if (dw) {
                    ps.asSlice((gradPack + (long) k * tapSize) * Float.BYTES, (long) tapSize * Float.BYTES)
                            .fill((byte) 0);
                }
                continue;
            }
            int n = (int) ((steps - shift) * batch);
            long dyRow = shift * batch * cout;
            if (dx != null) {
                // dX[:(T-s)*B] += dY[s*B:] W_k   ((T-s)*B, Cin)
                Gemm.sgemm(false, false, n, cin, cout, 1f, g, dyRow, cout, ps, (long) k * tapSize, cin,
                        1f, dx.segment(), dx.offset(), cin);
            }
            if (dw) {
                // dW_k = dY[s*B:]^T X[:(T-s)*B]   (Cout, Cin)
                Gemm.sgemm(true, false, cout, cin, n, 1f, g, dyRow, cout, xv.segment(), xv.offset(), cin,
                        0f, ps, gradPack + (long) k * tapSize, cin);
            }
        }
        if (dw) {
            Tensor gw = y.b.gradIn();
            MemorySegment gs = gw.segment();
            for (int o = 0; o < cout; o++) {
                for (int c = 0; c < cin; c++) {
                    long to = gw.offset() + ((long) o * cin + c) * taps;
                    for (int k = 0; k < taps; k++) {
                        float v = ps.getAtIndex(F, gradPack + (long) k * tapSize + (long) o * cin + c);
                        gs.setAtIndex(F, to + k, gs.getAtIndex(F, to + k) + v);
                    }
                }
            }
        }
        if (y.c != null && y.c.requiresGrad) {
            Tensor db = y.c.gradIn();
            int rows = steps * batch;
            for (int r = 0; r < rows; r++) {
                Shape.addBlock(g, (long) r * cout, db.segment(), db.offset(), cout);
            }
        }
    };
}
