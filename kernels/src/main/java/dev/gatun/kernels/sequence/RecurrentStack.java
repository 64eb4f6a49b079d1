package dev.gatun.kernels.sequence;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A stacked, optionally bidirectional recurrent network over whole sequences (time-major, PyTorch shapes), composed
 * from one {@link RecurrentPass} per layer and direction. Layer {@code l > 0} reads the previous layer's output rows
 * {@code (T, B, D*Hr)}; the two directions write the two halves of each output row, as PyTorch concatenates them.
 *
 * <p>States are PyTorch-shaped: h0/hN {@code (L*D, B, Hr)}, c0/cN {@code (L*D, B, H)}, index {@code l*D + d}.
 * Weights and gradients are given per layer and direction, index {@code l*D + d}. Not thread-safe; intermediate
 * outputs are kept for backward, sized for the largest (T, B) seen.
 */
public final class RecurrentStack implements AutoCloseable {
    private final StackShape shape;
    private final RecurrentPass[] passes;     // [l*D + d]
    private Arena arena = Arena.ofShared();
    private MemorySegment[] outputs;          // [l] (T, B, D*Hr) for l < L-1 (the last writes the caller's output)
    private MemorySegment[] gradients;        // [l] (T, B, D*Hr) gradient of layer l's output, l < L-1
    private int capRows;
    private boolean closed;

    /** A stack of the given shape. */
    public RecurrentStack(StackShape shape) {
        if (shape == null) {
            throw new IllegalArgumentException("shape is null");
        }
        this.shape = shape;
        int d = shape.directions();
        passes = new RecurrentPass[shape.layers() * d];
        for (int l = 0; l < shape.layers(); l++) {
            for (int k = 0; k < d; k++) {
                passes[l * d + k] = new RecurrentPass(shape.layer(l), k == 1);
            }
        }
        outputs = new MemorySegment[Math.max(0, shape.layers() - 1)];
        gradients = new MemorySegment[outputs.length];
    }

    /** The network's sizes. */
    public StackShape shape() {
        return shape;
    }

    /**
     * Forward over the sequence.
     *
     * @param x input (T, B, I) contiguous from {@code xOff}
     * @param weights per layer and direction, index l*D + d
     * @param h0 (L*D, B, Hr) contiguous, or null for zeros
     * @param c0 (L*D, B, H) (LSTM), or null for zeros
     * @param y output (T, B, D*Hr) contiguous
     * @param hN (L*D, B, Hr), or null
     * @param cN (L*D, B, H), or null
     */
    public void forward(int steps, int batch, MemorySegment x, long xOff, LayerWeights[] weights,
                        MemorySegment h0, long h0Off, MemorySegment c0, long c0Off,
                        MemorySegment y, long yOff, MemorySegment hN, long hNOff, MemorySegment cN, long cNOff) {
        checkOpen();
        checkWeights("weights", weights);
        checkSequence(steps, batch, x, xOff, y, yOff); // before ensureCapacity: bad sizes must not allocate
        ensureCapacity(steps, batch);
        int d = shape.directions();
        int hr = shape.stateSize();
        int h = shape.hiddenSize();
        int out = shape.outputSize();
        MemorySegment in = x;
        long inOff = xOff;
        int ldIn = shape.inputSize();
        for (int l = 0; l < shape.layers(); l++) {
            boolean last = l == shape.layers() - 1;
            MemorySegment dst = last ? y : outputs[l];
            long dstOff = last ? yOff : 0;
            for (int k = 0; k < d; k++) {
                int i = l * d + k;
                passes[i].forward(steps, batch, in, inOff, ldIn, weights[i],
                        h0, h0 == null ? 0 : h0Off + (long) i * batch * hr,
                        c0, c0 == null ? 0 : c0Off + (long) i * batch * h,
                        dst, dstOff + (long) k * hr, out,
                        hN, hN == null ? 0 : hNOff + (long) i * batch * hr,
                        cN, cN == null ? 0 : cNOff + (long) i * batch * h);
            }
            in = dst;
            inOff = dstOff;
            ldIn = out;
        }
    }

