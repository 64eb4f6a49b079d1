package dev.gatun.autograd.nn;

import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;

/**
 * A temporal convolutional network, the seed notes' FIR alternative to an RNN: {@link TemporalBlock}s with
 * dilation {@code 2^l} in block l, so the receptive field, {@code 1 + 2 (K-1)(2^L - 1)} steps, grows exponentially
 * with depth while every step of the sequence is computed in parallel. Parameters are named
 * {@code blocks.<l>.conv1.weight} and so on.
 */
public final class Tcn extends Module {
    private final TemporalBlock[] blocks;
    private final int kernelSize;

    /**
     * A network over inputs of {@code inputSize} channels with one block per entry of {@code channels} (its
     * output channels).
     */
    public Tcn(int inputSize, int[] channels, int kernelSize, float dropout, long seed) {
        if (channels == null || channels.length == 0) {
            throw new IllegalArgumentException("Tcn: needs at least one block");
        }
        this.kernelSize = kernelSize;
        this.blocks = new TemporalBlock[channels.length];
        int in = inputSize;
        for (int l = 0; l < channels.length; l++) {
            blocks[l] = child("blocks." + l, new TemporalBlock(in, channels[l], kernelSize, 1 << l, dropout,
                    seed + 10L * l));
            in = channels[l];
        }
    }

    /** x (T, B, inputSize) -> (T, B, channels[last]). */
    public Var forward(Tape tape, Var x) {
        Var h = x;
        for (TemporalBlock b : blocks) {
            h = b.forward(tape, h);
        }
        return h;
    }

    /** Number of past steps (this one included) an output can see. */
    public int receptiveField() {
        return 1 + 2 * (kernelSize - 1) * ((1 << blocks.length) - 1);
    }
}
