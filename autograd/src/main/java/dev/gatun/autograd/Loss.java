package dev.gatun.autograd;

import dev.gatun.kernels.activation.Activations;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Losses, each a scalar (shape (1)) averaged as PyTorch's default {@code reduction='mean'}.
 *
 * <ul>
 *   <li>{@code maskedMse}: {@code mse} over the valid steps {@code t < lengths[b]} of a time-major batch, averaged
 *   over the valid elements; padded steps get no gradient.</li>
 *   <li>{@code mse}: {@code mean((pred - target)^2)}; both sides get a gradient if they require one
 *   ({@code d/dpred = 2 (pred - target) / n}).</li>
 *   <li>{@code crossEntropy}: log-softmax fused with the negative log-likelihood of class indices, over the rows of
 *   logits (..., C); rows whose target equals {@code ignoreIndex} (padding of variable-length sequences) count
 *   neither in the sum nor in the mean, nor do the padded steps of variable-length sequences given by their
 *   lengths. The log-probabilities are saved; backward is
 *   {@code (softmax - onehot) * dy / valid}. With no valid row the loss is 0 (PyTorch gives NaN).</li>
 * </ul>
 */
final class Loss {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private Loss() {}

    static Var mse(Tape tape, Var pred, Var target) {
        Tensor pv = Checks.value("mse", "pred", pred);
        Tensor tv = Checks.value("mse", "target", target);
        Checks.sameShape("mse", pv, tv);
        long n = pv.size();
        if (n == 0) {
            throw new IllegalArgumentException("mse: no elements in " + pv.shapeString());
        }
        Var y = tape.node(MSE, pred, target, null);
        MemorySegment ps = pv.segment();
        MemorySegment ts = tv.segment();
        double s = 0;
        for (long i = 0; i < n; i++) {
            float d = ps.getAtIndex(F, pv.offset() + i) - ts.getAtIndex(F, tv.offset() + i);
            s += d * d;
        }
        Tensor out = y.valueBuffer.shape(1);
        out.segment().setAtIndex(F, 0, (float) (s / n));
        y.value = out;
        return y;
    }

