package dev.gatun.autograd;

import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;

/**
 * A value in a computation: a {@link Tensor}, its gradient, and how it was made.
 *
 * <p>Two kinds exist. {@link Parameter}s own their value and gradient for as long as the model lives, and their
 * gradient accumulates across {@link Tape#backward} calls until cleared. Every other Var is a node of a
 * {@link Tape}: an input, a constant or the output of an operation. Nodes are pooled by their tape and reused from
 * one step to the next, so a node (and its value) is valid only until the tape's next {@link Tape#reset()}.
 *
 * <p>A node remembers its operation ({@link Backward}), up to three inputs, a few scalar arguments and one saved
 * buffer: what its backward needs, nothing more (micrograd's {@code _prev} and {@code _backward}, in flat fields).
 */
public sealed class Var permits Parameter {
    final Tape tape;           // null for parameters
    int index;                 // position on the tape
    int generation;            // tape step this node belongs to
    Tensor value;
    Tensor grad;               // valid when gradLive
    boolean requiresGrad;
    boolean gradLive;          // grad holds this backward pass's sum (always true for parameters)
    Backward backward;         // null for leaves and nodes recorded without gradient
    String op;                 // the operation's name, set only while the tape checks for NaN/Inf

    // What the operation's backward needs.
    Var a;
    Var b;
    Var c;
    int i0;
    int i1;
    int i2;
    float f0;
    Object ref;                // an operation's per-call object (e.g. the fused recurrent op)
    Var[] list = new Var[0];   // inputs of n-ary operations (concat), reused
    int listSize;
    int[] ints = new int[0];   // indices (embedding, targets), reused

    // Storage owned by a node, reused every step.
    final Buffer valueBuffer;
    final Buffer gradBuffer;
    final Buffer savedBuffer;

    /** A tape node. */
    Var(Tape tape, Arena arena) {
        this.tape = tape;
        this.valueBuffer = new Buffer(arena);
        this.gradBuffer = new Buffer(arena);
        this.savedBuffer = new Buffer(arena);
    }

    /** A parameter: value and gradient owned by the caller. */
    Var(Tensor value, Tensor grad) {
        this.tape = null;
        this.value = value;
        this.grad = grad;
        this.requiresGrad = true;
        this.gradLive = true;
        this.valueBuffer = null;
        this.gradBuffer = null;
        this.savedBuffer = null;
    }

    /** The value. */
    public Tensor value() {
        return value;
    }

    /**
     * The gradient of the last {@link Tape#backward} with respect to this value; null for a node the loss did not
     * depend on or that needs no gradient. A parameter's gradient is its accumulated sum.
     */
    public Tensor grad() {
        return gradLive ? grad : null;
    }

    /** True when backward computes a gradient for this value. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Size of dimension {@code d} of the value (negative counts from the end). */
    public int dim(int d) {
        return value.dim(d);
    }

    /** Rank of the value. */
    public int rank() {
        return value.rank();
    }

    /** Number of elements of the value. */
    public long size() {
        return value.size();
    }

    /** Shape of the value as text. */
    public String shapeString() {
        return value.shapeString();
    }

    @Override
    public String toString() {
        return "Var" + (value == null ? "[]" : value.shapeString()) + (requiresGrad ? " (grad)" : "");
    }

    // ---- for operations -----------------------------------------------------------------------------------------

    /** The gradient to accumulate into, zeroed on first use in a backward pass. */
    Tensor gradIn() {
        if (!gradLive) {
            grad = gradBuffer.like(value);
            gradBuffer.zero();
            gradLive = true;
        }
        return grad;
    }

    /**
     * The gradient buffer when nothing has been accumulated into it yet this pass: the caller then writes every
     * element (saves a clear). Null when it already holds a sum: the caller must add into {@link #gradIn()}.
     */
    Tensor gradFresh() {
        if (gradLive) {
            return null;
        }
        grad = gradBuffer.like(value);
        gradLive = true;
        return grad;
    }

    /** This pass's gradient, or null when nothing flowed into this value. */
    Tensor gradOrNull() {
        return gradLive ? grad : null;
    }

    /** Integer scratch of at least {@code n} entries, kept across steps. */
    int[] ints(int n) {
        if (ints.length < n) {
            ints = new int[Math.max(n, ints.length + ints.length / 2)];
        }
        return ints;
    }

    /** Input list of at least {@code n} entries, kept across steps. */
    Var[] list(int n) {
        if (list.length < n) {
            list = new Var[Math.max(n, 2 * list.length)];
        }
        listSize = n;
        return list;
    }

    /** Clears what the previous step left on a pooled node. */
    void clear(int index, int generation) {
        this.index = index;
        this.generation = generation;
        value = null;
        grad = null;
        requiresGrad = false;
        gradLive = false;
        backward = null;
        op = null;
        a = null;
        b = null;
        c = null;
        i0 = 0;
        i1 = 0;
        i2 = 0;
        f0 = 0f;
        ref = null;
        for (int i = 0; i < listSize; i++) {
            list[i] = null;
        }
        listSize = 0;
    }
}
