package dev.gatun.autograd.optim;

import dev.gatun.autograd.Parameter;
import dev.gatun.tensor.Tensor;
import java.util.List;

/**
 * Adam as PyTorch's {@code torch.optim.Adam} (L2 weight decay added to the gradient) or, with {@code decoupled},
 * {@code torch.optim.AdamW} (the weights shrink by {@code 1 - lr * wd} before the update). The whole update of a
 * parameter is one fused pass ({@link AdamKernel}).
 */
public final class Adam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final boolean decoupled;
    private final Tensor[] m;
    private final Tensor[] v;
    private final int[] steps;   // per parameter, for the bias corrections

    /** Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Parameter> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0f, false);
    }

    /** Adam ({@code decoupled = false}) or AdamW ({@code decoupled = true}) with every setting given. */
    public Adam(List<Parameter> params, float lr, float beta1, float beta2, float eps, float weightDecay,
                boolean decoupled) {
        super(params, lr);
        checkRange("beta1", beta1, 0f, 1f);
        checkRange("beta2", beta2, 0f, 1f);
        if (!(eps >= 0f)) {
            throw new IllegalArgumentException("eps must be >= 0, got " + eps);
        }
        checkRange("weight decay", weightDecay, 0f, Float.MAX_VALUE);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.m = new Tensor[this.params.length];
        this.v = new Tensor[this.params.length];
        this.steps = new int[this.params.length];
        for (int i = 0; i < this.params.length; i++) {
            int[] shape = this.params[i].value().shape();
            m[i] = Tensor.allocate(arena, shape);
            v[i] = Tensor.allocate(arena, shape);
        }
    }

    /** AdamW with PyTorch's defaults (betas (0.9, 0.999), eps 1e-8) and the given weight decay. */
    public static Adam adamW(List<Parameter> params, float lr, float weightDecay) {
        return new Adam(params, lr, 0.9f, 0.999f, 1e-8f, weightDecay, true);
    }

    @Override
    public void step() {
        checkOpen();
        for (int i = 0; i < params.length; i++) {
            Parameter p = params[i];
            if (!p.requiresGrad()) {
                continue;
            }
            int t = ++steps[i];
            double bc1 = 1.0 - Math.pow(beta1, t);
            double bc2 = 1.0 - Math.pow(beta2, t);
            float stepSize = (float) (lr / bc1);
            float sqrtBc2 = (float) Math.sqrt(bc2);
            float l2 = decoupled ? 0f : weightDecay;
            float decay = decoupled ? 1f - lr * weightDecay : 1f;
            Tensor w = p.value();
            Tensor g = p.grad();
            AdamKernel.update(w.segment(), w.offset(), g.segment(), g.offset(), m[i].segment(), 0,
                    v[i].segment(), 0, w.size(), beta1, beta2, stepSize, sqrtBc2, eps, l2, decay);
        }
    }
}
