package dev.gatun.autograd.nn;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.init.Init;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;

/**
 * The seed notes' vanilla RNN extensions, as a cell composed of tape operations (one step at a time, so it also
 * shows how to write a custom cell):
 * <pre>
 *   a_t = tanh(W_xa x_t + b_a + W_ha h_{t-1})          attention signal      (B, I)
 *   g_t = softmax(alpha * a_t)                           gate over the inputs  (B, I)
 *   z_t = x_t * g_t                                      gated input           (B, I)
 *   h_t = act(W_ih z_t + b_ih + W_hh h_{t-1} + b_hh [+ W_hk h_{t-k}])          (B, H)
 * </pre>
 * The notes write {@code W_xa z_t} in the attention signal, which would make it depend on itself; the input x_t
 * is used instead. With {@code shortcut = k >= 2}, h_t also receives h_{t-k} (the notes' shortcut connections in
 * time; no term while t - k &lt; 0, h_0 being the initial state). Parameters: {@code weight_xa} (I, I),
 * {@code bias_a} (I), {@code weight_ha} (I, H), {@code weight_ih} (H, I), {@code bias_ih}, {@code bias_hh} (H),
 * {@code weight_hh} (H, H), and {@code weight_hk} (H, H) with a shortcut; all uniform in {@code ±1/sqrt(H)}.
 */
public final class AttentionGatedRnn extends Module {
    private final int inputSize;
    private final int hiddenSize;
    private final float alpha;
    private final boolean relu;
    private final int shortcut;
    private final Parameter weightXa;
    private final Parameter biasA;
    private final Parameter weightHa;
    private final Parameter weightIh;
    private final Parameter biasIh;
    private final Parameter weightHh;
    private final Parameter biasHh;
    private final Parameter weightHk;
    private final Arena scratch = Arena.ofShared();
    // Reused per call: states h_0..h_T, outputs reshaped to (1, B, H), shape arrays, the zero state.
    private Var[] states = new Var[0];
    private Var[] rows = new Var[0];
    private int[] rowShape = new int[3];
    private int[] inputShape = new int[2];
    private Tensor zeros;           // (B, H), replaced when B changes
    private int lastSteps;

    /**
     * A cell.
     *
     * @param alpha sharpness of the attention softmax (its inverse temperature)
     * @param relu relu instead of tanh for the state update
     * @param shortcut k >= 2 to feed h_{t-k} into h_t, 0 for none
     */
    public AttentionGatedRnn(int inputSize, int hiddenSize, float alpha, boolean relu, int shortcut, long seed) {
        if (inputSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException("AttentionGatedRnn: sizes must be >= 1, got " + inputSize + ", "
                    + hiddenSize);
        }
        if (!(alpha > 0f) || Float.isInfinite(alpha)) {
            throw new IllegalArgumentException("AttentionGatedRnn: alpha must be positive and finite, got " + alpha);
        }
        if (shortcut != 0 && shortcut < 2) {
            throw new IllegalArgumentException("AttentionGatedRnn: shortcut must be 0 or >= 2, got " + shortcut);
        }
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.alpha = alpha;
        this.relu = relu;
        this.shortcut = shortcut;
        weightXa = parameter("weight_xa", inputSize, inputSize);
        biasA = parameter("bias_a", inputSize);
        weightHa = parameter("weight_ha", inputSize, hiddenSize);
        weightIh = parameter("weight_ih", hiddenSize, inputSize);
        biasIh = parameter("bias_ih", hiddenSize);
        weightHh = parameter("weight_hh", hiddenSize, hiddenSize);
        biasHh = parameter("bias_hh", hiddenSize);
        weightHk = shortcut > 0 ? parameter("weight_hk", hiddenSize, hiddenSize) : null;
        Rng rng = new Rng(seed);
        double bound = 1.0 / Math.sqrt(hiddenSize);
        for (Parameter p : parameters()) {
            Init.uniform(p.value(), -bound, bound, rng);
        }
    }

    /**
     * Runs the cell over x (T, B, I) from h0 (B, H) (null for zeros); returns the states h_1..h_T as (T, B, H).
     * {@link #lastState()} is h_T of this call.
     */
    public Var forward(Tape tape, Var x, Var h0) {
        if (x == null || x.rank() != 3 || x.dim(2) != inputSize) {
            throw new IllegalArgumentException("AttentionGatedRnn: x must be (T, B, " + inputSize + "), got "
                    + (x == null ? "null" : x.shapeString()));
        }
        int steps = x.dim(0);
        int batch = x.dim(1);
        prepare(steps, batch);
        states[0] = h0 != null ? h0 : tape.input(zeros);
        if (h0 != null && (h0.rank() != 2 || h0.dim(0) != batch || h0.dim(1) != hiddenSize)) {
            throw new IllegalArgumentException("AttentionGatedRnn: h0 must be (" + batch + ", " + hiddenSize
                    + "), got " + h0.shapeString());
        }
        float invAlpha = 1f / alpha;
        for (int t = 0; t < steps; t++) {
            Var h = states[t];
            Var xt = Ops.reshape(tape, Ops.slice(tape, x, 0, t, t + 1), inputShape);
            Var a = Ops.tanh(tape, Ops.add(tape, Ops.linear(tape, xt, weightXa, biasA),
                    Ops.linear(tape, h, weightHa, null)));
            Var z = Ops.mul(tape, xt, Ops.softmax(tape, a, invAlpha));
            Var pre = Ops.add(tape, Ops.linear(tape, z, weightIh, biasIh), Ops.linear(tape, h, weightHh, biasHh));
            int from = t + 1 - shortcut;
            if (shortcut > 0 && from >= 0) {
                pre = Ops.add(tape, pre, Ops.linear(tape, states[from], weightHk, null));
            }
            Var next = relu ? Ops.relu(tape, pre) : Ops.tanh(tape, pre);
            states[t + 1] = next;
            rows[t] = Ops.reshape(tape, next, rowShape);
        }
        return Ops.concat(tape, 0, rows, steps);
    }

    /** h_T of the last call (valid until the tape resets). */
    public Var lastState() {
        return states.length == 0 ? null : states[lastSteps];
    }

    private void prepare(int steps, int batch) {
        if (states.length < steps + 1) {
            states = new Var[steps + 1];
            rows = new Var[steps];
        }
        lastSteps = steps;
        if (rowShape[1] != batch) {
            rowShape = new int[] {1, batch, hiddenSize};
            inputShape = new int[] {batch, inputSize};
            zeros = Tensor.allocate(scratch, batch, hiddenSize);
        }
    }

    @Override
    public void close() {
        super.close();
        scratch.close();
    }
}
