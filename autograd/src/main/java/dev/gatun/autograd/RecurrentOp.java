package dev.gatun.autograd;

import dev.gatun.kernels.sequence.LayerWeights;
import dev.gatun.kernels.sequence.RecurrentStack;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A whole stacked, optionally bidirectional RNN/LSTM/GRU over a sequence as one tape operation, on the kernels'
 * {@link RecurrentStack}: forward runs the fused sequence forward, backward the fused sequence backward (BPTT over
 * all steps, weight gradients accumulated into the parameters' gradients with one GEMM per weight).
 *
 * <p>Shapes are PyTorch's, time-major: x (T, B, I); h0 and hidden (L*D, B, Hr); c0 and cell (L*D, B, H) for the
 * LSTM; output (T, B, D*Hr), the two directions concatenated.
 *
 * <p>The stack keeps what its backward needs from its last forward, so one op serves one call per tape step; a
 * model that runs a layer several times per step uses one op per call (the {@code nn.Recurrent} module keeps a
 * pool). Outputs are valid until the tape's next reset.
 */
public final class RecurrentOp implements AutoCloseable {
    private final StackShape shape;
    private final RecurrentStack stack;
    private final LayerWeights[] weights;
    private final LayerWeights[] grads;
    private final Parameter[] parameters;
    private final Arena arena = Arena.ofShared();
    private final Buffer dxTemp = new Buffer(arena);
    private final Buffer dh0Temp = new Buffer(arena);
    private final Buffer dc0Temp = new Buffer(arena);
    // The current call.
    private Tape tape;
    private int generation;
    private Var output;
    private Var hidden;
    private Var cell;

    /**
     * An op over the given weights (values) and gradient tensors, per layer and direction ({@code l*D + d}).
     *
     * @param parameters the parameters behind the weights: the op records a backward when any requires a gradient
     */
    public RecurrentOp(StackShape shape, LayerWeights[] weights, LayerWeights[] grads, Parameter[] parameters) {
        if (shape == null || weights == null || grads == null || parameters == null) {
            throw new IllegalArgumentException("RecurrentOp: shape, weights, grads and parameters must be given");
        }
        int n = shape.layers() * shape.directions();
        if (weights.length != n || grads.length != n) {
            throw new IllegalArgumentException("RecurrentOp: expected " + n + " layer directions of weights and grads, "
                    + "got " + weights.length + " and " + grads.length);
        }
        for (int i = 0; i < n; i++) {
            weights[i].check("weights[" + i + "]", shape.layer(i / shape.directions()));
            grads[i].check("grads[" + i + "]", shape.layer(i / shape.directions()));
        }
        this.shape = shape;
        this.stack = new RecurrentStack(shape);
        this.weights = weights.clone();
        this.grads = grads.clone();
        this.parameters = parameters.clone();
    }

    /** The network's sizes. */
    public StackShape shape() {
        return shape;
    }

    /**
     * Records the sequence forward.
     *
     * @param x input (T, B, I)
     * @param h0 initial states (L*D, B, Hr), or null for zeros
     * @param c0 initial cells (L*D, B, H) (LSTM only), or null for zeros
     * @return the output (T, B, D*Hr); {@link #hidden()} and {@link #cell()} give the final states
     */
    public Var forward(Tape tape, Var x, Var h0, Var c0) {
        if (tape == null) {
            throw new IllegalArgumentException("recurrent: tape is null");
        }
        if (this.tape == tape && generation == tape.generation() && output != null) {
            throw new IllegalStateException("recurrent: this op already ran in the current tape step; use one op per "
                    + "call (its saved activations serve one backward)");
        }
        Tensor xv = Checks.rank("recurrent", "x", x, 3);
        int steps = xv.dim(0);
        int batch = xv.dim(1);
        if (xv.dim(2) != shape.inputSize()) {
            throw new IllegalArgumentException("recurrent: x " + xv.shapeString() + " must be (T, B, " + shape.inputSize()
                    + ")");
        }
        int states = shape.layers() * shape.directions();
        checkState("h0", h0, states, batch, shape.stateSize());
        if (c0 != null && !shape.cell().hasCellState()) {
            throw new IllegalArgumentException("recurrent: c0 is given but " + shape.cell() + " has no cell state");
        }
        checkState("c0", c0, states, batch, shape.hiddenSize());
        boolean train = false;
        for (Parameter p : parameters) {
            train |= p.requiresGrad;
        }
        Var y = tape.node(BACKWARD, x, h0, c0, train);
        y.ref = this;
        Tensor out = y.valueBuffer.shape(steps, batch, shape.outputSize());
        y.value = out;
        Var hN = tape.secondary(y);
        hN.value = hN.valueBuffer.shape(states, batch, shape.stateSize());
        Var cN = null;
        if (shape.cell().hasCellState()) {
            cN = tape.secondary(y);
            cN.value = cN.valueBuffer.shape(states, batch, shape.hiddenSize());
        }
        Tensor h0v = h0 == null ? null : h0.value;
        Tensor c0v = c0 == null ? null : c0.value;
        stack.forward(steps, batch, xv.segment(), xv.offset(), weights,
                seg(h0v), off(h0v), seg(c0v), off(c0v),
                out.segment(), 0, hN.value.segment(), 0, cN == null ? null : cN.value.segment(), 0);
        this.tape = tape;
        this.generation = tape.generation();
        this.output = y;
        this.hidden = hN;
        this.cell = cN;
        if (tape.checksFinite()) { // the names are built only when checking: no allocation per step otherwise
            tape.checked("recurrent " + shape.cell() + " (final state)", hN);
            tape.checked("recurrent " + shape.cell(), y);
        }
        return y;
    }

    /** The output (T, B, D*Hr) of the current call. */
    public Var output() {
        return output;
    }

    /** The final states (L*D, B, Hr) of the current call. */
    public Var hidden() {
        return hidden;
    }

    /** The final cells (L*D, B, H) of the current call (LSTM), else null. */
    public Var cell() {
        return cell;
    }

    private static final Backward BACKWARD = y -> {
        RecurrentOp op = (RecurrentOp) y.ref;
        if (op.output != y) {
            throw new IllegalStateException("recurrent: the op ran again after this node was recorded; use one op "
                    + "per call");
        }
        op.backward(y);
    };

    private void backward(Var y) {
        Tensor dy = y.gradOrNull();
        Tensor dhN = hidden.gradOrNull();
        Tensor dcN = cell == null ? null : cell.gradOrNull();
        if (dy == null && dhN == null && dcN == null) {
            return;
        }
        Var x = y.a;
        Var h0 = y.b;
        Var c0 = y.c;
        Tensor xv = x.value;
        int steps = xv.dim(0);
        int batch = xv.dim(1);
        // The stack writes dx, dh0 and dc0: straight into a gradient nothing has added to yet, else via a temporary.
        Tensor dx = null;
        Tensor dxAdd = null;
        if (x.requiresGrad) {
            dx = x.gradFresh();
            if (dx == null) {
                dxAdd = x.gradIn();
                dx = dxTemp.like(xv);
            }
        }
        Tensor dh0 = null;
        Tensor dh0Add = null;
        if (h0 != null && h0.requiresGrad) {
            dh0 = h0.gradFresh();
            if (dh0 == null) {
                dh0Add = h0.gradIn();
                dh0 = dh0Temp.like(h0.value);
            }
        }
        Tensor dc0 = null;
        Tensor dc0Add = null;
        if (c0 != null && c0.requiresGrad) {
            dc0 = c0.gradFresh();
            if (dc0 == null) {
                dc0Add = c0.gradIn();
                dc0 = dc0Temp.like(c0.value);
            }
        }
        Tensor h0v = h0 == null ? null : h0.value;
        Tensor c0v = c0 == null ? null : c0.value;
        stack.backward(steps, batch, xv.segment(), xv.offset(), weights,
                seg(h0v), off(h0v), seg(c0v), off(c0v), y.value.segment(), 0,
                seg(dy), off(dy), seg(dhN), off(dhN), seg(dcN), off(dcN),
                grads, seg(dx), off(dx), seg(dh0), off(dh0), seg(dc0), off(dc0));
        addInto(dx, dxAdd);
        addInto(dh0, dh0Add);
        addInto(dc0, dc0Add);
    }

    /** Frees the op's buffers; idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            stack.close();
            arena.close();
        }
    }

    private static void addInto(Tensor temp, Tensor sum) {
        if (sum != null) {
            Shape.addBlock(temp.segment(), temp.offset(), sum.segment(), sum.offset(), sum.size());
        }
    }

    private static void checkState(String name, Var v, int states, int batch, int width) {
        if (v == null) {
            return;
        }
        Tensor t = Checks.rank("recurrent", name, v, 3);
        if (t.dim(0) != states || t.dim(1) != batch || t.dim(2) != width) {
            throw new IllegalArgumentException("recurrent: " + name + " " + t.shapeString() + " must be (" + states
                    + ", " + batch + ", " + width + ") (layers * directions, batch, size)");
        }
    }

    private static MemorySegment seg(Tensor t) {
        return t == null ? null : t.segment();
    }

    private static long off(Tensor t) {
        return t == null ? 0 : t.offset();
    }
}
