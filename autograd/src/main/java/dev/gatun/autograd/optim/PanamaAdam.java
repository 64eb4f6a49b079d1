package dev.gatun.autograd.optim;

import dev.gatun.kernels.PanamaSpecies;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AdamKernel}'s update with the Vector API: the same operations as {@link ScalarAdam} lane-wise, the tail
 * by the scalar twin. Memory-bound (7 floats moved per element), so one vector per iteration is enough.
 */
final class PanamaAdam {
    private static final VectorSpecies<Float> S = PanamaSpecies.FLOAT;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private PanamaAdam() {}

    static void update(MemorySegment p, long pOff, MemorySegment g, long gOff, MemorySegment m, long mOff,
                       MemorySegment v, long vOff, long n, float b1, float b2, float stepSize, float sqrtBc2,
                       float eps, float l2, float decay) {
        long bound = n - n % S.length();
        float c1 = 1f - b1;
        float c2 = 1f - b2;
        for (long i = 0; i < bound; i += S.length()) {
            long pb = (pOff + i) * Float.BYTES;
            long mb = (mOff + i) * Float.BYTES;
            long vb = (vOff + i) * Float.BYTES;
            FloatVector pi = FloatVector.fromMemorySegment(S, p, pb, ORDER);
            FloatVector gi = FloatVector.fromMemorySegment(S, g, (gOff + i) * Float.BYTES, ORDER).add(pi.mul(l2));
            pi = pi.mul(decay);
            FloatVector mi = FloatVector.fromMemorySegment(S, m, mb, ORDER).mul(b1).add(gi.mul(c1));
            FloatVector vi = FloatVector.fromMemorySegment(S, v, vb, ORDER).mul(b2).add(gi.mul(gi).mul(c2));
            FloatVector denom = vi.lanewise(VectorOperators.SQRT).div(sqrtBc2).add(eps);
            mi.intoMemorySegment(m, mb, ORDER);
            vi.intoMemorySegment(v, vb, ORDER);
            pi.sub(mi.div(denom).mul(stepSize)).intoMemorySegment(p, pb, ORDER);
        }
        ScalarAdam.update(p, pOff, g, gOff, m, mOff, v, vOff, bound, n, b1, b2, stepSize, sqrtBc2, eps, l2, decay);
    }
}