    /**
     * Backward through the last {@link #forward} (same inputs). Weight gradients accumulate into {@code grads}.
     *
     * @param dy gradient of the output (T, B, D*Hr) contiguous, or null
     * @param dhN gradient of hN (L*D, B, Hr), or null
     * @param dcN gradient of cN (L*D, B, H), or null
     * @param dx gradient of the input (T, B, I), written; or null
     * @param dh0 gradient of h0 (L*D, B, Hr), written; or null
     * @param dc0 gradient of c0 (L*D, B, H), written; or null
     */
    public void backward(int steps, int batch, MemorySegment x, long xOff, LayerWeights[] weights,
                         MemorySegment h0, long h0Off, MemorySegment c0, long c0Off, MemorySegment y, long yOff,
                         MemorySegment dy, long dyOff, MemorySegment dhN, long dhNOff, MemorySegment dcN, long dcNOff,
                         LayerWeights[] grads, MemorySegment dx, long dxOff,
                         MemorySegment dh0, long dh0Off, MemorySegment dc0, long dc0Off) {
        checkOpen();
        checkWeights("weights", weights);
        checkWeights("grads", grads);
        int d = shape.directions();
        int hr = shape.stateSize();
        int h = shape.hiddenSize();
        int out = shape.outputSize();
        MemorySegment gradOut = dy;
        long gradOutOff = dyOff;
        for (int l = shape.layers() - 1; l >= 0; l--) {
            boolean first = l == 0;
            boolean last = l == shape.layers() - 1;
            MemorySegment in = first ? x : outputs[l - 1];
            long inOff = first ? xOff : 0;
            int ldIn = first ? shape.inputSize() : out;
            MemorySegment layerOut = last ? y : outputs[l];
            long layerOutOff = last ? yOff : 0;
            MemorySegment gradIn = first ? dx : gradients[l - 1];
            long gradInOff = first ? dxOff : 0;
            for (int k = 0; k < d; k++) {
                int i = l * d + k;
                passes[i].backward(steps, batch, in, inOff, ldIn, weights[i],
                        h0, h0 == null ? 0 : h0Off + (long) i * batch * hr,
                        c0, c0 == null ? 0 : c0Off + (long) i * batch * h,
                        layerOut, layerOutOff + (long) k * hr, out,
                        gradOut, gradOut == null ? 0 : gradOutOff + (long) k * hr, out,
                        dhN, dhN == null ? 0 : dhNOff + (long) i * batch * hr,
                        dcN, dcN == null ? 0 : dcNOff + (long) i * batch * h,
                        grads[i], gradIn, gradInOff, ldIn, k == 0 ? 0f : 1f,
                        dh0, dh0 == null ? 0 : dh0Off + (long) i * batch * hr,
                        dc0, dc0 == null ? 0 : dc0Off + (long) i * batch * h);
            }
            gradOut = gradIn;
            gradOutOff = gradInOff;
        }
    }

    private void checkWeights(String name, LayerWeights[] w) {
        int n = shape.layers() * shape.directions();
        if (w == null || w.length != n) {
            throw new IllegalArgumentException(name + ": expected " + n + " layer directions (layers=" + shape.layers()
                    + ", directions=" + shape.directions() + "), got " + (w == null ? "null" : w.length));
        }
    }

    /** Sizes, x and y checked before any intermediate buffer is sized from (T, B). */
    private void checkSequence(int steps, int batch, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        if (steps < 1 || batch < 1) {
            throw new IllegalArgumentException("steps and batch must be >= 1, got T=" + steps + ", B=" + batch);
        }
        long rows = (long) steps * batch;
        int widest = Math.max(shape.outputSize(), shape.cell().gates() * shape.hiddenSize()); // allocates nothing
        if (rows > Integer.MAX_VALUE / widest) {
            throw new IllegalArgumentException("T*B*width overflows: T=" + steps + ", B=" + batch + ", width="
                    + widest);
        }
        SequenceChecks.rows("x", x, xOff, shape.inputSize(), (int) rows, shape.inputSize(), false);
        SequenceChecks.rows("y", y, yOff, shape.outputSize(), (int) rows, shape.outputSize(), false);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("recurrent stack " + shape + " is closed");
        }
    }

    private void ensureCapacity(int steps, int batch) {
        long rows = (long) steps * batch;
        if (rows <= capRows || outputs.length == 0) {
            return;
        }
        Arena next = Arena.ofShared();
        long bytes = rows * shape.outputSize() * Float.BYTES;
        for (int l = 0; l < outputs.length; l++) {
            outputs[l] = next.allocate(bytes, 64);
            gradients[l] = next.allocate(bytes, 64);
        }
        arena.close();
        arena = next;
        capRows = (int) Math.min(Integer.MAX_VALUE, rows);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RecurrentPass p : passes) {
            p.close();
        }
        arena.close();
    }
}
