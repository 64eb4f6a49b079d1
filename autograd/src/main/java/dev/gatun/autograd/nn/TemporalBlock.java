package dev.gatun.autograd.nn;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;

/**
 * One residual block of a temporal convolutional network (Bai, Kolter and Koltun 2018):
 * {@code relu(dropout(relu(conv2(dropout(relu(conv1(x)))))) + res(x))}, both convolutions causal with the same
 * dilation, {@code res} the identity or a 1x1 convolution ({@code downsample}) when the channel counts differ.
 */
public final class TemporalBlock extends Module {
    private final CausalConv1d conv1;
    private final CausalConv1d conv2;
    private final CausalConv1d downsample;
    private final float dropout;
    private final Rng rng;

    /** A block from {@code in} to {@code out} channels. */
    public TemporalBlock(int in, int out, int kernelSize, int dilation, float dropout, long seed) {
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("TemporalBlock: dropout must be in [0, 1), got " + dropout);
        }
        this.conv1 = child("conv1", new CausalConv1d(in, out, kernelSize, dilation, seed));
        this.conv2 = child("conv2", new CausalConv1d(out, out, kernelSize, dilation, seed + 1));
        this.downsample = in == out ? null : child("downsample", new CausalConv1d(in, out, 1, 1, seed + 2));
        this.dropout = dropout;
        this.rng = new Rng(seed + 3);
    }

    /** x (T, B, in) -> (T, B, out). */
    public Var forward(Tape tape, Var x) {
        float p = training() ? dropout : 0f;
        Var h = Ops.dropout(tape, Ops.relu(tape, conv1.forward(tape, x)), p, rng);
        h = Ops.dropout(tape, Ops.relu(tape, conv2.forward(tape, h)), p, rng);
        Var res = downsample == null ? x : downsample.forward(tape, x);
        return Ops.relu(tape, Ops.add(tape, h, res));
    }
}
