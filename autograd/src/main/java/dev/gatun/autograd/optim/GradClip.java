package dev.gatun.autograd.optim;

import dev.gatun.autograd.Parameter;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Gradient clipping by global norm, as PyTorch's {@code clip_grad_norm_}: the L2 norm of all gradients together is
 * computed (in double); when it exceeds {@code maxNorm} every gradient is scaled by
 * {@code maxNorm / (norm + 1e-6)}. The seed notes' remedy for exploding gradients: the direction is kept, the step
 * bounded.
 */
public final class GradClip {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private GradClip() {}

    /** Clips in place and returns the norm before clipping (NaN or infinite when a gradient is). */
    public static double clipGlobalNorm(List<Parameter> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        double norm = globalNorm(params);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1.0) {
            float c = (float) coef;
            for (int i = 0; i < params.size(); i++) {
                Tensor g = params.get(i).grad();
                MemorySegment s = g.segment();
                long off = g.offset();
                long n = g.size();
                for (long k = 0; k < n; k++) {
                    s.setAtIndex(F, off + k, c * s.getAtIndex(F, off + k));
                }
            }
        }
        return norm;
    }

    /** The L2 norm of all gradients together. */
    public static double globalNorm(List<Parameter> params) {
        double sum = 0;
        for (int i = 0; i < params.size(); i++) {
            Tensor g = params.get(i).grad();
            MemorySegment s = g.segment();
            long off = g.offset();
            long n = g.size();
            for (long k = 0; k < n; k++) {
                double x = s.getAtIndex(F, off + k);
                sum += x * x;
            }
        }
        return Math.sqrt(sum);
    }
}
