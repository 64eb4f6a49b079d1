package dev.gatun.autograd;

import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Operations that move elements without arithmetic: concat, slice and reshape (each a copy, so every node owns
 * contiguous memory), and detach (the same value, cut from the graph).
 *
 * <p>Along an axis, a tensor is {@code outer} blocks of {@code size(axis) * inner} contiguous floats, where outer
 * is the product of the dimensions before the axis and inner of those after it; concat and slice copy such blocks.
 */
final class Shape {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private Shape() {}

    /** Concatenation of {@code parts[0, n)} along {@code axis}; the parts are copied into the node's own list. */
    static Var concat(Tape tape, int axis, Var[] parts, int n) {
        if (parts == null || n < 1 || n > parts.length) {
            throw new IllegalArgumentException("concat: needs at least one part, got " + n);
        }
        Tensor first = Checks.value("concat", "parts[0]", parts[0]);
        int ax = Checks.axis("concat", first, axis);
        int total = 0;
        boolean req = false;
        for (int p = 0; p < n; p++) {
            if (parts[p] == null || parts[p].value == null) {
                throw new IllegalArgumentException("concat: parts[" + p + "] is null");
            }
            Tensor t = parts[p].value;
            checkSameExcept(first, t, ax, p);
            tape.checkInput(parts[p]);
            total += t.dim(ax);
            req |= parts[p].requiresGrad;
        }
        Var y = tape.node(CONCAT, null, null, null, req);
        Var[] list = y.list(n);
        System.arraycopy(parts, 0, list, 0, n);
        y.i0 = ax;
        Tensor out = y.valueBuffer.likeWith(first, ax, total);
        long inner = inner(first, ax);
        long outer = first.size() / Math.max(1, (long) first.dim(ax) * inner);
        long rowOut = (long) total * inner;
        long at = 0;
        for (int p = 0; p < n; p++) {
            Tensor t = list[p].value;
            long block = (long) t.dim(ax) * inner;
            for (long o = 0; o < outer; o++) {
                MemorySegment.copy(t.segment(), (t.offset() + o * block) * Float.BYTES, out.segment(),
                        (o * rowOut + at) * Float.BYTES, block * Float.BYTES);
            }
            at += block;
        }
        y.value = out;
        return y;
    }

    private static final Backward CONCAT = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null) {
            return;
        }
        int ax = y.i0;
        Tensor first = y.list[0].value;
        long inner = inner(first, ax);
        long outer = first.size() / Math.max(1, (long) first.dim(ax) * inner);
        long rowOut = (long) dy.dim(ax) * inner;
        long at = 0;
        for (int p = 0; p < y.listSize; p++) {
            Var part = y.list[p];
            long block = (long) part.value.dim(ax) * inner;
            if (part.requiresGrad) {
                Tensor dp = part.gradIn();
                for (long o = 0; o < outer; o++) {
                    addBlock(dy.segment(), o * rowOut + at, dp.segment(), dp.offset() + o * block, block);
                }
            }
            at += block;
        }
    };

    /** Elements {@code [start, end)} of x along {@code axis}, copied. */
    static Var slice(Tape tape, Var x, int axis, int start, int end) {
        Tensor xv = Checks.value("slice", "x", x);
        int ax = Checks.axis("slice", xv, axis);
        if (start < 0 || end > xv.dim(ax) || start > end) {
            throw new IllegalArgumentException("slice: [" + start + ", " + end + ") out of range for dimension " + ax
                    + " of " + xv.shapeString());
        }
        Var y = tape.node(SLICE, x, null, null);
        y.i0 = ax;
        y.i1 = start;
        Tensor out = y.valueBuffer.likeWith(xv, ax, end - start);
        long inner = inner(xv, ax);
        long outer = xv.size() / Math.max(1, (long) xv.dim(ax) * inner);
        long rowIn = (long) xv.dim(ax) * inner;
        long block = (long) (end - start) * inner;
        for (long o = 0; o < outer; o++) {
            MemorySegment.copy(xv.segment(), (xv.offset() + o * rowIn + start * inner) * Float.BYTES,
                    out.segment(), o * block * Float.BYTES, block * Float.BYTES);
        }
        y.value = out;
        return y;
    }

    private static final Backward SLICE = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null || !y.a.requiresGrad) {
            return;
        }
        Tensor xv = y.a.value;
        int ax = y.i0;
        Tensor dx = y.a.gradIn();
        long inner = inner(xv, ax);
        long outer = xv.size() / Math.max(1, (long) xv.dim(ax) * inner);
        long rowIn = (long) xv.dim(ax) * inner;
        long block = (long) dy.dim(ax) * inner;
        for (long o = 0; o < outer; o++) {
            addBlock(dy.segment(), o * block, dx.segment(), dx.offset() + o * rowIn + y.i1 * inner, block);
        }
    };

    /** The elements of x in a new shape with the same element count, copied. */
    static Var reshape(Tape tape, Var x, int[] shape) {
        Tensor xv = Checks.value("reshape", "x", x);
        if (shape == null) {
            throw new IllegalArgumentException("reshape: shape is null");
        }
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n != xv.size()) {
            throw new IllegalArgumentException("reshape: cannot reshape " + xv.shapeString() + " ("
                    + xv.size() + " elements) to " + java.util.Arrays.toString(shape) + " (" + n + " elements)");
        }
        Var y = tape.node(RESHAPE, x, null, null);
        Tensor out = y.valueBuffer.shape(shape);
        MemorySegment.copy(xv.segment(), xv.offset() * Float.BYTES, out.segment(), 0, n * Float.BYTES);
        y.value = out;
        return y;
    }

    private static final Backward RESHAPE = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null || !y.a.requiresGrad) {
            return;
        }
        Tensor dx = y.a.gradIn();
        addBlock(dy.segment(), 0, dx.segment(), dx.offset(), dy.size());
    };

    /** The value of x as a node that needs no gradient (PyTorch's {@code detach}); nothing is copied. */
    static Var detach(Tape tape, Var x) {
        Tensor xv = Checks.value("detach", "x", x);
        tape.checkInput(x);
        Var y = tape.node(null, null, null, null);
        y.value = xv;
        return y;
    }

    /** dst[dOff, dOff+n) += src[sOff, sOff+n). */
    static void addBlock(MemorySegment src, long sOff, MemorySegment dst, long dOff, long n) {
        for (long i = 0; i < n; i++) {
            dst.setAtIndex(F, dOff + i, dst.getAtIndex(F, dOff + i) + src.getAtIndex(F, sOff + i));
        }
    }

    private static long inner(Tensor t, int axis) {
        long inner = 1;
        for (int d = axis + 1; d < t.rank(); d++) {
            inner *= t.dim(d);
        }
        return inner;
    }

    private static void checkSameExcept(Tensor first, Tensor t, int axis, int p) {
        boolean same = t.rank() == first.rank();
        for (int d = 0; d < first.rank() && same; d++) {
            same = d == axis || t.dim(d) == first.dim(d);
        }
        if (!same) {
            throw new IllegalArgumentException("concat: parts[" + p + "] " + t.shapeString() + " does not match parts[0] "
                    + first.shapeString() + " outside dimension " + axis);
        }
    }
}
