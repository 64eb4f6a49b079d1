package dev.gatun.kernels.stream;

import dev.gatun.kernels.CellType;

import dev.gatun.kernels.Vectorization;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One recurrent layer (LSTM, GRU or plain RNN) packed for batch-1 streaming: one sequence, one step at a time.
 * Immutable; weights are given once in PyTorch layout and repacked off-heap (see {@code PackedLayout}) in float32
 * or bfloat16 (biases stay float32, on the heap). Several {@link StreamingStepper}s (one per sequence, each with
 * its own state) can share a cell, from different threads.
 *
 * <p>Shapes follow PyTorch ({@code G} = 4 for LSTM with gates i, f, g, o; 3 for GRU with r, z, n; 1 for RNN):
 * <pre>
 *   wIh (G*H, I)   wHh (G*H, R)   bIh (G*H)   bHh (G*H)   wHr (P, H), LSTM with projSize P > 0 only
 * </pre>
 * with R = P when the LSTM has a projection, else H. Matrices are row-major; biases may be null (bias=False).
 * Segment overloads read the first floats of each segment (any alignment, native byte order).
 *
 * <p>The cell owns a shared {@link Arena}; {@link #close()} frees the packed weights, after which its steppers
 * throw {@link IllegalStateException}. Close the steppers first: each may own a worker thread. Panels of 1 MiB or
 * more are placed on 2 MiB pages when Linux grants them (see {@code HugePages}; off with
 * {@code -Dgatun.hugepages=false}): it keeps a panel as large as the L2 from thrashing it.
 */
public final class StreamingCell implements AutoCloseable {
    private final PackedLayout layout;
    private final WeightFormat format;
    private final Arena arena;
    private final MemorySegment weights;
    private final MemorySegment projWeights;
    private final float[] biasIh;          // (G, Hb)
    private final float[] biasHh;          // (G, Hb)
    private volatile boolean closed;

    private StreamingCell(CellType kind, WeightFormat format, WeightPacker.Floats wIh, WeightPacker.Floats wHh,
            WeightPacker.Floats bIh, WeightPacker.Floats bHh, WeightPacker.Floats wHr, int inputSize,
            int hiddenSize, int projSize) {
        int lanes = Vectorization.enabled() ? Vectorization.bitSize() / Float.SIZE : 16;
        this.layout = new PackedLayout(kind, format, lanes, inputSize, hiddenSize, projSize);
        this.format = format;
        this.arena = Arena.ofShared();
        try {
            PackedLayout l = layout;
            this.weights = HugePages.allocate(arena, l.mainBytes());
            this.projWeights = HugePages.allocate(arena, l.projBytes());
            WeightPacker.packMain(l, wIh, wHh, weights);
            if (projSize > 0) {
                WeightPacker.packProjection(l, wHr, projWeights);
            }
            this.biasIh = WeightPacker.packBias(l, bIh);
            this.biasHh = WeightPacker.packBias(l, bHh);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    // ---- factories ------------------------------------------------------------------------------------------

    /** An LSTM cell without projection ({@code nn.LSTM} / {@code nn.LSTMCell}). */
    public static StreamingCell lstm(float[] wIh, float[] wHh, float[] bIh, float[] bHh, int inputSize,
            int hiddenSize, WeightFormat format) {
        return lstm(wIh, wHh, bIh, bHh, null, inputSize, hiddenSize, 0, format);
    }

    /**
     * An LSTM cell, with a projection when {@code projSize > 0} ({@code nn.LSTM(proj_size=P)}: h has P floats,
     * {@code wHh} is (4H, P), {@code wHr} is (P, H)); {@code wHr} must be null when {@code projSize == 0}.
     */
    public static StreamingCell lstm(float[] wIh, float[] wHh, float[] bIh, float[] bHh, float[] wHr,
            int inputSize, int hiddenSize, int projSize, WeightFormat format) {
        checkSizes(CellType.LSTM, inputSize, hiddenSize, projSize, format);
        int r = projSize > 0 ? projSize : hiddenSize;
        long rows = 4L * hiddenSize;
        return new StreamingCell(CellType.LSTM, format, matrix("wIh", wIh, rows, inputSize, "4*hiddenSize"),
                matrix("wHh", wHh, rows, r, "4*hiddenSize"), bias("bIh", bIh, rows), bias("bHh", bHh, rows),
                projection(wHr, projSize, hiddenSize), inputSize, hiddenSize, projSize);
    }

    /** A GRU cell ({@code nn.GRU} / {@code nn.GRUCell}). */
    public static StreamingCell gru(float[] wIh, float[] wHh, float[] bIh, float[] bHh, int inputSize,
            int hiddenSize, WeightFormat format) {
        checkSizes(CellType.GRU, inputSize, hiddenSize, 0, format);
        long rows = 3L * hiddenSize;
        return new StreamingCell(CellType.GRU, format, matrix("wIh", wIh, rows, inputSize, "3*hiddenSize"),
                matrix("wHh", wHh, rows, hiddenSize, "3*hiddenSize"), bias("bIh", bIh, rows), bias("bHh", bHh, rows),
                null, inputSize, hiddenSize, 0);
    }

    /** A plain RNN cell ({@code nn.RNN} / {@code nn.RNNCell}) with the given nonlinearity. */
    public static StreamingCell rnn(float[] wIh, float[] wHh, float[] bIh, float[] bHh, int inputSize,
            int hiddenSize, Nonlinearity nonlinearity, WeightFormat format) {
        CellType kind = rnnKind(nonlinearity);
        checkSizes(kind, inputSize, hiddenSize, 0, format);
        long rows = hiddenSize;
        return new StreamingCell(kind, format, matrix("wIh", wIh, rows, inputSize, "hiddenSize"),
                matrix("wHh", wHh, rows, hiddenSize, "hiddenSize"), bias("bIh", bIh, rows), bias("bHh", bHh, rows),
                null, inputSize, hiddenSize, 0);
    }

    /** {@link #lstm(float[], float[], float[], float[], float[], int, int, int, WeightFormat)} from segments. */
    public static StreamingCell lstm(MemorySegment wIh, MemorySegment wHh, MemorySegment bIh, MemorySegment bHh,
            MemorySegment wHr, int inputSize, int hiddenSize, int projSize, WeightFormat format) {
        checkSizes(CellType.LSTM, inputSize, hiddenSize, projSize, format);
        int r = projSize > 0 ? projSize : hiddenSize;
        long rows = 4L * hiddenSize;
        return new StreamingCell(CellType.LSTM, format, matrix("wIh", wIh, rows, inputSize, "4*hiddenSize"),
                matrix("wHh", wHh, rows, r, "4*hiddenSize"), bias("bIh", bIh, rows), bias("bHh", bHh, rows),
                projection(wHr, projSize, hiddenSize), inputSize, hiddenSize, projSize);
    }

    /** {@link #gru(float[], float[], float[], float[], int, int, WeightFormat)} from segments. */
    public static StreamingCell gru(MemorySegment wIh, MemorySegment wHh, MemorySegment bIh, MemorySegment bHh,
            int inputSize, int hiddenSize, WeightFormat format) {
        checkSizes(CellType.GRU, inputSize, hiddenSize, 0, format);
        long rows = 3L * hiddenSize;
        return new StreamingCell(CellType.GRU, format, matrix("wIh", wIh, rows, inputSize, "3*hiddenSize"),
                matrix("wHh", wHh, rows, hiddenSize, "3*hiddenSize"), bias("bIh", bIh, rows), bias("bHh", bHh, rows),
                null, inputSize, hiddenSize, 0);
    }

    /** {@link #rnn(float[], float[], float[], float[], int, int, Nonlinearity, WeightFormat)} from segments. */
    public static StreamingCell rnn(MemorySegment wIh, MemorySegment wHh, MemorySegment bIh, MemorySegment bHh,
            int inputSize, int hiddenSize, Nonlinearity nonlinearity, WeightFormat format) {
        CellType kind = rnnKind(nonlinearity);
        checkSizes(kind, inputSize, hiddenSize, 0, format);
        long rows = hiddenSize;
        return new StreamingCell(kind, format, matrix("wIh", wIh, rows, inputSize, "hiddenSize"),
                matrix("wHh", wHh, rows, hiddenSize, "hiddenSize"), bias("bIh", bIh, rows), bias("bHh", bHh, rows),
                null, inputSize, hiddenSize, 0);
    }

    // ---- steppers and properties ----------------------------------------------------------------------------

    /** A new single-threaded stepper with zero state. */
    public StreamingStepper newStepper() {
        return newStepper(1);
    }

    /**
     * A new stepper with zero state. {@code threads} is 1 or 2; with 2 the unit blocks are split between the calling
     * thread and one daemon worker owned by the stepper (stopped by {@link StreamingStepper#close()}). Two threads
     * pay when the weights do not fit one core's L2 (see the package documentation).
     */
    public StreamingStepper newStepper(int threads) {
        return newStepper(threads, StreamKernels.preferred());
    }

    StreamingStepper newStepper(int threads, StreamKernels kernels) {
        checkOpen();
        if (threads != 1 && threads != 2) {
            throw new IllegalArgumentException("threads must be 1 or 2, got " + threads);
        }
        return new StreamingStepper(this, threads, kernels);
    }

    /** Input size I. */
    public int inputSize() {
        return layout.inputSize;
    }

    /** Hidden size H (the size of c for an LSTM). */
    public int hiddenSize() {
        return layout.hiddenSize;
    }

    /** LSTM projection size P, or 0. */
    public int projSize() {
        return layout.projSize;
    }

    /** Size of h, the recurrent state and output: P for an LSTM with projection, else H. */
    public int outputSize() {
        return layout.recurrentSize;
    }

    /** Gate rows G*H: the length of one row of precomputed input projections for {@code stepProjected}. */
    public int projectedInputSize() {
        return layout.gates * layout.hiddenSize;
    }

    /** The weight storage format. */
    public WeightFormat format() {
        return format;
    }

    /** Bytes of packed weights (both panels, padding included); a full step streams all of them once. */
    public long packedBytes() {
        return layout.mainBytes() + layout.projBytes();
    }

    /** Bytes of packed weights one {@code stepProjected} streams (W_hh and W_hr only). */
    public long recurrentPackedBytes() {
        return layout.recurrentBytes();
    }

    /** True until {@link #close()}. */
    public boolean isOpen() {
        return !closed;
    }

    /** Frees the packed weights. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return layout.kind.label() + "(inputSize=" + layout.inputSize + ", hiddenSize=" + layout.hiddenSize
                + (layout.projSize > 0 ? ", projSize=" + layout.projSize : "") + ", " + format + ")";
    }

    // ---- package-private access for steppers and kernels -----------------------------------------------------

    PackedLayout layout() {
        return layout;
    }

    MemorySegment weights() {
        return weights;
    }

    MemorySegment projWeights() {
        return projWeights;
    }

    float[] biasIh() {
        return biasIh;
    }

    float[] biasHh() {
        return biasHh;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    // ---- validation -----------------------------------------------------------------------------------------

    private static CellType rnnKind(Nonlinearity nonlinearity) {
        if (nonlinearity == null) {
            throw new IllegalArgumentException("nonlinearity is null (TANH or RELU)");
        }
        return nonlinearity == Nonlinearity.TANH ? CellType.RNN_TANH : CellType.RNN_RELU;
    }

    private static void checkSizes(CellType kind, int inputSize, int hiddenSize, int projSize, WeightFormat format) {
        if (format == null) {
            throw new IllegalArgumentException("format is null (FP32 or BF16)");
        }
        if (inputSize < 1) {
            throw new IllegalArgumentException("inputSize must be >= 1, got " + inputSize);
        }
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be >= 1, got " + hiddenSize);
        }
        if (projSize < 0 || (projSize > 0 && projSize >= hiddenSize)) {
            throw new IllegalArgumentException(
                    "projSize must be 0 (none) or in [1, hiddenSize=" + hiddenSize + "), got " + projSize);
        }
        long rows = (long) kind.gates() * hiddenSize;
        if (rows * Math.max(inputSize, hiddenSize) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(kind.label() + " with inputSize=" + inputSize + ", hiddenSize="
                    + hiddenSize + " has more than 2^31 weights per matrix");
        }
    }

    private static WeightPacker.Floats matrix(String name, float[] a, long rows, int cols, String rowsName) {
        if (a == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (a.length != rows * cols) {
            throw new IllegalArgumentException(name + " has " + a.length + " floats, expected (" + rowsName + ", "
                    + cols + ") = " + rows + "*" + cols + " = " + rows * cols);
        }
        return WeightPacker.Floats.of(a);
    }

    private static WeightPacker.Floats matrix(String name, MemorySegment s, long rows, int cols, String rowsName) {
        if (s == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (s.byteSize() < rows * cols * Float.BYTES) {
            throw new IllegalArgumentException(name + " has " + s.byteSize() / Float.BYTES + " floats, expected ("
                    + rowsName + ", " + cols + ") = " + rows + "*" + cols + " = " + rows * cols);
        }
        return WeightPacker.Floats.of(s);
    }

    private static WeightPacker.Floats bias(String name, float[] a, long rows) {
        if (a == null) {
            return null;
        }
        if (a.length != rows) {
            throw new IllegalArgumentException(name + " has " + a.length + " floats, expected " + rows);
        }
        return WeightPacker.Floats.of(a);
    }

    private static WeightPacker.Floats bias(String name, MemorySegment s, long rows) {
        if (s == null) {
            return null;
        }
        if (s.byteSize() < rows * Float.BYTES) {
            throw new IllegalArgumentException(name + " has " + s.byteSize() / Float.BYTES + " floats, expected "
                    + rows);
        }
        return WeightPacker.Floats.of(s);
    }

    private static WeightPacker.Floats projection(float[] wHr, int projSize, int hiddenSize) {
        if (projSize == 0) {
            if (wHr != null) {
                throw new IllegalArgumentException("wHr must be null when projSize is 0, got " + wHr.length
                        + " floats");
            }
            return null;
        }
        return matrix("wHr", wHr, projSize, hiddenSize, "projSize");
    }

    private static WeightPacker.Floats projection(MemorySegment wHr, int projSize, int hiddenSize) {
        if (projSize == 0) {
            if (wHr != null) {
                throw new IllegalArgumentException("wHr must be null when projSize is 0, got a segment of "
                        + wHr.byteSize() + " bytes");
            }
            return null;
        }
        return matrix("wHr", wHr, projSize, hiddenSize, "projSize");
    }
}
