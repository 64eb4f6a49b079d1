package dev.gatun.autograd;

import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;

/**
 * Reverse-mode autograd on a tape. Operations ({@link Ops}) append nodes in the order they run; {@link #backward}
 * seeds the loss gradient with 1 and runs each recorded node's backward in reverse order, each adding into its
 * inputs' gradients. Because parameters keep their gradient, a weight used at every time step receives the sum of
 * its uses: backpropagation through time is just this loop over an unrolled sequence.
 *
 * <p><b>Reuse.</b> A training loop calls {@link #reset()} at the start of each step. The tape then hands out the
 * same node objects in the same order, and each node keeps its value and gradient buffers, so once the shapes have
 * been seen a step allocates neither Java objects nor off-heap memory. The price is that nodes (and their values)
 * are valid only until the next reset: copy out what must outlive the step (for example the final state carried
 * into the next chunk of truncated BPTT).
 *
 * <p><b>No gradient.</b> Inside {@code try (var g = tape.noGrad()) {...}} operations compute values and record no
 * backward (inference, evaluation). Operations whose inputs need no gradient record nothing either.
 *
 * <p><b>NaN/Inf checks.</b> With {@link #checkFinite(boolean) checkFinite(true)} (or {@code -Dgatun.checkFinite=true}
 * for every new tape) each operation of {@link Ops} scans its output, and {@link #backward} scans the gradients each
 * recorded operation passes to its inputs; the first non-finite value throws {@link ArithmeticException} naming the
 * operation, the index and the shape, e.g. {@code "logSoftmax produced NaN at index 5 of its output [2, 4]"}. Off
 * (the default) it costs one boolean test per operation.
 *
 * <p>Not thread-safe: one tape per thread. Closing the tape frees every node buffer.
 */
