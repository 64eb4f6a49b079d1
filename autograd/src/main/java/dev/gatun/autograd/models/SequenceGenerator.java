package dev.gatun.autograd.models;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.nn.Linear;
import dev.gatun.autograd.nn.Module;
import dev.gatun.autograd.nn.Recurrent;
import dev.gatun.autograd.nn.RecurrentOutput;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;

/**
 * One-to-many: a condition vector z sets the initial state of every layer ({@code h0_l = tanh(W_l z + b_l)}), and
 * the stack then runs one step at a time, each step's input being the previous step's output (zeros at the first
 * step): {@code y_t = head(h_t)}, {@code x_{t+1} = y_t}. Gradients flow through the fed-back outputs (BPTT through
 * the whole generation); with teacher forcing the true previous values are fed instead. Train with
 * {@link Ops#mse} against the target sequence.
 *
 * <p>Parameters: {@code init{l}.weight/bias} per layer, {@code rnn.*}, {@code head.weight}, {@code head.bias}.
 */
public final class SequenceGenerator extends Module {
    private final Recurrent rnn;
    private final Linear[] init;
    private final Linear head;
    private final int outputs;
    private final int layers;
    private final boolean lstm;
    private final int[] stateShape = new int[3];
    private Var[] parts = new Var[0];
    private Tensor start;

    /**
     * A generator.
     *
     * @param cell the recurrent cell
     * @param conditionSize size of z
     * @param hiddenSize state size of every layer
     * @param layers stacked layers
     * @param outputs values per generated step (also the input size of the stack)
     * @param seed initialization seed
     */
    public SequenceGenerator(CellType cell, int conditionSize, int hiddenSize, int layers, int outputs, long seed) {
        if (conditionSize < 1 || outputs < 1) {
            throw new IllegalArgumentException("SequenceGenerator: conditionSize and outputs must be >= 1, got "
                    + conditionSize + ", " + outputs);
        }
        StackShape shape = new StackShape(cell, outputs, hiddenSize, layers, false, 0);
        this.init = new Linear[layers];
        for (int l = 0; l < layers; l++) {
            init[l] = child("init" + l, new Linear(conditionSize, hiddenSize, seed + 11 + l));
        }
        this.rnn = child("rnn", new Recurrent(shape, 0f, true, seed));
        this.head = child("head", new Linear(hiddenSize, outputs, seed + 7));
        this.outputs = outputs;
        this.layers = layers;
        this.lstm = cell.hasCellState();
    }

    /**
     * Generates {@code steps} outputs from each condition, feeding back its own outputs.
     *
     * @param z conditions (B, conditionSize)
     * @param steps how many steps to generate, {@code >= 1}
     * @return (steps, B, outputs)
     */
    public Var forward(Tape tape, Var z, int steps) {
        return run(tape, z, steps, null);
    }

    /**
     * Teacher forcing: step t is fed the target's step t-1 (zeros at the first step) instead of its own output.
     *
     * @param z conditions (B, conditionSize)
     * @param targets the true sequence (T, B, outputs); its steps 0..T-2 are fed
     * @return (T, B, outputs)
     */
    public Var forwardTeacherForced(Tape tape, Var z, Var targets) {
        if (targets == null || targets.rank() != 3 || targets.dim(2) != outputs) {
            throw new IllegalArgumentException("SequenceGenerator: targets must be (T, B, " + outputs + "), got "
                    + (targets == null ? "null" : targets.shapeString()));
        }
        return run(tape, z, targets.dim(0), targets);
    }

    private Var run(Tape tape, Var z, int steps, Var teacher) {
        if (z == null || z.rank() != 2) {
            throw new IllegalArgumentException("SequenceGenerator: z must be (B, conditionSize), got "
                    + (z == null ? "null" : z.shapeString()));
        }
        if (steps < 1) {
            throw new IllegalArgumentException("SequenceGenerator: steps must be >= 1, got " + steps);
        }
        int batch = z.dim(0);
        if (teacher != null && teacher.dim(1) != batch) {
            throw new IllegalArgumentException("SequenceGenerator: targets " + teacher.shapeString() + " and z "
                    + z.shapeString() + " differ in batch");
        }
        int hidden = rnn.shape().hiddenSize();
        stateShape[0] = 1;
        stateShape[1] = batch;
        stateShape[2] = hidden;
        if (parts.length < Math.max(steps, layers)) {
            parts = new Var[Math.max(steps, layers)];
        }
        for (int l = 0; l < layers; l++) {
            parts[l] = Ops.reshape(tape, Ops.tanh(tape, init[l].forward(tape, z)), stateShape);
        }
        Var h = layers == 1 ? parts[0] : Ops.concat(tape, 0, parts, layers);
        Var c = null;
        Var in = tape.input(zeros(batch));
        for (int t = 0; t < steps; t++) {
            RecurrentOutput o = rnn.forward(tape, in, h, c);
            h = o.hidden();
            c = lstm ? o.cell() : null;
            Var y = head.forward(tape, o.output());   // (1, B, outputs)
            parts[t] = y;
            in = teacher == null ? y : Ops.slice(tape, teacher, 0, t, t + 1);
        }
        return steps == 1 ? parts[0] : Ops.concat(tape, 0, parts, steps);
    }

    /** The first step's input (1, B, outputs) of zeros, kept for the batch size last seen. */
    private Tensor zeros(int batch) {
        if (start == null || start.dim(1) != batch) {
            start = Tensor.allocate(arena, 1, batch, outputs);   // zero-filled
        }
        return start;
    }
}
