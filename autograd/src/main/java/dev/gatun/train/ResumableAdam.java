package dev.gatun.train;

import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.optim.Optimizer;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Adam (PyTorch's {@code torch.optim.Adam}, betas (0.9, 0.999), eps 1e-8, no weight decay) whose state can be
 * saved and restored, so a checkpointed run resumes exactly. The update uses the same operations in the same order
 * as {@link dev.gatun.autograd.optim.Adam} and agrees with it bit for bit (a test holds them together); it exists
 * because that class keeps its moments private. One step counter serves every parameter (all train every step).
 */
public final class ResumableAdam extends Optimizer {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final Tensor[] m;   // exp_avg, per parameter
    private final Tensor[] v;   // exp_avg_sq, per parameter
    private long t;

    /** Adam over {@code params} with learning rate {@code lr} and zero state. */
    public ResumableAdam(List<Parameter> params, float lr) {
        super(params, lr);
        this.m = new Tensor[this.params.length];
        this.v = new Tensor[this.params.length];
        for (int i = 0; i < this.params.length; i++) {
            m[i] = Tensor.allocate(arena, this.params[i].value().shape());
            v[i] = Tensor.allocate(arena, this.params[i].value().shape());
        }
    }

    @Override
    public void step() {
        t++;
        double bc1 = 1.0 - Math.pow(BETA1, t);
        double bc2 = 1.0 - Math.pow(BETA2, t);
        float stepSize = (float) (lr / bc1);
        float sqrtBc2 = (float) Math.sqrt(bc2);
        for (int i = 0; i < params.length; i++) {
            if (params[i].requiresGrad()) {
                update(params[i].value(), params[i].grad(), m[i], v[i], stepSize, sqrtBc2);
            }
        }
    }

    // The expression order of AdamKernel with l2 = 0 and decay = 1, kept literally so the results match it.
    private static void update(Tensor w, Tensor g, Tensor mt, Tensor vt, float stepSize, float sqrtBc2) {
        MemorySegment p = w.segment();
        MemorySegment gs = g.segment();
        MemorySegment ms = mt.segment();
        MemorySegment vs = vt.segment();
        long pOff = w.offset();
        long gOff = g.offset();
        long n = w.size();
        float l2 = 0f;
        float decay = 1f;
        float c1 = 1f - BETA1;
        float c2 = 1f - BETA2;
        for (long i = 0; i < n; i++) {
            float pi = p.getAtIndex(F, pOff + i);
            float gi = gs.getAtIndex(F, gOff + i) + l2 * pi;
            pi = pi * decay;
            float mi = BETA1 * ms.getAtIndex(F, i) + c1 * gi;
            float vi = BETA2 * vs.getAtIndex(F, i) + c2 * (gi * gi);
            float denom = (float) Math.sqrt(vi) / sqrtBc2 + EPS;
            ms.setAtIndex(F, i, mi);
            vs.setAtIndex(F, i, vi);
            p.setAtIndex(F, pOff + i, pi - stepSize * (mi / denom));
        }
    }

    /** Steps taken (PyTorch's {@code state['step']}). */
    public long steps() {
        return t;
    }

    /** Sets the step counter (when restoring a checkpoint). */
    public void setSteps(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("Adam: steps must be >= 0, got " + steps);
        }
        this.t = steps;
    }

    /** The first moment ({@code exp_avg}) of parameter {@code i}, in the order given; live, writable. */
    public Tensor expAvg(int i) {
        return m[checkIndex(i)];
    }

    /** The second moment ({@code exp_avg_sq}) of parameter {@code i}; live, writable. */
    public Tensor expAvgSq(int i) {
        return v[checkIndex(i)];
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= params.length) {
            throw new IllegalArgumentException("Adam: parameter index " + i + " out of range [0, " + params.length
                    + ")");
        }
        return i;
    }
}
