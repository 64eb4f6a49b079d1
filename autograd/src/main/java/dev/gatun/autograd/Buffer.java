package dev.gatun.autograd;

import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Off-heap floats owned by one tape node and reused every step. The node asks for a shape each step; while the
 * shape stays the same it gets the same {@link Tensor} back (no Java or off-heap allocation), and the storage only
 * grows when a step needs more than ever before (then by at least half, so variable shapes settle quickly).
 *
 * <p>Contents are not cleared: an operation writes every element of its output, and {@link #zero()} clears a
 * gradient before its first accumulation.
 */
final class Buffer {
    private final Arena arena;
    private MemorySegment storage;   // capacity, 64-byte aligned
    private Tensor view;             // the last shape handed out
    private MemorySegment exact;     // view's bytes, for fill

    Buffer(Arena arena) {
        this.arena = arena;
    }

    /** A tensor of shape (d0). */
    Tensor shape(int d0) {
        if (view != null && view.rank() == 1 && view.dim(0) == d0) {
            return view;
        }
        return reshape(new int[] {d0});
    }

    /** A tensor of shape (d0, d1). */
    Tensor shape(int d0, int d1) {
        if (view != null && view.rank() == 2 && view.dim(0) == d0 && view.dim(1) == d1) {
            return view;
        }
        return reshape(new int[] {d0, d1});
    }

    /** A tensor of shape (d0, d1, d2). */
    Tensor shape(int d0, int d1, int d2) {
        if (view != null && view.rank() == 3 && view.dim(0) == d0 && view.dim(1) == d1 && view.dim(2) == d2) {
            return view;
        }
        return reshape(new int[] {d0, d1, d2});
    }

    /** A tensor shaped like {@code t}. */
    Tensor like(Tensor t) {
        return likeWith(t, 0, t.rank() == 0 ? 0 : t.dim(0));
    }

    /** A tensor shaped like {@code t} except that dimension {@code axis} has size {@code size}. */
    Tensor likeWith(Tensor t, int axis, int size) {
        int r = t.rank();
        if (view != null && view.rank() == r) {
            boolean same = true;
            for (int d = 0; d < r && same; d++) {
                same = view.dim(d) == (d == axis ? size : t.dim(d));
            }
            if (same) {
                return view;
            }
        }
        int[] s = t.shape();
        if (r > 0) {
            s[axis] = size;
        }
        return reshape(s);
    }

    /** A tensor of any shape (allocates the shape array: for shapes computed once). */
    Tensor shape(int[] dims) {
        if (view != null && view.rank() == dims.length) {
            boolean same = true;
            for (int d = 0; d < dims.length && same; d++) {
                same = view.dim(d) == dims[d];
            }
            if (same) {
                return view;
            }
        }
        return reshape(dims.clone());
    }

    /** Sets the current view to zero. */
    void zero() {
        exact.fill((byte) 0);
    }

    private Tensor reshape(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + java.util.Arrays.toString(dims));
            }
            n = Math.multiplyExact(n, (long) d);
        }
        long bytes = Math.max(1, n) * Float.BYTES;
        if (storage == null || storage.byteSize() < bytes) {
            long grown = storage == null ? bytes : Math.max(bytes, storage.byteSize() + storage.byteSize() / 2);
            storage = arena.allocate(grown, Tensor.ALIGNMENT);
        }
        view = Tensor.wrap(storage, 0, dims);
        exact = storage.asSlice(0, n * Float.BYTES);
        return view;
    }
}
