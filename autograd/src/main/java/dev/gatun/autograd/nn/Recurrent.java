package dev.gatun.autograd.nn;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.RecurrentOp;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.init.Init;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.LayerShape;
import dev.gatun.kernels.sequence.LayerWeights;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PyTorch's {@code nn.RNN} (tanh or relu), {@code nn.LSTM} (with {@code proj_size}) and {@code nn.GRU}, plus the
 * seed notes' GRU ({@link CellType#GRU_CLASSIC}): multi-layer, optionally bidirectional, time-major
 * ({@code batch_first=False}).
 *
 * <p>The whole stack is one fused tape operation ({@link RecurrentOp}). With inter-layer dropout in training mode,
 * each layer is one fused operation and the dropout sits between them, on the layer outputs as in PyTorch.
 *
 * <p>Parameters carry PyTorch's names and order, per layer l and direction ({@code _reverse} for the second):
 * {@code weight_ih_l{l}} (G*H, I_l), {@code weight_hh_l{l}} (G*H, Hr), {@code bias_ih_l{l}}, {@code bias_hh_l{l}}
 * (G*H), and {@code weight_hr_l{l}} (P, H) with projection; gate order i, f, g, o (LSTM) and r, z, n (GRU). All are
 * initialized uniform in {@code ±1/sqrt(H)} as in PyTorch, drawn from {@code Rng(seed)} in that order; dropout
 * masks come from {@code Rng(seed + 1)}, layer by layer.
 */
public final class Recurrent extends Module {
    private final StackShape shape;
    private final float dropout;
    private final Rng rng;
    private final LayerWeights[] weights;
    private final LayerWeights[] grads;
    private final Parameter[][] perLayerParams;   // [l] the parameters of layer l
    private final Parameter[] params;
    private final List<MemorySegment> unusedGrads = new ArrayList<>();   // bias=false: cleared
    private final List<RecurrentOutput> calls = new ArrayList<>();
    private Tape lastTape;
    private int lastGeneration;
    private int used;

    /** A layer stack with biases and no dropout, initialized from seed 0. */
    public Recurrent(StackShape shape) {
        this(shape, 0f, true, 0L);
    }

    /**
     * A layer stack.
     *
     * @param dropout probability of dropping each output of every layer but the last, in training mode
     * @param bias whether the four bias vectors exist (without, they are zero and not parameters)
     * @param seed initialization and dropout seed
     */
    public Recurrent(StackShape shape, float dropout, boolean bias, long seed) {
        if (shape == null) {
            throw new IllegalArgumentException("Recurrent: shape is null");
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("Recurrent: dropout must be in [0, 1), got " + dropout);
        }
        this.shape = shape;
        this.dropout = dropout;
        int d = shape.directions();
        int n = shape.layers() * d;
        this.weights = new LayerWeights[n];
        this.grads = new LayerWeights[n];
        this.perLayerParams = new Parameter[shape.layers()][];
        List<Parameter> all = new ArrayList<>();
        Rng init = new Rng(seed);
        double bound = 1.0 / Math.sqrt(shape.hiddenSize());
        for (int l = 0; l < shape.layers(); l++) {
            LayerShape ls = shape.layer(l);
            List<Parameter> layer = new ArrayList<>();
            for (int k = 0; k < d; k++) {
                String suffix = "_l" + l + (k == 1 ? "_reverse" : "");
                int gh = ls.gateRows();
                Parameter wIh = parameter("weight_ih" + suffix, gh, ls.inputSize());
                Parameter wHh = parameter("weight_hh" + suffix, gh, ls.stateSize());
                Tensor bIh;
                Tensor bHh;
                Tensor gbIh;
                Tensor gbHh;
                List<Parameter> mine = new ArrayList<>(List.of(wIh, wHh));
                if (bias) {
                    Parameter pIh = parameter("bias_ih" + suffix, gh);
                    Parameter pHh = parameter("bias_hh" + suffix, gh);
                    mine.add(pIh);
                    mine.add(pHh);
                    bIh = pIh.value();
                    bHh = pHh.value();
                    gbIh = pIh.grad();
                    gbHh = pHh.grad();
                } else {
                    bIh = Tensor.allocate(arena, gh);
                    bHh = Tensor.allocate(arena, gh);
                    gbIh = Tensor.allocate(arena, gh);
                    gbHh = Tensor.allocate(arena, gh);
                    unusedGrads.add(gbIh.segment());
                    unusedGrads.add(gbHh.segment());
                }
                Parameter wHr = null;
                if (ls.projSize() > 0) {
                    wHr = parameter("weight_hr" + suffix, ls.projSize(), ls.hiddenSize());
                    mine.add(wHr);
                }
                for (Parameter p : mine) {
                    Init.uniform(p.value(), -bound, bound, init);
                }
                weights[l * d + k] = new LayerWeights(wIh.value(), wHh.value(), bIh, bHh,
                        wHr == null ? null : wHr.value());
                grads[l * d + k] = new LayerWeights(wIh.grad(), wHh.grad(), gbIh, gbHh,
                        wHr == null ? null : wHr.grad());
                layer.addAll(mine);
            }
            perLayerParams[l] = layer.toArray(new Parameter[0]);
            all.addAll(layer);
        }
        this.params = all.toArray(new Parameter[0]);
        this.rng = new Rng(seed + 1);
    }

