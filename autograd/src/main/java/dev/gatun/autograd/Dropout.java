package dev.gatun.autograd;

import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Inverted dropout: each element is kept with probability {@code 1 - p} and scaled by {@code 1 / (1 - p)}, else
 * zeroed. The mask (0 or the scale per element) is saved for backward, {@code dx = dy * mask}. The caller's
 * {@link Rng} makes it reproducible.
 */
final class Dropout {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private Dropout() {}

    static Var apply(Tape tape, Var x, float p, Rng rng) {
        Tensor xv = Checks.value("dropout", "x", x);
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
        }
        if (rng == null) {
            throw new IllegalArgumentException("dropout: rng is null");
        }
        Var y = tape.node(BACKWARD, x, null, null);
        Tensor out = y.valueBuffer.like(xv);
        Tensor mask = y.savedBuffer.like(xv);
        float scale = 1f / (1f - p);
        MemorySegment xs = xv.segment();
        MemorySegment ms = mask.segment();
        MemorySegment ys = out.segment();
        long xo = xv.offset();
        long n = out.size();
        for (long i = 0; i < n; i++) {
            float m = rng.nextFloat() < p ? 0f : scale;
            ms.setAtIndex(F, i, m);
            ys.setAtIndex(F, i, m * xs.getAtIndex(F, xo + i));
        }
        y.value = out;
        y.ref = mask;
        return y;
    }

    private static final Backward BACKWARD = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null || !y.a.requiresGrad) {
            return;
        }
        Tensor dx = y.a.gradIn();
        MemorySegment g = dy.segment();
        MemorySegment ms = ((Tensor) y.ref).segment();
        MemorySegment ds = dx.segment();
        long d0 = dx.offset();
        long n = dy.size();
        for (long i = 0; i < n; i++) {
            ds.setAtIndex(F, d0 + i, ds.getAtIndex(F, d0 + i) + ms.getAtIndex(F, i) * g.getAtIndex(F, i));
        }
    };
}
