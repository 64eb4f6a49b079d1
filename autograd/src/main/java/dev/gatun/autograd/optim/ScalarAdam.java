package dev.gatun.autograd.optim;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar twin of {@link PanamaAdam}: {@link AdamKernel}'s update one float at a time. */
final class ScalarAdam {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private ScalarAdam() {}

    static void update(MemorySegment p, long pOff, MemorySegment g, long gOff, MemorySegment m, long mOff,
                       MemorySegment v, long vOff, long n, float b1, float b2, float stepSize, float sqrtBc2,
                       float eps, float l2, float decay) {
        update(p, pOff, g, gOff, m, mOff, v, vOff, 0, n, b1, b2, stepSize, sqrtBc2, eps, l2, decay);
    }

    /** Elements {@code [from, to)}; also the tail of the vector kernel. */
    static void update(MemorySegment p, long pOff, MemorySegment g, long gOff, MemorySegment m, long mOff,
                       MemorySegment v, long vOff, long from, long to, float b1, float b2, float stepSize,
                       float sqrtBc2, float eps, float l2, float decay) {
        float c1 = 1f - b1;
        float c2 = 1f - b2;
        for (long i = from; i < to; i++) {
            float pi = p.getAtIndex(F, pOff + i);
            float gi = g.getAtIndex(F, gOff + i) + l2 * pi;
            pi = pi * decay;
            float mi = b1 * m.getAtIndex(F, mOff + i) + c1 * gi;
            float vi = b2 * v.getAtIndex(F, vOff + i) + c2 * (gi * gi);
            float denom = (float) Math.sqrt(vi) / sqrtBc2 + eps;
            m.setAtIndex(F, mOff + i, mi);
            v.setAtIndex(F, vOff + i, vi);
            p.setAtIndex(F, pOff + i, pi - stepSize * (mi / denom));
        }
    }
}
