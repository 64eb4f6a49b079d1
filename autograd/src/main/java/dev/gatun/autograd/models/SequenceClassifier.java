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
 * Many-to-one: a unidirectional recurrent stack reads each sequence, and a linear head maps the last layer's output
 * at the sequence's last valid step to the result: class logits (train with {@link Ops#crossEntropy}) or values
 * (train with {@link Ops#mse}). Sequences of different lengths share a padded time-major batch; what the padding
 * holds does not matter, since a unidirectional layer's step t depends only on steps up to t.
 *
 * <p>Parameters: {@code rnn.*} (PyTorch's names) and {@code head.weight}, {@code head.bias}.
 */
public final class SequenceClassifier extends Module {
    private final Recurrent rnn;
    private final Linear head;
    private final int[] lastShape = new int[2];   // (B, H), reused: varargs would allocate per call

    /**
     * A classifier or regressor.
     *
     * @param cell the recurrent cell
     * @param inputSize features per step
     * @param hiddenSize state size of every layer
     * @param layers stacked layers, {@code >= 1}
     * @param outputs classes (or values) per sequence
     * @param seed initialization seed
     */
    public SequenceClassifier(CellType cell, int inputSize, int hiddenSize, int layers, int outputs, long seed) {
        if (outputs < 1) {
            throw new IllegalArgumentException("SequenceClassifier: outputs must be >= 1, got " + outputs);
        }
        this.rnn = child("rnn", new Recurrent(new StackShape(cell, inputSize, hiddenSize, layers, false, 0), 0f,
                true, seed));
        this.head = child("head", new Linear(hiddenSize, outputs, seed + 7));
    }

    /**
     * Scores of each sequence.
     *
     * @param x inputs (T, B, I), padded after each sequence's end
     * @param lengths valid steps of each sequence, in [1, T]; null when every sequence has T steps
     * @return (B, outputs)
     */
    public Var forward(Tape tape, Var x, int[] lengths) {
        Var out = rnn.forward(tape, x, null, null).output();
        Var last;
        if (lengths == null) {
            lastShape[0] = out.dim(1);
            lastShape[1] = out.dim(2);
            last = Ops.reshape(tape, Ops.slice(tape, out, 0, out.dim(0) - 1, out.dim(0)), lastShape);
        } else {
            last = Ops.lastSteps(tape, out, lengths);
        }
        return head.forward(tape, last);
    }

    /** The recurrent stack. */
    public Recurrent rnn() {
        return rnn;
    }

    /** The head. */
    public Linear head() {
        return head;
    }
}
