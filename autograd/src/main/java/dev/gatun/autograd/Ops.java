package dev.gatun.autograd;

/**
 * The differentiable operations, each recorded on a {@link Tape}. Every method computes its output now and, when
 * recording and some input requires a gradient, records its backward (kept next to the forward in its family class:
 * {@link Pointwise}, {@link Activation}, {@link MatMul}, {@link Softmax}, {@link Shape}, {@link Lookup},
 * {@link Dropout}, {@link Reduction}, {@link Loss}, {@link CausalConv}).
 *
 * <p>Every method throws {@link IllegalArgumentException} for a null tape, and, when the tape checks for NaN/Inf
 * ({@link Tape#checkFinite(boolean)}), {@link ArithmeticException} naming the operation whose output is not finite.
 *
 * <p>Outputs are contiguous tensors owned by the tape and valid until its next reset. Shapes are written
 * {@code (T, B, H)}: time, batch, features (time-major, as the recurrent layers).
 */
public final class Ops {
    private Ops() {}

    // ---- element-wise ---------------------------------------------------------------------------------------------

    /** a + b, broadcasting a suffix-shaped or single-element operand (a bias (H) against (B, H)). */
    public static Var add(Tape tape, Var a, Var b) {
        return Tape.require("add", tape).checked("add", Pointwise.binary(tape, Pointwise.ADD, a, b));
    }

    /** a - b, broadcasting as {@link #add}. */
    public static Var sub(Tape tape, Var a, Var b) {
        return Tape.require("sub", tape).checked("sub", Pointwise.binary(tape, Pointwise.SUB, a, b));
    }

    /** a * b element-wise, broadcasting as {@link #add}. */
    public static Var mul(Tape tape, Var a, Var b) {
        return Tape.require("mul", tape).checked("mul", Pointwise.binary(tape, Pointwise.MUL, a, b));
    }

    /** s * x. */
    public static Var mulScalar(Tape tape, Var x, float s) {
        return Tape.require("mulScalar", tape).checked("mulScalar", Pointwise.affine(tape, x, s, 0f));
    }

    /** x + c. */
    public static Var addScalar(Tape tape, Var x, float c) {
        return Tape.require("addScalar", tape).checked("addScalar", Pointwise.affine(tape, x, 1f, c));
    }

    /** 1 / (1 + e^-x). */
    public static Var sigmoid(Tape tape, Var x) {
        return Tape.require("sigmoid", tape).checked("sigmoid", Activation.apply(tape, Activation.SIGMOID, x));
    }

    /** tanh(x). */
    public static Var tanh(Tape tape, Var x) {
        return Tape.require("tanh", tape).checked("tanh", Activation.apply(tape, Activation.TANH, x));
    }

    /** max(x, 0); the gradient at 0 is 0. */
    public static Var relu(Tape tape, Var x) {
        return Tape.require("relu", tape).checked("relu", Activation.apply(tape, Activation.RELU, x));
    }

    /** e^x. */
    public static Var exp(Tape tape, Var x) {
        return Tape.require("exp", tape).checked("exp", Activation.apply(tape, Activation.EXP, x));
    }

    // ---- products -------------------------------------------------------------------------------------------------

    /** (M, K) x (K, N) -> (M, N). */
    public static Var matmul(Tape tape, Var a, Var b) {
        return Tape.require("matmul", tape).checked("matmul", MatMul.matmul(tape, a, b));
    }

    /** {@code x W^T + bias} over the rows of x (..., in): W (out, in), bias (out) or null; output (..., out). */
    public static Var linear(Tape tape, Var x, Var weight, Var bias) {
        return Tape.require("linear", tape).checked("linear", MatMul.linear(tape, x, weight, bias));
    }

    /**
     * Causal dilated convolution over time: x (T, B, Cin), weight (Cout, Cin, K) as PyTorch's {@code Conv1d},
     * bias (Cout) or null; output (T, B, Cout) where step t sees x at t, t-d, ..., t-(K-1)d.
     */
    public static Var causalConv1d(Tape tape, Var x, Var weight, Var bias, int dilation) {
        return Tape.require("causalConv1d", tape).checked("causalConv1d",
                CausalConv.apply(tape, x, weight, bias, dilation));
    }

    // ---- softmax --------------------------------------------------------------------------------------------------

    /** softmax over the last dimension. */
    public static Var softmax(Tape tape, Var x) {
        return Tape.require("softmax", tape).checked("softmax", Softmax.apply(tape, x, 1f, false));
    }

    /** softmax(x / temperature) over the last dimension. */
    public static Var softmax(Tape tape, Var x, float temperature) {
        return Tape.require("softmax", tape).checked("softmax", Softmax.apply(tape, x, temperature, false));
    }

    /** log-softmax over the last dimension. */
    public static Var logSoftmax(Tape tape, Var x) {
        return Tape.require("logSoftmax", tape).checked("logSoftmax", Softmax.apply(tape, x, 1f, true));
    }

    /** log-softmax(x / temperature) over the last dimension. */
    public static Var logSoftmax(Tape tape, Var x, float temperature) {
        return Tape.require("logSoftmax", tape).checked("logSoftmax", Softmax.apply(tape, x, temperature, true));
    }

    // ---- shape ----------------------------------------------------------------------------------------------------

    /** a and b joined along {@code axis}; the other dimensions must match. */
    public static Var concat(Tape tape, int axis, Var a, Var b) {
        Var[] parts = {a, b};
        return Tape.require("concat", tape).checked("concat", Shape.concat(tape, axis, parts, 2));
    }