public final class Tape implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final NoGrad noGrad = new NoGrad();
    private Var[] nodes = new Var[64];
    private int size;
    private int generation;
    private int noGradDepth;
    private boolean closed;
    private boolean checkFinite = Boolean.getBoolean("gatun.checkFinite");

    /** An empty tape; NaN/Inf checks on when {@code -Dgatun.checkFinite=true}. */
    public Tape() {}

    /**
     * Turns the NaN/Inf checks of forward and backward on or off (see the class documentation). For debugging: a
     * check scans every element of every output and gradient.
     *
     * @return this tape
     */
    public Tape checkFinite(boolean on) {
        checkFinite = on;
        return this;
    }

    /** True when NaN/Inf checks are on. */
    public boolean checksFinite() {
        return checkFinite;
    }

    /** Forgets every node of the previous step; their buffers are reused by the next step's nodes. */
    public void reset() {
        checkOpen();
        size = 0;
        generation++;
    }

    /** Number of nodes this step. */
    public int size() {
        return size;
    }

    /** A counter incremented by every {@link #reset()}: operations with per-step state compare it. */
    public int generation() {
        return generation;
    }

    /** True unless inside {@link #noGrad()}. */
    public boolean recording() {
        return noGradDepth == 0;
    }

    /** Turns recording off until the returned scope is closed (scopes nest). */
    public NoGrad noGrad() {
        checkOpen();
        noGradDepth++;
        return noGrad;
    }

    /** Data that needs no gradient: a node whose value is {@code t} itself (not copied). */
    public Var input(Tensor t) {
        Var v = take();
        v.value = checkTensor("input", t);
        return v;
    }

    /** A tensor to differentiate with respect to: after {@link #backward}, {@link Var#grad()} holds its gradient. */
    public Var leaf(Tensor t) {
        Var v = take();
        v.value = checkTensor("leaf", t);
        v.requiresGrad = recording();
        return v;
    }

    /** A constant of shape (1). */
    public Var scalar(float value) {
        Var v = take();
        v.value = v.valueBuffer.shape(1);
        v.value.segment().setAtIndex(ValueLayout.JAVA_FLOAT, 0, value);
        return v;
    }

    /**
     * Backpropagates from {@code loss}, a single-element value: its gradient is set to 1, every node recorded before
     * it runs its backward in reverse order, and parameter gradients accumulate. Intermediate gradients of an
     * earlier backward on this tape are discarded first.
     */
    public void backward(Var loss) {
        checkNode("backward", loss);
        if (loss.size() != 1) {
            throw new IllegalArgumentException("backward: the loss must have one element, got shape "
                    + loss.shapeString() + "; use backward(out, gradient) for other outputs");
        }
        start(loss).fill(1f);
        replay(loss);
    }

    /** Backpropagates from {@code out} with the given gradient of the loss with respect to it (same shape). */
    public void backward(Var out, Tensor gradient) {
        checkNode("backward", out);
        if (gradient == null) {
            throw new IllegalArgumentException("backward: gradient is null");
        }
        Tensor g = start(out);
        if (!java.util.Arrays.equals(g.shape(), gradient.shape())) {
            throw new IllegalArgumentException("backward: gradient shape " + gradient.shapeString()
                    + " does not match output shape " + out.shapeString());
        }
        g.copyFrom(gradient);
        replay(out);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    private Tensor start(Var out) {
        if (!out.requiresGrad) {
            throw new IllegalArgumentException("backward: " + out + " does not depend on anything that requires a "
                    + "gradient (or was computed under noGrad)");
        }
        for (int i = 0; i <= out.index; i++) {
            nodes[i].gradLive = false;
        }
        return out.gradIn();
    }

    private void replay(Var out) {
        for (int i = out.index; i >= 0; i--) {
            Var n = nodes[i];
            if (n.backward != null) {
                n.backward.run(n);
                if (checkFinite) {
                    Finite.checkGradients(n);
                }
            }
        }
    }

    /** Called by {@link Ops} with each operation's output: with checks on, names the op and scans the value. */
    Var checked(String op, Var y) {
        if (checkFinite) {
            y.op = op;
            Finite.check(op + " produced ", y.value, " of its output");
        }
        return y;
    }

    /** {@code tape}, or an exception naming the operation when it is null. */
    static Tape require(String op, Tape tape) {
        if (tape == null) {
            throw new IllegalArgumentException(op + ": tape is null");
        }
        return tape;
    }

    // ---- for operations -----------------------------------------------------------------------------------------

    /** A new node computed from up to three inputs (null for absent ones). */
    Var node(Backward op, Var a, Var b, Var c) {
        return node(op, a, b, c, false);
    }

    /**
     * A new node; it records {@code op} when recording and some input (or {@code alsoRequiresGrad}, for operations
     * with parameters held outside the inputs) requires a gradient.
     */
    Var node(Backward op, Var a, Var b, Var c, boolean alsoRequiresGrad) {
        checkInput(a);
        checkInput(b);
        checkInput(c);
        Var v = take();
        v.a = a;
        v.b = b;
        v.c = c;
        boolean req = recording() && (alsoRequiresGrad || needs(a) || needs(b) || needs(c));
        v.requiresGrad = req;
        v.backward = req ? op : null;
        return v;
    }

    /** A second output of the operation that made {@code primary}: its backward reads this node's gradient. */
    Var secondary(Var primary) {
        Var v = take();
        v.requiresGrad = primary.requiresGrad;
        return v;
    }

    /** Throws unless {@code v} is null, a parameter, or a node of this tape's current step. */
    void checkInput(Var v) {
        if (v == null || v.tape == null) {
            return;
        }
        if (v.tape != this) {
            throw new IllegalArgumentException(v + " belongs to another tape");
        }
        if (v.generation != generation || v.index >= size) {
            throw new IllegalStateException(v + " is from an earlier step: nodes are valid until the tape's next "
                    + "reset(); copy values that must outlive a step");
        }
    }

    private static boolean needs(Var v) {
        return v != null && v.requiresGrad;
    }

    private Var take() {
        checkOpen();
        if (size == nodes.length) {
            nodes = java.util.Arrays.copyOf(nodes, 2 * size);
        }
        Var v = nodes[size];
        if (v == null) {
            v = new Var(this, arena);
            nodes[size] = v;
        }
        v.clear(size, generation);
        size++;
        return v;
    }

    private void checkNode(String op, Var v) {
        if (v == null) {
            throw new IllegalArgumentException(op + ": node is null");
        }
        if (v.tape != this) {
            throw new IllegalArgumentException(op + ": " + v + " is not a node of this tape");
        }
        checkInput(v);
    }

    private static Tensor checkTensor(String op, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": tensor is null");
        }
        t.checkAlive(op);
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(op + ": tensor " + t.shapeString() + " must be contiguous");
        }
        return t;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("tape is closed");
        }
    }

    /** The scope returned by {@link #noGrad()}; closing it restores recording (one object, reused). */
    public final class NoGrad implements AutoCloseable {
        private NoGrad() {}

        @Override
        public void close() {
            if (noGradDepth > 0) {
                noGradDepth--;
            }
        }
    }
}
