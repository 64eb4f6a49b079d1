package dev.gatun.kernels.stream;

import dev.gatun.kernels.CellType;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The mutable state of one sequence streamed through a {@link StreamingCell}: h (and c for an LSTM), double
 * buffered, plus scratch. Created by {@link StreamingCell#newStepper(int)} with zero state. Each step reads the
 * current h while writing the next one into the other half, then swaps; nothing is allocated per step.
 *
 * <p>Two kinds of step: {@link #step(float[])} takes the input x and streams {@code [W_ih | W_hh]};
 * {@link #stepProjected(float[], int)} takes a precomputed row {@code xp = W_ih x + b_ih} (G*H floats, PyTorch gate
 * order, e.g. one row of a (T, G*H) GEMM result for a whole sequence) and streams only W_hh.
 *
 * <p>Offsets are in floats, as in {@code Tensor}; segments may have any alignment and are read in native byte
 * order. Not thread-safe: one thread at a time may use a stepper (a two-thread stepper uses its own worker). Use
 * from two threads at once is detected on a best-effort basis: a call that starts while another call on the same
 * stepper is running throws {@link IllegalStateException}. For a one-thread stepper the check is a plain in-use
 * flag (a branch and two stores per call), so two calls that start at the very same instant may still slip past it:
 * do not rely on it for correctness. A two-thread stepper sets the flag atomically, so there it is exact. Share the
 * {@link StreamingCell} instead: it is immutable; give each thread its own stepper.
 * {@link #close()} stops the worker; any later use throws {@link IllegalStateException}.
 */
public final class StreamingStepper implements AutoCloseable {
    private static final int CELLS = 0;
    private static final int PROJECTION = 1;

    private final StreamingCell cell;
    private final PackedLayout layout;
    private final int threads;
    private final StepBuffers s;
    private final StepWorker worker;
    private final StepStage[][] stages; // [phase][stage]
    private final int[] blocks;         // [phase]: unit blocks, output blocks
    private final int[] split;          // [phase]: first block of the worker (== blocks: the caller does all)
    private boolean closed;
    // Set while a public call runs. One-thread steppers use it as a plain field: cheap, and enough to catch
    // overlapping calls from two threads in practice (a missed overlap only garbles that stepper's state). Two-thread
    // steppers set it with a compare-and-set (exact): two callers inside the worker handshake could wait forever.
    private boolean inUse;
    private static final VarHandle IN_USE;

    static {
        try {
            IN_USE = MethodHandles.lookup().findVarHandle(StreamingStepper.class, "inUse", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    StreamingStepper(StreamingCell cell, int threads, StreamKernels kernels) {
        this.cell = cell;
        this.layout = cell.layout();
        this.threads = threads;
        this.s = new StepBuffers(cell);
        this.stages = new StepStage[][] {kernels.cellStages(layout), kernels.projectionStages(layout)};
        this.blocks = new int[] {layout.unitBlocks, layout.outBlocks};
        int pass = kernels.blocksPerPass(layout);
        // The projection is a one-gate panel: eight fp32 or four bf16 blocks per pass.
        this.split = new int[] {threads == 1 ? layout.unitBlocks : split(layout.unitBlocks, pass),
            threads == 1 ? layout.outBlocks : split(layout.outBlocks, layout.bf16 ? 4 : 8)};
        this.worker = threads == 1 ? null : new StepWorker(this::callerPart, this::workerPart, "gatun-stream-" + cell);
    }

    // The caller takes the first half, rounded up to whole passes when that leaves the worker some blocks.
    private static int split(int blocks, int pass) {
        int half = (blocks + 1) / 2;
        int rounded = PackedLayout.roundUp(half, pass);
        return rounded < blocks ? rounded : half;
    }

    // ---- steps ----------------------------------------------------------------------------------------------

    /** One step with input {@code x} (inputSize floats). */
    public void step(float[] x) {
        step(x, 0);
    }

    /** One step with input {@code x[xOffset .. xOffset + inputSize)}. */
    public void step(float[] x, int xOffset) {
        checkOpen();
        checkArray("x", x, xOffset, layout.inputSize, "inputSize");
        enter();
        try {
            System.arraycopy(x, xOffset, s.v, s.xIn(), layout.inputSize);
            advance(false);
        } finally {
            exit();
        }
    }

    /** One step with the input at float index {@code xOffset} of {@code x}. */
    public void step(MemorySegment x, long xOffset) {
        checkOpen();
        checkSegment("x", x, xOffset, layout.inputSize, "inputSize");
        enter();
        try {
            MemorySegment.copy(x, JAVA_FLOAT_UNALIGNED, xOffset * Float.BYTES, s.v, s.xIn(), layout.inputSize);
            advance(false);
        } finally {
            exit();
        }
    }

    /** One step from a precomputed input projection {@code xp = W_ih x + b_ih} (G*H floats, gates in PyTorch order). */
    public void stepProjected(float[] xp) {
        stepProjected(xp, 0);
    }

    /** One step from the precomputed input projection {@code xp[xpOffset .. xpOffset + G*H)}. */
    public void stepProjected(float[] xp, int xpOffset) {
        checkOpen();
        int n = layout.gates * layout.hiddenSize;
        checkArray("xp", xp, xpOffset, n, "gates*hiddenSize");
        enter();
        try {
            for (int g = 0; g < layout.gates; g++) {
                System.arraycopy(xp, xpOffset + g * layout.hiddenSize, s.pre, g * layout.paddedHidden,
                        layout.hiddenSize);
            }
            advance(true);
        } finally {
            exit();
        }
    }

    /** One step from the precomputed input projection at float index {@code xpOffset} of {@code xp}. */
    public void stepProjected(MemorySegment xp, long xpOffset) {
        checkOpen();
        checkSegment("xp", xp, xpOffset, (long) layout.gates * layout.hiddenSize, "gates*hiddenSize");
        enter();
        try {
            copyProjected(xp, xpOffset);
            advance(true);
        } finally {
            exit();
        }
    }

    /**
     * {@code steps} steps over the rows of {@code xs} (steps, inputSize) from float index {@code xsOffset}; when
     * {@code hs} is not null, h after each step goes to its rows (steps, outputSize) from {@code hsOffset}.
     */
    public void run(MemorySegment xs, long xsOffset, int steps, MemorySegment hs, long hsOffset) {
        checkOpen();
        checkSteps(steps);
        int in = layout.inputSize;
        checkSegment("xs", xs, xsOffset, (long) steps * in, "steps*inputSize");
        checkOutputs(hs, hsOffset, steps);
        enter();
        try {
            for (int t = 0; t < steps; t++) {
                MemorySegment.copy(xs, JAVA_FLOAT_UNALIGNED, (xsOffset + (long) t * in) * Float.BYTES, s.v, s.xIn(),
                        in);
                advance(false);
                if (hs != null) {
                    copyH(hs, hsOffset + (long) t * layout.recurrentSize);
                }
            }
        } finally {
            exit();
        }
    }

    /**
     * {@code steps} steps over the rows of precomputed input projections {@code xps} (steps, G*H) from float index
     * {@code xpsOffset}; when {@code hs} is not null, h after each step goes to its rows (steps, outputSize).
     */
    public void runProjected(MemorySegment xps, long xpsOffset, int steps, MemorySegment hs, long hsOffset) {
        checkOpen();
        checkSteps(steps);
        long row = (long) layout.gates * layout.hiddenSize;
        checkSegment("xps", xps, xpsOffset, steps * row, "steps*gates*hiddenSize");
        checkOutputs(hs, hsOffset, steps);
        enter();
        try {
            for (int t = 0; t < steps; t++) {
                copyProjected(xps, xpsOffset + t * row);
                advance(true);
                if (hs != null) {
                    copyH(hs, hsOffset + (long) t * layout.recurrentSize);
                }
            }
        } finally {
            exit();
        }
    }

    // ---- state ----------------------------------------------------------------------------------------------

    /** Copies h (outputSize floats) into {@code out}. */
    public void h(float[] out) {
        h(out, 0);
    }

    /** Copies h into {@code out[outOffset .. outOffset + outputSize)}. */
    public void h(float[] out, int outOffset) {
        checkOpen();
        checkArray("out", out, outOffset, layout.recurrentSize, "outputSize");
        checkIdle();
        System.arraycopy(s.v, s.hIn(), out, outOffset, layout.recurrentSize);
    }

    /** Copies h to float index {@code outOffset} of {@code out}. */
    public void h(MemorySegment out, long outOffset) {
        checkOpen();
        checkSegment("out", out, outOffset, layout.recurrentSize, "outputSize");
        if (out.isReadOnly()) {
            throw new IllegalArgumentException("out is read-only");
        }
        checkIdle();
        copyH(out, outOffset);
    }

    /**
     * Copies the LSTM cell state c (hiddenSize floats) into {@code out}.
     *
     * @throws UnsupportedOperationException if the cell is not an LSTM (only an LSTM has c)
     */
    public void c(float[] out) {
        checkOpen();
        checkLstm("c");
        checkArray("out", out, 0, layout.hiddenSize, "hiddenSize");
        checkIdle();
        System.arraycopy(s.c, 0, out, 0, layout.hiddenSize);
    }

    /** Sets h (exactly outputSize floats), e.g. h0. */
    public void setH(float[] h) {
        checkOpen();
        checkExact("h", h, layout.recurrentSize, "outputSize");
        checkIdle();
        System.arraycopy(h, 0, s.v, s.hIn(), layout.recurrentSize);
    }

    /**
     * Sets the LSTM cell state c (exactly hiddenSize floats), e.g. c0.
     *
     * @throws UnsupportedOperationException if the cell is not an LSTM (only an LSTM has c)
     */
    public void setC(float[] c) {
        checkOpen();
        checkLstm("setC");
        checkExact("c", c, layout.hiddenSize, "hiddenSize");
        checkIdle();
        System.arraycopy(c, 0, s.c, 0, layout.hiddenSize);
    }

    /** Zeroes h and c, as at creation. */
    public void reset() {
        checkOpen();
        checkIdle();
        Arrays.fill(s.v, 0f);
        Arrays.fill(s.c, 0f);
        Arrays.fill(s.hFull, 0f);
        s.current = 0;
    }

    /** The cell this stepper runs. */
    public StreamingCell cell() {
        return cell;
    }

    /** 1 or 2. */
    public int threads() {
        return threads;
    }

    /** Stops the worker thread (if any). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (worker != null) {
            worker.stop();
        }
    }

    // ---- the step -------------------------------------------------------------------------------------------

    private void advance(boolean projected) {
        s.projected = projected;
        phase(CELLS);
        if (layout.projSize > 0) {
            phase(PROJECTION);
        }
        s.current ^= 1;
    }

    // Caller does [0, split), the worker [split, blocks); all on the caller when the worker would get nothing.
    private void phase(int phase) {
        if (split[phase] >= blocks[phase]) {
            run(phase, 0, blocks[phase]);
        } else {
            worker.run(phase);
        }
    }

    private void callerPart(int phase) {
        run(phase, 0, split[phase]);
    }

    private void workerPart(int phase) {
        run(phase, split[phase], blocks[phase]);
    }

    // The one call site of every stage: megamorphic, so C2 never inlines the stages into each other.
    private void run(int phase, int blockBegin, int blockEnd) {
        for (StepStage stage : stages[phase]) {
            stage.run(s, blockBegin, blockEnd);
        }
    }

    private void copyProjected(MemorySegment xp, long xpOffset) {
        for (int g = 0; g < layout.gates; g++) {
            MemorySegment.copy(xp, JAVA_FLOAT_UNALIGNED, (xpOffset + (long) g * layout.hiddenSize) * Float.BYTES,
                    s.pre, g * layout.paddedHidden, layout.hiddenSize);
        }
    }

    private void copyH(MemorySegment out, long outOffset) {
        MemorySegment.copy(s.v, s.hIn(), out, JAVA_FLOAT_UNALIGNED, outOffset * Float.BYTES, layout.recurrentSize);
    }

    // ---- validation -----------------------------------------------------------------------------------------

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this StreamingStepper of " + cell + " is closed");
        }
        cell.checkOpen();
    }

    /** Marks the stepper in use; throws when another call is still running on it (another thread). */
    private void enter() {
        if (worker != null) {
            if (!IN_USE.compareAndSet(this, false, true)) {
                throw concurrentUse();
            }
        } else if (inUse) {
            throw concurrentUse();
        } else {
            inUse = true;
        }
    }

    private void exit() {
        if (worker != null) {
            IN_USE.setRelease(this, false);
        } else {
            inUse = false;
        }
    }

    /** For the short state setters: they only need to see that no step is running. */
    private void checkIdle() {
        if (inUse) {
            throw concurrentUse();
        }
    }

    private IllegalStateException concurrentUse() {
        return new IllegalStateException("this StreamingStepper of " + cell + " is being used by two threads at "
                + "once; a stepper holds one sequence's state: give each thread its own stepper (the cell can be "
                + "shared)");
    }

    private void checkLstm(String what) {
        if (layout.kind != CellType.LSTM) {
            throw new UnsupportedOperationException(what + ": a " + layout.kind.label() + " cell has no cell state c");
        }
    }

    private static void checkSteps(int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
    }

    private void checkOutputs(MemorySegment hs, long hsOffset, int steps) {
        if (hs != null) {
            checkSegment("hs", hs, hsOffset, (long) steps * layout.recurrentSize, "steps*outputSize");
            if (hs.isReadOnly()) {
                throw new IllegalArgumentException("hs is read-only");
            }
        }
    }

    private static void checkArray(String name, float[] a, int offset, int need, String needName) {
        if (a == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (offset < 0 || (long) offset + need > a.length) {
            throw new IllegalArgumentException(name + " has " + a.length + " floats, need " + needName + "=" + need
                    + " from offset " + offset);
        }
    }

    private static void checkExact(String name, float[] a, int need, String needName) {
        if (a == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (a.length != need) {
            throw new IllegalArgumentException(name + " has " + a.length + " floats, expected " + needName + "="
                    + need);
        }
    }

    private static void checkSegment(String name, MemorySegment m, long offset, long need, String needName) {
        if (m == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        long floats = m.byteSize() / Float.BYTES;
        if (offset < 0 || offset > floats - need) { // no overflow for a huge offset
            throw new IllegalArgumentException(name + " has " + floats + " floats, need " + needName + "=" + need
                    + " from offset " + offset);
        }
    }
}
