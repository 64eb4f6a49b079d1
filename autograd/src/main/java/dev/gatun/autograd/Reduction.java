package dev.gatun.autograd;

import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** sum and mean of all elements, to shape (1); accumulated in double. Backward spreads {@code dy} (or dy / n). */
final class Reduction {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private Reduction() {}

    static Var sum(Tape tape, Var x, boolean mean) {
        Tensor xv = Checks.value(mean ? "mean" : "sum", "x", x);
        Var y = tape.node(BACKWARD, x, null, null);
        long n = xv.size();
        if (mean && n == 0) {
            throw new IllegalArgumentException("mean: x " + xv.shapeString() + " has no elements");
        }
        y.f0 = mean ? 1f / n : 1f;
        MemorySegment xs = xv.segment();
        long xo = xv.offset();
        double s = 0;
        for (long i = 0; i < n; i++) {
            s += xs.getAtIndex(F, xo + i);
        }
        Tensor out = y.valueBuffer.shape(1);
        out.segment().setAtIndex(F, 0, (float) (mean ? s / n : s));
        y.value = out;
        return y;
    }

    private static final Backward BACKWARD = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null || !y.a.requiresGrad) {
            return;
        }
        Tensor dx = y.a.gradIn();
        float g = dy.segment().getAtIndex(F, 0) * y.f0;
        MemorySegment ds = dx.segment();
        long d0 = dx.offset();
        long n = dx.size();
        for (long i = 0; i < n; i++) {
            ds.setAtIndex(F, d0 + i, ds.getAtIndex(F, d0 + i) + g);
        }
    };
}
