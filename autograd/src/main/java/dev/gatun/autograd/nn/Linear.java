package dev.gatun.autograd.nn;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.init.Init;

/**
 * PyTorch's {@code nn.Linear}: {@code y = x W^T + b} over the last dimension, W ({@code weight}) (out, in),
 * b ({@code bias}) (out). Initialized as PyTorch does: both uniform in {@code ±1/sqrt(in)}.
 */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;

    /** A layer with bias, initialized from {@code seed}. */
    public Linear(int in, int out, long seed) {
        this(in, out, true, seed);
    }

    /** A layer, with or without bias, initialized from {@code seed}. */
    public Linear(int in, int out, boolean bias, long seed) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear: sizes must be >= 1, got in=" + in + ", out=" + out);
        }
        this.weight = parameter("weight", out, in);
        this.bias = bias ? parameter("bias", out) : null;
        Rng rng = new Rng(seed);
        double bound = 1.0 / Math.sqrt(in);
        Init.uniform(weight.value(), -bound, bound, rng);
        if (bias) {
            Init.uniform(this.bias.value(), -bound, bound, rng);
        }
    }

    /** x (..., in) -> (..., out). */
    public Var forward(Tape tape, Var x) {
        return Ops.linear(tape, x, weight, bias);
    }

    /** W (out, in). */
    public Parameter weight() {
        return weight;
    }

    /** b (out), or null. */
    public Parameter bias() {
        return bias;
    }
}
