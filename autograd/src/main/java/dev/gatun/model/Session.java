package dev.gatun.model;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.gatun.kernels.sequence.LayerShape;
import dev.gatun.kernels.sequence.LayerWeights;
import dev.gatun.kernels.sequence.RecurrentStack;
import dev.gatun.kernels.sequence.StackShape;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One caller's use of a {@link Model}: the streaming state of one sequence and the scratch of whole-sequence runs.
 * Not thread-safe (open one session per thread or stream); many sessions share one model.
 *
 * <ul>
 *   <li>{@link #step(float[])} / {@link #step(int)}: one time step of one sequence (batch 1) through every layer, the
 *       state kept between calls; {@link #reset()} starts a new sequence. Unidirectional models only (a bidirectional
 *       layer needs the whole sequence). After the first step nothing is allocated.</li>
 *   <li>{@link #forward}: whole sequences, batched, time-major (T, B, I), independent of the streaming state.</li>
 *   <li>{@link #gradients}: PyTorch's backward of {@code sum(output * G)} for the stack's parameters, input and
 *       initial states.</li>
 * </ul>
 */
public final class Session implements AutoCloseable {
    private final Model model;
    private final Architecture arch;
    private final ModelWeights w;
    private final StepEngine engine;        // null when the model cannot stream
    private final RecurrentStack stack;
    private final float[] input;            // (I) the embedding row of step(int)
    private final float[] last;             // (Hr) the last layer's h
    private final float[] result;           // (O) logits, or (Hr) the last h without a head
    private boolean closed;

    Session(Model model, int threads) {
        this.model = model;
        this.arch = model.architecture();
        this.w = model.weights();
        StackShape s = arch.stack();
        if (!model.canStream()) {
            engine = null;
        } else if (model.cells() != null) {
            engine = new CellStepEngine(model.cells(), threads, s.cell().hasCellState());
        } else {
            engine = new ClassicGruStepEngine(w);
        }
        this.stack = new RecurrentStack(s);
        this.input = new float[s.inputSize()];
        this.last = new float[s.stateSize()];
        this.result = arch.hasHead() ? new float[arch.outputSize()] : last;
    }

    // ---- streaming ------------------------------------------------------------------------------------------

    /**
     * One step with input {@code x} (the stack's input size). Returns the head's outputs (O) or, without a head, the
     * last layer's new h (Hr): an array owned by the session, overwritten by the next step.
     *
     * @throws IllegalStateException for a bidirectional model (it cannot stream: use {@link #forward})
     */
    public float[] step(float[] x) {
        checkStreaming();
        if (x == null || x.length != input.length) {
            throw new IllegalArgumentException("step: x must hold input_size=" + input.length + " floats, got "
                    + (x == null ? "null" : x.length));
        }
        engine.step(x, 0, last);
        applyHead();
        return result;
    }

    /** One step with token {@code token} looked up in the embedding; returns as {@link #step(float[])}. */
    public float[] step(int token) {
        checkStreaming();
        if (!arch.hasEmbedding()) {
            throw new IllegalStateException("step(int): the model has no embedding; pass the input vector");
        }
        if (token < 0 || token >= arch.vocabularySize()) {
            throw new IllegalArgumentException("step: token " + token + " outside the embedding's [0, "
                    + arch.vocabularySize() + ")");
        }
        engine.step(w.embedding, token * input.length, last);
        applyHead();
        return result;
    }

    private void applyHead() {
        if (!arch.hasHead()) {
            return;
        }
        float[] hw = w.headWeight;
        int in = last.length;
        for (int o = 0; o < result.length; o++) {
            float acc = w.headBias == null ? 0f : w.headBias[o];
            int row = o * in;
            for (int j = 0; j < in; j++) {
                acc += hw[row + j] * last[j];
            }
            result[o] = acc;
        }
    }

    /** Zero state: the next step starts a new sequence. */
    public void reset() {
        checkStreaming();
        engine.reset();
    }

    /**
     * Sets the streaming state, PyTorch's h0 (L, 1, Hr) and for the LSTM c0 (L, 1, H) flattened; {@code c0} may be
     * null (zeros) and must be null for other cells.
     */
    public void setState(float[] h0, float[] c0) {
        checkStreaming();
        StackShape s = arch.stack();
        checkLength("h0", h0, s.layers() * s.stateSize(), "(L=" + s.layers() + ", 1, Hr=" + s.stateSize() + ")");
        checkCell(c0);
        if (c0 != null) {
            checkLength("c0", c0, s.layers() * s.hiddenSize(), "(L=" + s.layers() + ", 1, H=" + s.hiddenSize() + ")");
        }
        engine.setState(h0, c0);
    }

    /** The streaming h, (L, 1, Hr) flattened, as a new array. */
    public float[] hidden() {
        checkStreaming();
        StackShape s = arch.stack();
        float[] h = new float[s.layers() * s.stateSize()];
        engine.state(h, null);
        return h;
    }

    /** The streaming LSTM cell state, (L, 1, H) flattened, as a new array. */
    public float[] cell() {
        checkStreaming();
        StackShape s = arch.stack();
        if (!s.cell().hasCellState()) {
            throw new IllegalStateException("cell(): a " + s.cell() + " has no cell state");
        }
        float[] h = new float[s.layers() * s.stateSize()];
        float[] c = new float[s.layers() * s.hiddenSize()];
        engine.state(h, c);
        return c;
    }

    private void checkStreaming() {
        checkOpen();
        if (engine == null) {
            throw new IllegalStateException("a bidirectional model cannot stream step by step (its reverse direction "
                    + "needs the whole sequence): use forward(...)");
        }
    }

    // ---- whole sequences ------------------------------------------------------------------------------------

    /**
     * Runs whole sequences, time-major.
     *
     * @param x input (T, B, I) flattened
     * @param h0 initial states (L*D, B, Hr) flattened, or null for zeros
     * @param c0 initial LSTM cells (L*D, B, H) flattened, or null for zeros (must be null for other cells)
     */
    public SequenceOutput forward(float[] x, int steps, int batch, float[] h0, float[] c0) {
        checkOpen();
        StackShape s = arch.stack();
        checkSizes(steps, batch);
        checkLength("x", x, (long) steps * batch * s.inputSize(), "(T=" + steps + ", B=" + batch + ", I="
                + s.inputSize() + ")");
        checkStates(h0, c0, batch);
        try (Arena a = Arena.ofConfined()) {
            Run r = new Run(a, x, steps, batch, h0, c0);
            stack.forward(steps, batch, r.x, 0, model.layers(), r.h0, 0, r.c0, 0, r.y, 0, r.hN, 0, r.cN, 0);
            return r.output();
        }
    }

    /** {@link #forward(float[], int, int, float[], float[])} for token ids (T, B), looked up in the embedding. */
    public SequenceOutput forward(int[] tokens, int steps, int batch, float[] h0, float[] c0) {
        checkOpen();
        if (!arch.hasEmbedding()) {
            throw new IllegalStateException("forward(int[]): the model has no embedding; pass input vectors");
        }
        checkSizes(steps, batch);
        if (tokens == null || tokens.length != (long) steps * batch) {
            throw new IllegalArgumentException("forward: tokens must hold T*B=" + steps * batch + " ids, got "
                    + (tokens == null ? "null" : tokens.length));
        }
        int e = arch.stack().inputSize();
        float[] x = new float[tokens.length * e];
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= arch.vocabularySize()) {
                throw new IllegalArgumentException("forward: token " + tokens[i] + " at " + i + " outside [0, "
                        + arch.vocabularySize() + ")");
            }
            System.arraycopy(w.embedding, tokens[i] * e, x, i * e, e);
        }
        return forward(x, steps, batch, h0, c0);
    }

    /**
     * The recurrent stack's backward, as PyTorch computes it for {@code sum(output * gradOutput)}: gradients of every
     * stack parameter under its PyTorch name (with the model's prefix), of {@code input} (T, B, I), {@code h0}
     * (L*D, B, Hr) and, for the LSTM, {@code c0} (L*D, B, H). Null h0/c0 mean zeros (their gradients still come
     * back). The embedding and head are not involved.
     *
     * @param gradOutput G (T, B, D*Hr) flattened
     */
    public Map<String, Values> gradients(float[] x, int steps, int batch, float[] h0, float[] c0,
                                         float[] gradOutput) {
        checkOpen();
        StackShape s = arch.stack();
        checkSizes(steps, batch);
        checkLength("x", x, (long) steps * batch * s.inputSize(), "(T=" + steps + ", B=" + batch + ", I="
                + s.inputSize() + ")");
        checkLength("gradOutput", gradOutput, (long) steps * batch * s.outputSize(), "(T=" + steps + ", B=" + batch
                + ", D*Hr=" + s.outputSize() + ")");
        checkStates(h0, c0, batch);
        int n = s.layers() * s.directions();
        try (Arena a = Arena.ofConfined()) {
            Run r = new Run(a, x, steps, batch, h0, c0);
            LayerWeights[] grads = new LayerWeights[n];
            for (int i = 0; i < n; i++) {
                grads[i] = LayerWeights.allocate(a, s.layer(i / s.directions()));
            }
            MemorySegment dy = copy(a, gradOutput);
            MemorySegment dx = a.allocate((long) x.length * Float.BYTES, 64);
            MemorySegment dh0 = a.allocate(r.h0.byteSize(), 64);
            MemorySegment dc0 = r.c0 == null ? null : a.allocate(r.c0.byteSize(), 64);
            stack.forward(steps, batch, r.x, 0, model.layers(), r.h0, 0, r.c0, 0, r.y, 0, r.hN, 0, r.cN, 0);
            stack.backward(steps, batch, r.x, 0, model.layers(), r.h0, 0, r.c0, 0, r.y, 0, dy, 0, null, 0, null, 0,
                    grads, dx, 0, dh0, 0, dc0, 0);
            Map<String, Values> out = new LinkedHashMap<>();
            out.put("input", new Values(new int[] {steps, batch, s.inputSize()}, toArray(dx)));
            out.put("h0", new Values(new int[] {n, batch, s.stateSize()}, toArray(dh0)));
            if (dc0 != null) {
                out.put("c0", new Values(new int[] {n, batch, s.hiddenSize()}, toArray(dc0)));
            }
            for (int i = 0; i < n; i++) {
                String p = w.rnnPrefix;
                String sfx = w.suffix(i);
                LayerWeights g = grads[i];
                out.put(p + "weight_ih" + sfx, values(g.wIh().shape(), g.wIh().toArray()));
                out.put(p + "weight_hh" + sfx, values(g.wHh().shape(), g.wHh().toArray()));
                if (arch.bias()) {
                    out.put(p + "bias_ih" + sfx, values(g.bIh().shape(), g.bIh().toArray()));
                    out.put(p + "bias_hh" + sfx, values(g.bHh().shape(), g.bHh().toArray()));
                }
                if (g.wHr() != null) {
                    out.put(p + "weight_hr" + sfx, values(g.wHr().shape(), g.wHr().toArray()));
                }
            }
            return out;
        }
    }

    private static Values values(int[] shape, float[] data) {
        return new Values(shape, data);
    }

    /** The off-heap buffers of one whole-sequence run. */
    private final class Run {
        final int steps;
        final int batch;
        final MemorySegment x;
        final MemorySegment y;
        final MemorySegment h0;
        final MemorySegment c0;     // null unless LSTM
        final MemorySegment hN;
        final MemorySegment cN;     // null unless LSTM

        Run(Arena a, float[] xs, int steps, int batch, float[] h0s, float[] c0s) {
            StackShape s = arch.stack();
            this.steps = steps;
            this.batch = batch;
            int n = s.layers() * s.directions();
            boolean lstm = s.cell().hasCellState();
            x = copy(a, xs);
            y = a.allocate((long) steps * batch * s.outputSize() * Float.BYTES, 64);
            h0 = h0s == null ? a.allocate((long) n * batch * s.stateSize() * Float.BYTES, 64) : copy(a, h0s);
            hN = a.allocate(h0.byteSize(), 64);
            long cBytes = (long) n * batch * s.hiddenSize() * Float.BYTES;
            c0 = !lstm ? null : c0s == null ? a.allocate(cBytes, 64) : copy(a, c0s);
            cN = !lstm ? null : a.allocate(cBytes, 64);
        }

        SequenceOutput output() {
            StackShape s = arch.stack();
            int n = s.layers() * s.directions();
            float[] out = toArray(y);
            Values logits = null;
            if (arch.hasHead()) {
                logits = new Values(new int[] {steps, batch, arch.outputSize()}, head(out, steps * batch));
            }
            return new SequenceOutput(new Values(new int[] {steps, batch, s.outputSize()}, out),
                    new Values(new int[] {n, batch, s.stateSize()}, toArray(hN)),
                    cN == null ? null : new Values(new int[] {n, batch, s.hiddenSize()}, toArray(cN)), logits);
        }
    }

    /** The head over {@code rows} rows of D*Hr features. */
    private float[] head(float[] in, int rows) {
        int f = arch.stack().outputSize();
        int o = arch.outputSize();
        float[] out = new float[rows * o];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < o; k++) {
                float acc = w.headBias == null ? 0f : w.headBias[k];
                for (int j = 0; j < f; j++) {
                    acc += w.headWeight[k * f + j] * in[r * f + j];
                }
                out[r * o + k] = acc;
            }
        }
        return out;
    }

    private static MemorySegment copy(Arena a, float[] src) {
        MemorySegment m = a.allocate((long) Math.max(1, src.length) * Float.BYTES, 64);
        MemorySegment.copy(src, 0, m, JAVA_FLOAT, 0, src.length);
        return m;
    }

    private static float[] toArray(MemorySegment m) {
        return m.toArray(JAVA_FLOAT);
    }

    // ---- checks ---------------------------------------------------------------------------------------------

    private static void checkSizes(int steps, int batch) {
        if (steps < 1 || batch < 1) {
            throw new IllegalArgumentException("steps and batch must be >= 1, got T=" + steps + ", B=" + batch);
        }
    }

    private void checkStates(float[] h0, float[] c0, int batch) {
        StackShape s = arch.stack();
        int n = s.layers() * s.directions();
        if (h0 != null) {
            checkLength("h0", h0, (long) n * batch * s.stateSize(), "(L*D=" + n + ", B=" + batch + ", Hr="
                    + s.stateSize() + ")");
        }
        checkCell(c0);
        if (c0 != null) {
            checkLength("c0", c0, (long) n * batch * s.hiddenSize(), "(L*D=" + n + ", B=" + batch + ", H="
                    + s.hiddenSize() + ")");
        }
    }

    private void checkCell(float[] c0) {
        if (c0 != null && !arch.cell().hasCellState()) {
            throw new IllegalArgumentException("c0: a " + arch.cell() + " has no cell state");
        }
    }

    private static void checkLength(String name, float[] a, long expected, String shape) {
        if (a == null || a.length != expected) {
            throw new IllegalArgumentException(name + " must hold " + expected + " floats " + shape + ", got "
                    + (a == null ? "null" : a.length));
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the session was closed");
        }
        model.checkOpen();
    }

    /** Frees the streaming state and scratch; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (engine != null) {
            engine.close();
        }
        stack.close();
    }

    @Override
    public String toString() {
        return "Session of " + arch.describe();
    }
}
