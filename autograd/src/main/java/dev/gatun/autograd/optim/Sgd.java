package dev.gatun.autograd.optim;

import dev.gatun.autograd.Parameter;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Stochastic gradient descent as PyTorch's {@code torch.optim.SGD} (dampening 0): with weight decay
 * {@code g += wd * p}; with momentum {@code buf = mu * buf + g} (the first step sets {@code buf = g}) and
 * {@code g = buf}, or {@code g += mu * buf} for Nesterov; then {@code p -= lr * g}.
 */
public final class Sgd extends Optimizer {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private final float momentum;
    private final float weightDecay;
    private final boolean nesterov;
    private final Tensor[] buffers;   // momentum buffers, null without momentum
    private final boolean[] started;   // per parameter: its momentum buffer holds a value

    /** Plain SGD. */
    public Sgd(List<Parameter> params, float lr) {
        this(params, lr, 0f, 0f, false);
    }

    /** SGD with momentum {@code mu} in [0, 1), L2 weight decay {@code wd} >= 0, optionally Nesterov. */
    public Sgd(List<Parameter> params, float lr, float momentum, float weightDecay, boolean nesterov) {
        super(params, lr);
        checkRange("momentum", momentum, 0f, 1f);
        checkRange("weight decay", weightDecay, 0f, Float.MAX_VALUE);
        if (nesterov && momentum == 0f) {
            throw new IllegalArgumentException("Nesterov momentum requires momentum > 0");
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.buffers = new Tensor[this.params.length];
        this.started = new boolean[this.params.length];
        if (momentum != 0f) {
            for (int i = 0; i < this.params.length; i++) {
                buffers[i] = Tensor.allocate(arena, this.params[i].value().shape());
            }
        }
    }

    @Override
    public void step() {
        checkOpen();
        for (int i = 0; i < params.length; i++) {
            Parameter p = params[i];
            if (!p.requiresGrad()) {
                continue;
            }
            Tensor w = p.value();
            Tensor g = p.grad();
            MemorySegment ws = w.segment();
            MemorySegment gs = g.segment();
            MemorySegment bs = buffers[i] == null ? null : buffers[i].segment();
            long wo = w.offset();
            long go = g.offset();
            long n = w.size();
            for (long k = 0; k < n; k++) {
                float wk = ws.getAtIndex(F, wo + k);
                float d = gs.getAtIndex(F, go + k) + weightDecay * wk;
                if (bs != null) {
                    float b = started[i] ? momentum * bs.getAtIndex(F, k) + d : d;
                    bs.setAtIndex(F, k, b);
                    d = nesterov ? d + momentum * b : b;
                }
                ws.setAtIndex(F, wo + k, wk - lr * d);
            }
            started[i] = true;
        }
    }
}
