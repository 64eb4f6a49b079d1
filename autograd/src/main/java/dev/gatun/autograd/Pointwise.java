package dev.gatun.autograd;

import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Element-wise add, sub and mul with broadcasting, and the scalar affine map {@code y = s*x + c}.
 *
 * <p>Broadcasting: the operands have the same shape, or the smaller one's shape is a suffix of the larger one's
 * (a bias (H) against (B, H) or (T, B, H)), or the smaller one has a single element. The output has the larger
 * shape; the smaller operand's gradient is the sum over the repeated positions.
 */
final class Pointwise {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    static final int ADD = 0;
    static final int SUB = 1;
    static final int MUL = 2;
    private static final String[] NAMES = {"add", "sub", "mul"};

    private Pointwise() {}

    static Var binary(Tape tape, int kind, Var a, Var b) {
        String op = NAMES[kind];
        Tensor av = Checks.value(op, "a", a);
        Tensor bv = Checks.value(op, "b", b);
        Tensor big = av.size() >= bv.size() ? av : bv;
        Tensor small = big == av ? bv : av;
        checkBroadcast(op, big, small);
        Var y = tape.node(BINARY, a, b, null);
        y.i0 = kind;
        Tensor out = y.valueBuffer.like(big);
        long n = out.size();
        long inner = small.size();
        MemorySegment as = av.segment();
        MemorySegment bs = bv.segment();
        MemorySegment ys = out.segment();
        long ao = av.offset();
        long bo = bv.offset();
        boolean aFull = av.size() == n;
        boolean bFull = bv.size() == n;
        for (long base = 0; base < n; base += inner) {
            for (long j = 0; j < inner; j++) {
                float x = as.getAtIndex(F, ao + (aFull ? base + j : j));
                float z = bs.getAtIndex(F, bo + (bFull ? base + j : j));
                float r = switch (kind) {
                    case ADD -> x + z;
                    case SUB -> x - z;
                    default -> x * z;
                };
                ys.setAtIndex(F, base + j, r);
            }
        }
        y.value = out;
        return y;
    }

    private static final Backward BINARY = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null) {
            return;
        }
        int kind = y.i0;
        Var a = y.a;
        Var b = y.b;
        long n = dy.size();
        long inner = Math.min(a.size(), b.size());
        boolean aFull = a.size() == n;
        boolean bFull = b.size() == n;
        MemorySegment g = dy.segment();
        if (a.requiresGrad) {
            // d(a+b)/da = d(a-b)/da = 1, d(a*b)/da = b
            Tensor da = a.gradIn();
            Tensor bv = b.value;
            accumulate(g, da, kind == MUL ? bv : null, 1f, n, inner, aFull, bFull);
        }
        if (b.requiresGrad) {
            Tensor db = b.gradIn();
            Tensor av = a.value;
            accumulate(g, db, kind == MUL ? av : null, kind == SUB ? -1f : 1f, n, inner, bFull, aFull);
        }
    };

    /** dst[i % |dst|] += sign * dy[i] * (other == null ? 1 : other[i % |other|]). */
    private static void accumulate(MemorySegment g, Tensor dst, Tensor other, float sign, long n, long inner,
                                   boolean dstFull, boolean otherFull) {
        MemorySegment ds = dst.segment();
        long dOff = dst.offset();
        MemorySegment os = other == null ? null : other.segment();
        long oOff = other == null ? 0 : other.offset();
        for (long base = 0; base < n; base += inner) {
            for (long j = 0; j < inner; j++) {
                long i = base + j;
                float v = sign * g.getAtIndex(F, i);
                if (os != null) {
                    v *= os.getAtIndex(F, oOff + (otherFull ? i : j));
                }
                long di = dOff + (dstFull ? i : j);
                ds.setAtIndex(F, di, ds.getAtIndex(F, di) + v);
            }
        }
    }

    /** y = scale * x + shift. */
    static Var affine(Tape tape, Var x, float scale, float shift) {
        Tensor xv = Checks.value("affine", "x", x);
        Var y = tape.node(AFFINE, x, null, null);
        y.f0 = scale;
        Tensor out = y.valueBuffer.like(xv);
        MemorySegment xs = xv.segment();
        MemorySegment ys = out.segment();
        long xo = xv.offset();
        long n = out.size();
        for (long i = 0; i < n; i++) {
            ys.setAtIndex(F, i, scale * xs.getAtIndex(F, xo + i) + shift);
        }
        y.value = out;
        return y;
    }

    private static final Backward AFFINE = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null || !y.a.requiresGrad) {
            return;
        }
        Tensor dx = y.a.gradIn();
        MemorySegment g = dy.segment();
        MemorySegment ds = dx.segment();
        long d0 = dx.offset();
        long n = dy.size();
        float s = y.f0;
        for (long i = 0; i < n; i++) {
            ds.setAtIndex(F, d0 + i, ds.getAtIndex(F, d0 + i) + s * g.getAtIndex(F, i));
        }
    };

    private static void checkBroadcast(String op, Tensor big, Tensor small) {
        if (small.size() == 1) {
            return;
        }
        boolean suffix = small.rank() <= big.rank();
        for (int d = 1; d <= small.rank() && suffix; d++) {
            suffix = small.dim(-d) == big.dim(-d);
        }
        if (!suffix) {
            throw new IllegalArgumentException(op + ": shapes " + big.shapeString() + " and " + small.shapeString()
                    + " do not broadcast (the smaller shape must be a suffix of the larger, or have one element)");
        }
    }
}
