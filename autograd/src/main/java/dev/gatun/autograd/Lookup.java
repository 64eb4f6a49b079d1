package dev.gatun.autograd;

import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Row gathers. Embedding lookup: row {@code indices[i]} of the weight (V, E) for each of n indices, output (n, E)
 * or (T, B, E); backward adds each output row's gradient into its weight row (rows used twice get both). Last
 * steps: for variable-length sequences in a time-major batch, the row of step {@code lengths[b] - 1} of each
 * sequence b, output (B, H); backward puts the gradient back there. Indices are copied onto the node.
 */
final class Lookup {
    private Lookup() {}

    /** {@code count} indices from {@code indices[0, count)}, output shaped (count, E), or (steps, batch, E) when steps > 0. */
    static Var embedding(Tape tape, Var weight, int[] indices, int count, int steps, int batch) {
        Tensor wv = Checks.rank("embedding", "weight", weight, 2);
        if (indices == null || count < 0 || count > indices.length) {
            throw new IllegalArgumentException("embedding: " + count + " indices requested from "
                    + (indices == null ? "null" : "an array of " + indices.length));
        }
        int vocab = wv.dim(0);
        int e = wv.dim(1);
        Var y = tape.node(BACKWARD, weight, null, null);
        int[] idx = y.ints(count);
        for (int i = 0; i < count; i++) {
            int k = indices[i];
            if (k < 0 || k >= vocab) {
                throw new IndexOutOfBoundsException("embedding: index " + k + " at position " + i
                        + " out of range for " + vocab + " rows");
            }
            idx[i] = k;
        }
        y.i0 = count;
        Tensor out = steps > 0 ? y.valueBuffer.shape(steps, batch, e) : y.valueBuffer.shape(count, e);
        MemorySegment ws = wv.segment();
        MemorySegment os = out.segment();
        long rowBytes = (long) e * Float.BYTES;
        for (int i = 0; i < count; i++) {
            MemorySegment.copy(ws, (wv.offset() + (long) idx[i] * e) * Float.BYTES, os, i * rowBytes, rowBytes);
        }
        y.value = out;
        return y;
    }

    private static final Backward BACKWARD = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null || !y.a.requiresGrad) {
            return;
        }
        Tensor dw = y.a.gradIn();
        int e = dw.dim(1);
        for (int i = 0; i < y.i0; i++) {
            Shape.addBlock(dy.segment(), (long) i * e, dw.segment(), dw.offset() + (long) y.ints[i] * e, e);
        }
    };

    /** x (T, B, H) -> (B, H): row {@code (lengths[b] - 1, b)} for each b. */
    static Var lastSteps(Tape tape, Var x, int[] lengths) {
        Tensor xv = Checks.rank("lastSteps", "x", x, 3);
        int steps = xv.dim(0);
        int batch = xv.dim(1);
        int h = xv.dim(2);
        if (lengths == null || lengths.length != batch) {
            throw new IllegalArgumentException("lastSteps: need one length per sequence of x " + xv.shapeString()
                    + ", got " + (lengths == null ? "null" : lengths.length));
        }
        Var y = tape.node(LAST_STEPS, x, null, null);
        int[] rows = y.ints(batch);
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < 1 || lengths[b] > steps) {
                throw new IllegalArgumentException("lastSteps: length " + lengths[b] + " of sequence " + b
                        + " is not in [1, " + steps + "]");
            }
            rows[b] = (lengths[b] - 1) * batch + b;
        }
        Tensor out = y.valueBuffer.shape(batch, h);
        long rowBytes = (long) h * Float.BYTES;
        for (int b = 0; b < batch; b++) {
            MemorySegment.copy(xv.segment(), (xv.offset() + (long) rows[b] * h) * Float.BYTES, out.segment(),
                    b * rowBytes, rowBytes);
        }
        y.i0 = batch;
        y.value = out;
        return y;
    }

    private static final Backward LAST_STEPS = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null || !y.a.requiresGrad) {
            return;
        }
        Tensor dx = y.a.gradIn();
        int h = dy.dim(1);
        for (int b = 0; b < y.i0; b++) {
            Shape.addBlock(dy.segment(), (long) b * h, dx.segment(), dx.offset() + (long) y.ints[b] * h, h);
        }
    };

    /** x (T, B, H) -> (T, B, H), each sequence reversed within its length; a row permutation, its own inverse. */
    static Var reverseSequences(Tape tape, Var x, int[] lengths) {
        Tensor xv = Checks.rank("reverseSequences", "x", x, 3);
        int steps = xv.dim(0);
        int batch = xv.dim(1);
        int h = xv.dim(2);
        Checks.lengths("reverseSequences", lengths, steps, batch, xv);
        Var y = tape.node(PERMUTE_ROWS, x, null, null);
        int rows = steps * batch;
        int[] from = y.ints(rows);   // output row r is input row from[r]
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                int src = t < lengths[b] ? lengths[b] - 1 - t : t;
                from[t * batch + b] = src * batch + b;
            }
        }
        Tensor out = y.valueBuffer.shape(steps, batch, h);
        long rowBytes = (long) h * Float.BYTES;
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(xv.segment(), (xv.offset() + (long) from[r] * h) * Float.BYTES, out.segment(),
                    r * rowBytes, rowBytes);
        }
        y.i0 = rows;
        y.value = out;
        return y;
    }

    private static final Backward PERMUTE_ROWS = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null || !y.a.requiresGrad) {
            return;
        }
        Tensor dx = y.a.gradIn();
        int h = dy.dim(2);
        for (int r = 0; r < y.i0; r++) {
            Shape.addBlock(dy.segment(), (long) r * h, dx.segment(), dx.offset() + (long) y.ints[r] * h, h);
        }
    };
}
