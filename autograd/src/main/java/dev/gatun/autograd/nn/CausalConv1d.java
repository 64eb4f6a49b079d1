package dev.gatun.autograd.nn;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.init.Init;

/**
 * A causal dilated convolution over time-major sequences ({@link Ops#causalConv1d}): {@code weight}
 * (Cout, Cin, K) and {@code bias} (Cout) as PyTorch's {@code nn.Conv1d}, initialized as it does (uniform in
 * {@code ±1/sqrt(Cin*K)}). Step t sees the input at t, t-d, ..., t-(K-1)d: its receptive field is (K-1)d + 1.
 */
public final class CausalConv1d extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final int dilation;

    /** A convolution from {@code in} to {@code out} channels with K taps spaced {@code dilation} steps apart. */
    public CausalConv1d(int in, int out, int kernelSize, int dilation, long seed) {
        if (in < 1 || out < 1 || kernelSize < 1 || dilation < 1) {
            throw new IllegalArgumentException("CausalConv1d: sizes and dilation must be >= 1, got in=" + in
                    + ", out=" + out + ", kernelSize=" + kernelSize + ", dilation=" + dilation);
        }
        this.weight = parameter("weight", out, in, kernelSize);
        this.bias = parameter("bias", out);
        this.dilation = dilation;
        Rng rng = new Rng(seed);
        double bound = 1.0 / Math.sqrt((double) in * kernelSize);
        Init.uniform(weight.value(), -bound, bound, rng);
        Init.uniform(bias.value(), -bound, bound, rng);
    }

    /** x (T, B, Cin) -> (T, B, Cout). */
    public Var forward(Tape tape, Var x) {
        return Ops.causalConv1d(tape, x, weight, bias, dilation);
    }

    /** The spacing of the taps. */
    public int dilation() {
        return dilation;
    }
}