    /** The sizes. */
    public StackShape shape() {
        return shape;
    }

    /**
     * Runs the stack over a sequence.
     *
     * @param x input (T, B, I)
     * @param h0 initial states (L*D, B, Hr), or null for zeros
     * @param c0 initial cells (L*D, B, H) for the LSTM, or null for zeros
     * @return the outputs and final states, valid until the tape resets
     */
    public RecurrentOutput forward(Tape tape, Var x, Var h0, Var c0) {
        if (tape == null) {
            throw new IllegalArgumentException("Recurrent: tape is null");
        }
        if (tape != lastTape || tape.generation() != lastGeneration) {
            lastTape = tape;
            lastGeneration = tape.generation();
            used = 0;
        }
        if (used == calls.size()) {
            calls.add(new RecurrentOutput());
        }
        RecurrentOutput out = calls.get(used++);
        for (int i = 0; i < unusedGrads.size(); i++) {
            unusedGrads.get(i).fill((byte) 0);   // the kernels accumulate bias gradients; without biases, drop them
        }
        if (dropout > 0f && training() && shape.layers() > 1) {
            forwardPerLayer(tape, out, x, h0, c0);
        } else {
            if (out.fused == null) {
                out.fused = new RecurrentOp(shape, weights, grads, params);
            }
            out.output = out.fused.forward(tape, x, h0, c0);
            out.hidden = out.fused.hidden();
            out.cell = out.fused.cell();
        }
        return out;
    }

    private void forwardPerLayer(Tape tape, RecurrentOutput out, Var x, Var h0, Var c0) {
        int layers = shape.layers();
        int d = shape.directions();
        if (out.perLayer == null) {
            out.perLayer = new RecurrentOp[layers];
            out.hiddens = new Var[layers];
            out.cells = new Var[layers];
            for (int l = 0; l < layers; l++) {
                StackShape one = new StackShape(shape.cell(), shape.layer(l).inputSize(), shape.hiddenSize(), 1,
                        shape.bidirectional(), shape.projSize());
                out.perLayer[l] = new RecurrentOp(one, Arrays.copyOfRange(weights, l * d, l * d + d),
                        Arrays.copyOfRange(grads, l * d, l * d + d), perLayerParams[l]);
            }
        }
        Var in = x;
        for (int l = 0; l < layers; l++) {
            Var h = h0 == null ? null : Ops.slice(tape, h0, 0, l * d, l * d + d);
            Var c = c0 == null ? null : Ops.slice(tape, c0, 0, l * d, l * d + d);
            RecurrentOp op = out.perLayer[l];
            in = op.forward(tape, in, h, c);
            out.hiddens[l] = op.hidden();
            out.cells[l] = op.cell();
            if (l < layers - 1) {
                in = Ops.dropout(tape, in, dropout, rng);
            }
        }
        out.output = in;
        out.hidden = Ops.concat(tape, 0, out.hiddens, layers);
        out.cell = shape.cell().hasCellState() ? Ops.concat(tape, 0, out.cells, layers) : null;
    }

    /**
     * The seed notes' initialization of the recurrent weights: each gate block of every {@code weight_hh} is
     * scaled to spectral radius {@code c / gamma} ({@link Init#scaleSpectralRadius}). Needs a square block (no
     * projection).
     *
     * @param c the target radius times gamma, about 1.1 in the notes
     * @param gamma bound of the activation's derivative: 1 for tanh and relu
     */
    public void scaleRecurrentWeights(double c, double gamma, long seed) {
        if (shape.projSize() > 0) {
            throw new IllegalStateException("scaleRecurrentWeights: the gate blocks of weight_hh are not square with "
                    + "proj_size=" + shape.projSize());
        }
        Rng r = new Rng(seed);
        int h = shape.hiddenSize();
        for (LayerWeights w : weights) {
            for (int g = 0; g < shape.cell().gates(); g++) {
                Init.scaleSpectralRadius(w.wHh(), g * h, h, c, gamma, r);
            }
        }
    }

    @Override
    public void close() {
        for (RecurrentOutput o : calls) {
            o.close();
        }
        super.close();
    }
}
