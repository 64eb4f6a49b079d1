package dev.gatun.autograd.models;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.nn.Linear;
import dev.gatun.autograd.nn.Module;
import dev.gatun.autograd.nn.Recurrent;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;

/**
 * Many-to-many: a label (or value) for every step, from a linear head on each step's recurrent output; train with
 * {@link Ops#maskedCrossEntropy} (or {@link Ops#maskedMse}) over the valid steps.
 *
 * <p>Bidirectional: a second stack reads each sequence backwards, within its own length
 * ({@link Ops#reverseSequences}), so the padding after a short sequence never enters its backward pass; its outputs
 * are put back in time order and concatenated after the forward ones, as PyTorch concatenates directions. With one
 * layer this is PyTorch's bidirectional layer; with several, each direction is its own stack (the directions meet
 * only in the head).
 *
 * <p>Parameters: {@code rnn.*}, {@code rnn_reverse.*} when bidirectional, {@code head.weight}, {@code head.bias}.
 */
public final class SequenceTagger extends Module {
    private final Recurrent rnn;
    private final Recurrent reverse;
    private final Linear head;
    private int[] full = new int[0];   // lengths when none are given, reused

    /**
     * A tagger.
     *
     * @param cell the recurrent cell
     * @param inputSize features per step
     * @param hiddenSize state size of each direction
     * @param layers stacked layers per direction
     * @param bidirectional whether a backward-in-time stack also reads the sequence
     * @param outputs classes (or values) per step
     * @param seed initialization seed
     */
    public SequenceTagger(CellType cell, int inputSize, int hiddenSize, int layers, boolean bidirectional, int outputs,
                          long seed) {
        if (outputs < 1) {
            throw new IllegalArgumentException("SequenceTagger: outputs must be >= 1, got " + outputs);
        }
        StackShape shape = new StackShape(cell, inputSize, hiddenSize, layers, false, 0);
        this.rnn = child("rnn", new Recurrent(shape, 0f, true, seed));
        this.reverse = bidirectional ? child("rnn_reverse", new Recurrent(shape, 0f, true, seed + 3)) : null;
        this.head = child("head", new Linear((bidirectional ? 2 : 1) * hiddenSize, outputs, seed + 7));
    }

    /**
     * Scores for every step.
     *
     * @param x inputs (T, B, I), padded after each sequence's end
     * @param lengths valid steps of each sequence, in [1, T]; null when every sequence has T steps
     * @return (T, B, outputs); rows of padded steps hold values that no masked loss reads
     */
    public Var forward(Tape tape, Var x, int[] lengths) {
        Var out = rnn.forward(tape, x, null, null).output();
        if (reverse != null) {
            int[] len = lengths;
            if (len == null) {
                len = fullLengths(x.dim(0), x.dim(1));
            }
            Var back = reverse.forward(tape, Ops.reverseSequences(tape, x, len), null, null).output();
            out = Ops.concat(tape, 2, out, Ops.reverseSequences(tape, back, len));
        }
        return head.forward(tape, out);
    }

    /** Whether a backward-in-time stack is used. */
    public boolean bidirectional() {
        return reverse != null;
    }

    private int[] fullLengths(int steps, int batch) {
        if (full.length != batch) {
            full = new int[batch];
        }
        java.util.Arrays.fill(full, steps);
        return full;
    }
}