    /** {@code parts[0, n)} joined along {@code axis} (the array may be reused by the caller afterwards). */
    public static Var concat(Tape tape, int axis, Var[] parts, int n) {
        return Tape.require("concat", tape).checked("concat", Shape.concat(tape, axis, parts, n));
    }

    /** Elements {@code [start, end)} along {@code axis}. */
    public static Var slice(Tape tape, Var x, int axis, int start, int end) {
        return Tape.require("slice", tape).checked("slice", Shape.slice(tape, x, axis, start, end));
    }

    /** The same elements in another shape (pass a constant array in hot loops: varargs allocate one per call). */
    public static Var reshape(Tape tape, Var x, int... shape) {
        return Tape.require("reshape", tape).checked("reshape", Shape.reshape(tape, x, shape));
    }

    /** The value of x without its history: no gradient flows through it. */
    public static Var detach(Tape tape, Var x) {
        return Tape.require("detach", tape).checked("detach", Shape.detach(tape, x));
    }

    // ---- lookup and regularization --------------------------------------------------------------------------------

    /** Rows of weight (V, E) for each index: output (n, E). */
    public static Var embedding(Tape tape, Var weight, int[] indices) {
        return Tape.require("embedding", tape).checked("embedding",
                Lookup.embedding(tape, weight, indices, indices == null ? 0 : indices.length, 0, 0));
    }

    /** Rows of weight (V, E) for time-major indices {@code [t*B + b]}: output (T, B, E). */
    public static Var embedding(Tape tape, Var weight, int[] indices, int steps, int batch) {
        if (steps < 1 || batch < 1) {
            throw new IllegalArgumentException("embedding: steps and batch must be >= 1, got " + steps + ", " + batch);
        }
        return Tape.require("embedding", tape).checked("embedding",
                Lookup.embedding(tape, weight, indices, steps * batch, steps, batch));
    }

    /**
     * For variable-length sequences padded in a time-major batch x (T, B, H): each sequence's output at its last
     * real step, {@code x[lengths[b] - 1, b, :]}, as (B, H) (many-to-one). Padded steps get no gradient.
     */
    public static Var lastSteps(Tape tape, Var x, int[] lengths) {
        return Tape.require("lastSteps", tape).checked("lastSteps", Lookup.lastSteps(tape, x, lengths));
    }

    /** Inverted dropout with drop probability p in [0, 1), drawing from {@code rng}; p = 0 returns x. */
    public static Var dropout(Tape tape, Var x, float p, Rng rng) {
        return p == 0f ? x : Tape.require("dropout", tape).checked("dropout", Dropout.apply(tape, x, p, rng));
    }

    // ---- reductions and losses ------------------------------------------------------------------------------------

    /** Sum of all elements, shape (1). */
    public static Var sum(Tape tape, Var x) {
        return Tape.require("sum", tape).checked("sum", Reduction.sum(tape, x, false));
    }

    /** Mean of all elements, shape (1). */
    public static Var mean(Tape tape, Var x) {
        return Tape.require("mean", tape).checked("mean", Reduction.sum(tape, x, true));
    }

    /** mean((pred - target)^2), shape (1); same shapes. */
    public static Var mse(Tape tape, Var pred, Var target) {
        return Tape.require("mse", tape).checked("mse", Loss.mse(tape, pred, target));
    }

    /** Cross-entropy of logits (..., C) against one class index per row, averaged over the rows, shape (1). */
    public static Var crossEntropy(Tape tape, Var logits, int[] targets) {
        return Tape.require("crossEntropy", tape).checked("crossEntropy",
                Loss.crossEntropy(tape, logits, targets, targets == null ? 0 : targets.length, Integer.MIN_VALUE));
    }

    /**
     * Cross-entropy as {@link #crossEntropy(Tape, Var, int[])}, with rows whose target is {@code ignoreIndex}
     * (padding) left out of the sum and the mean; only the first rows-many targets are read.
     */
    public static Var crossEntropy(Tape tape, Var logits, int[] targets, int ignoreIndex) {
        int rows = logits == null || logits.value == null ? 0 : Checks.rows("crossEntropy", logits.value);
        return Tape.require("crossEntropy", tape).checked("crossEntropy",
                Loss.crossEntropy(tape, logits, targets, rows, ignoreIndex));
    }

    /**
     * Cross-entropy over the valid steps of variable-length sequences: logits (T, B, C) time-major, targets
     * {@code [t*B + b]}; rows with {@code t >= lengths[b]} (padding) are left out of the sum and of the mean, and
     * their targets are not read.
     */
    public static Var maskedCrossEntropy(Tape tape, Var logits, int[] targets, int[] lengths) {
        int rows = logits == null || logits.value == null ? 0 : Checks.rows("maskedCrossEntropy", logits.value);
        return Loss.crossEntropy(tape, logits, targets, rows, Integer.MIN_VALUE, lengths);
    }

    /**
     * mean((pred - target)^2) over the valid steps of variable-length sequences: pred and target (T, B, ...)
     * time-major, element (t, b, ...) counted when {@code t < lengths[b]}, averaged over the counted elements;
     * padded steps get no gradient. Shape (1).
     */
    public static Var maskedMse(Tape tape, Var pred, Var target, int[] lengths) {
        return Loss.maskedMse(tape, pred, target, lengths);
    }

    /**
     * Each sequence of a padded time-major batch x (T, B, H) reversed within its length: output step t of sequence b
     * is {@code x[lengths[b] - 1 - t, b]} for {@code t < lengths[b]}, and the padding stays where it is. Applying it
     * twice gives x back; a backward-in-time layer over the reversed batch never sees padding before real steps.
     */
    public static Var reverseSequences(Tape tape, Var x, int[] lengths) {
        return Lookup.reverseSequences(tape, x, lengths);
    }
}
