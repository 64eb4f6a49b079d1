package dev.gatun.autograd;

import dev.gatun.tensor.Tensor;

/** Argument checks shared by the operations: every message names the operation, the argument and the shapes. */
final class Checks {
    private Checks() {}

    /** The value of {@code v}, which must be present. */
    static Tensor value(String op, String name, Var v) {
        if (v == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        Tensor t = v.value;
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + name + " has no value");
        }
        return t;
    }

    /** The value of {@code v}, which must have rank {@code rank}. */
    static Tensor rank(String op, String name, Var v, int rank) {
        Tensor t = value(op, name, v);
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + name + " must have rank " + rank + ", got shape "
                    + t.shapeString());
        }
        return t;
    }

    /** Throws unless {@code a} and {@code b} have the same shape. */
    static void sameShape(String op, Tensor a, Tensor b) {
        boolean same = a.rank() == b.rank();
        for (int d = 0; d < a.rank() && same; d++) {
            same = a.dim(d) == b.dim(d);
        }
        if (!same) {
            throw new IllegalArgumentException(op + ": shapes differ: " + a.shapeString() + " vs " + b.shapeString());
        }
    }

    /** Size of the last dimension (1 for a rank-0 value). */
    static int lastDim(Tensor t) {
        return t.rank() == 0 ? 1 : t.dim(-1);
    }

    /** Number of rows when the last dimension is the row width. */
    static int rows(String op, Tensor t) {
        long r = t.size() / Math.max(1, lastDim(t));
        if (r > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": too many rows in " + t.shapeString());
        }
        return (int) r;
    }

    /** {@code axis} (negative counts from the end) as an index into the dimensions of {@code t}. */
    static int axis(String op, Tensor t, int axis) {
        int a = axis < 0 ? axis + t.rank() : axis;
        if (a < 0 || a >= t.rank()) {
            throw new IllegalArgumentException(op + ": dimension " + axis + " out of range for shape "
                    + t.shapeString());
        }
        return a;
    }

    /** Throws unless {@code lengths} holds one length in [1, steps] per sequence of the batch. */
    static void lengths(String op, int[] lengths, int steps, int batch, Tensor x) {
        if (lengths == null || lengths.length != batch) {
            throw new IllegalArgumentException(op + ": need one length per sequence of " + x.shapeString() + " (B="
                    + batch + "), got " + (lengths == null ? "null" : lengths.length));
        }
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < 1 || lengths[b] > steps) {
                throw new IllegalArgumentException(op + ": length " + lengths[b] + " of sequence " + b
                        + " is not in [1, " + steps + "] for " + x.shapeString());
            }
        }
    }
}
