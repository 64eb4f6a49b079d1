package dev.gatun.autograd.optim;

import dev.gatun.kernels.Vectorization;
import java.lang.foreign.MemorySegment;

/**
 * The fused Adam update over n floats, one pass reading p, g, m, v and writing p, m, v:
 * <pre>
 *   g = g + l2 * p                      (L2 weight decay, Adam)
 *   p = p * decay                       (decoupled weight decay, AdamW: decay = 1 - lr * wd)
 *   m = b1 * m + (1 - b1) * g
 *   v = b2 * v + (1 - b2) * g * g
 *   p = p - stepSize * (m / (sqrt(v) / sqrtBc2 + eps))
 * </pre>
 * with {@code stepSize = lr / (1 - b1^t)} and {@code sqrtBc2 = sqrt(1 - b2^t)} (PyTorch's form). Runs
 * {@link PanamaAdam} when the Vector API is in use, else {@link ScalarAdam}; both use the same operations in the
 * same order (no fused multiply-add), so they agree bit for bit.
 */
final class AdamKernel {
    private static final boolean VECTOR = Vectorization.enabled();

    private AdamKernel() {}

    /** The coefficients of one step; offsets are in floats. */
    static void update(MemorySegment p, long pOff, MemorySegment g, long gOff, MemorySegment m, long mOff,
                       MemorySegment v, long vOff, long n, float b1, float b2, float stepSize, float sqrtBc2,
                       float eps, float l2, float decay) {
        if (VECTOR) {
            PanamaAdam.update(p, pOff, g, gOff, m, mOff, v, vOff, n, b1, b2, stepSize, sqrtBc2, eps, l2, decay);
        } else {
            ScalarAdam.update(p, pOff, g, gOff, m, mOff, v, vOff, n, b1, b2, stepSize, sqrtBc2, eps, l2, decay);
        }
    }
}
