package dev.gatun.kernels.sequence;

import dev.gatun.tensor.Tensor;

/**
 * The parameters of one layer direction in PyTorch's layout (or their gradients, same shapes):
 * {@code wIh (G*H, I)}, {@code wHh (G*H, Hr)}, {@code bIh (G*H)}, {@code bHh (G*H)}, and {@code wHr (P, H)} when
 * projected (else null). Contiguous tensors; borrowed, not owned.
 *
 * @param wIh input weights (G*H, I)
 * @param wHh recurrent weights (G*H, Hr)
 * @param bIh input bias (G*H)
 * @param bHh recurrent bias (G*H)
 * @param wHr projection weights (P, H), or null
 */
public record LayerWeights(Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, Tensor wHr) {

    /**
     * Throws {@link IllegalArgumentException} naming the tensor unless every shape matches {@code shape}. Allocates
     * nothing unless it throws: it runs on every forward and backward.
     */
    public void check(String what, LayerShape shape) {
        int gh = shape.gateRows();
        check(what, "wIh", wIh, gh, shape.inputSize());
        check(what, "wHh", wHh, gh, shape.stateSize());
        check(what, "bIh", bIh, gh, -1);
        check(what, "bHh", bHh, gh, -1);
        if (shape.projSize() > 0) {
            check(what, "wHr", wHr, shape.projSize(), shape.hiddenSize());
        } else if (wHr != null) {
            throw new IllegalArgumentException(what + ".wHr must be null without projection, got " + wHr.shapeString());
        }
    }

    /** A contiguous, live tensor of shape (rows, cols), or (rows) when cols is -1. */
    private static void check(String what, String name, Tensor t, int rows, int cols) {
        int rank = cols < 0 ? 1 : 2;
        boolean ok = t != null && t.rank() == rank && t.dim(0) == rows && (cols < 0 || t.dim(1) == cols);
        if (!ok) {
            String expected = cols < 0 ? "[" + rows + "]" : "[" + rows + ", " + cols + "]";
            throw new IllegalArgumentException(what + "." + name + ": expected shape " + expected + ", got "
                    + (t == null ? "null" : t.shapeString()));
        }
        if (!t.isAlive()) {
            t.checkAlive(what + "." + name);
        }
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(what + "." + name + " " + t.shapeString() + " must be contiguous");
        }
    }

    /** Allocates zeroed tensors of the right shapes (for gradients, or weights to be filled). */
    public static LayerWeights allocate(java.lang.foreign.Arena arena, LayerShape shape) {
        int gh = shape.gateRows();
        return new LayerWeights(
                Tensor.allocate(arena, gh, shape.inputSize()),
                Tensor.allocate(arena, gh, shape.stateSize()),
                Tensor.allocate(arena, gh),
                Tensor.allocate(arena, gh),
                shape.projSize() > 0 ? Tensor.allocate(arena, shape.projSize(), shape.hiddenSize()) : null);
    }

    /** Sets every tensor to zero (gradients accumulate, so they are cleared between steps). */
    public void zero() {
        wIh.fill(0f);
        wHh.fill(0f);
        bIh.fill(0f);
        bHh.fill(0f);
        if (wHr != null) {
            wHr.fill(0f);
        }
    }

}