    private static final Backward MSE = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null) {
            return;
        }
        Tensor pv = y.a.value;
        Tensor tv = y.b.value;
        long n = pv.size();
        float scale = 2f * dy.segment().getAtIndex(F, 0) / n;
        MemorySegment ps = pv.segment();
        MemorySegment ts = tv.segment();
        Tensor dp = y.a.requiresGrad ? y.a.gradIn() : null;
        Tensor dt = y.b.requiresGrad ? y.b.gradIn() : null;
        for (long i = 0; i < n; i++) {
            float g = scale * (ps.getAtIndex(F, pv.offset() + i) - ts.getAtIndex(F, tv.offset() + i));
            if (dp != null) {
                long k = dp.offset() + i;
                dp.segment().setAtIndex(F, k, dp.segment().getAtIndex(F, k) + g);
            }
            if (dt != null) {
                long k = dt.offset() + i;
                dt.segment().setAtIndex(F, k, dt.segment().getAtIndex(F, k) - g);
            }
        }
    };

    /**
     * {@code mse} over the valid steps of variable-length sequences: pred and target (T, B, ...) time-major, element
     * (t, b, ...) counts when {@code t < lengths[b]}; the mean is over the counted elements.
     */
    static Var maskedMse(Tape tape, Var pred, Var target, int[] lengths) {
        Tensor pv = Checks.value("maskedMse", "pred", pred);
        Tensor tv = Checks.value("maskedMse", "target", target);
        Checks.sameShape("maskedMse", pv, tv);
        if (pv.rank() < 2) {
            throw new IllegalArgumentException("maskedMse: pred must be time-major (T, B, ...), got shape "
                    + pv.shapeString());
        }
        int steps = pv.dim(0);
        int batch = pv.dim(1);
        long width = pv.size() / ((long) steps * batch);
        Checks.lengths("maskedMse", lengths, steps, batch, pv);
        long valid = 0;
        for (int b = 0; b < batch; b++) {
            valid += lengths[b];
        }
        valid *= width;
        if (valid == 0) {
            throw new IllegalArgumentException("maskedMse: no valid elements in " + pv.shapeString());
        }
        Var y = tape.node(MASKED_MSE, pred, target, null);
        int[] len = y.ints(batch);
        System.arraycopy(lengths, 0, len, 0, batch);
        y.i0 = batch;
        MemorySegment ps = pv.segment();
        MemorySegment ts = tv.segment();
        double s = 0;
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                if (t >= len[b]) {
                    continue;
                }
                long row = ((long) t * batch + b) * width;
                for (long i = row; i < row + width; i++) {
                    float d = ps.getAtIndex(F, pv.offset() + i) - ts.getAtIndex(F, tv.offset() + i);
                    s += d * d;
                }
            }
        }
        y.f0 = valid;
        Tensor out = y.valueBuffer.shape(1);
        out.segment().setAtIndex(F, 0, (float) (s / valid));
        y.value = out;
        return y;
    }

    private static final Backward MASKED_MSE = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null) {
            return;
        }
        Tensor pv = y.a.value;
        Tensor tv = y.b.value;
        int steps = pv.dim(0);
        int batch = y.i0;
        long width = pv.size() / ((long) steps * batch);
        float scale = 2f * dy.segment().getAtIndex(F, 0) / y.f0;
        MemorySegment ps = pv.segment();
        MemorySegment ts = tv.segment();
        Tensor dp = y.a.requiresGrad ? y.a.gradIn() : null;
        Tensor dt = y.b.requiresGrad ? y.b.gradIn() : null;
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                if (t >= y.ints[b]) {
                    continue;   // padding: no gradient
                }
                long row = ((long) t * batch + b) * width;
                for (long i = row; i < row + width; i++) {
                    float g = scale * (ps.getAtIndex(F, pv.offset() + i) - ts.getAtIndex(F, tv.offset() + i));
                    if (dp != null) {
                        long k = dp.offset() + i;
                        dp.segment().setAtIndex(F, k, dp.segment().getAtIndex(F, k) + g);
                    }
                    if (dt != null) {
                        long k = dt.offset() + i;
                        dt.segment().setAtIndex(F, k, dt.segment().getAtIndex(F, k) - g);
                    }
                }
            }
        }
    };

    static Var crossEntropy(Tape tape, Var logits, int[] targets, int count, int ignoreIndex) {
        return crossEntropy(tape, logits, targets, count, ignoreIndex, null);
    }

    /**
     * Cross-entropy; with {@code lengths}, logits are time-major (T, B, C) and row {@code t*B + b} is left out
     * when {@code t >= lengths[b]} (its target is not read).
     */
    static Var crossEntropy(Tape tape, Var logits, int[] targets, int count, int ignoreIndex, int[] lengths) {
        Tensor lv = Checks.value("crossEntropy", "logits", logits);
        int c = Checks.lastDim(lv);
        int rows = Checks.rows("crossEntropy", lv);
        if (targets == null || count != rows || count > targets.length) {
            throw new IllegalArgumentException("crossEntropy: logits " + lv.shapeString() + " have " + rows
                    + " rows but " + count + " targets were given" + (targets == null ? " (null)" : ""));
        }
        int batch = 0;
        if (lengths != null) {
            if (lv.rank() != 3) {
                throw new IllegalArgumentException("crossEntropy: with lengths, logits must be (T, B, C), got "
                        + lv.shapeString());
            }
            batch = lv.dim(1);
            Checks.lengths("crossEntropy", lengths, lv.dim(0), batch, lv);
        }
        Var y = tape.node(CROSS_ENTROPY, logits, null, null);
        int[] t = y.ints(rows);
        Tensor logp = y.savedBuffer.shape(rows, c);
        Softmax.rowsForward(lv.segment(), lv.offset(), logp.segment(), 0, rows, c, 1f, true);
        MemorySegment ls = logp.segment();
        double s = 0;
        int valid = 0;
        for (int r = 0; r < rows; r++) {
            if (lengths != null && r / batch >= lengths[r % batch]) {
                t[r] = ignoreIndex;   // a padded step
                continue;
            }
            int k = targets[r];
            t[r] = k;
            if (k == ignoreIndex) {
                continue;
            }
            if (k < 0 || k >= c) {
                throw new IndexOutOfBoundsException("crossEntropy: target " + k + " of row " + r + " out of range for "
                        + c + " classes (ignoreIndex " + ignoreIndex + ")");
            }
            s -= ls.getAtIndex(F, (long) r * c + k);
            valid++;
        }
        y.i0 = ignoreIndex;
        y.i1 = valid;
        y.ref = logp;
        Tensor out = y.valueBuffer.shape(1);
        out.segment().setAtIndex(F, 0, valid == 0 ? 0f : (float) (s / valid));
        y.value = out;
        return y;
    }

    private static final Backward CROSS_ENTROPY = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null || !y.a.requiresGrad || y.i1 == 0) {
            return;
        }
        Tensor logp = (Tensor) y.ref;
        int rows = logp.dim(0);
        int c = logp.dim(1);
        float scale = dy.segment().getAtIndex(F, 0) / y.i1;
        Tensor dx = y.a.gradIn();
        MemorySegment ls = logp.segment();
        MemorySegment ds = dx.segment();
        for (int r = 0; r < rows; r++) {
            int k = y.ints[r];
            if (k == y.i0) {
                continue;
            }
            long row = (long) r * c;
            long d = dx.offset() + row;
            for (int j = 0; j < c; j++) {
                float p = Activations.exp(ls.getAtIndex(F, row + j));
                float g = scale * (j == k ? p - 1f : p);
                ds.setAtIndex(F, d + j, ds.getAtIndex(F, d + j) + g);
            }
        }
    };
}
