package dev.gatun.autograd.nn;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Map;

/**
 * The PyTorch recurrences written step by step with generic operations (each checked by finite differences), over
 * a {@link Recurrent}'s own parameters: the specification the fused layer is compared with, and an example of a
 * custom cell built on the tape.
 */
final class ComposedRecurrent {
    private ComposedRecurrent() {}

    /** Returns {output, hidden, cell (or null)}. */
    static Var[] forward(Tape t, Recurrent module, Var x, Var h0, Var c0, float dropout, Rng dropoutRng) {
        StackShape s = module.shape();
        Map<String, Parameter> p = module.namedParameters();
        int steps = x.dim(0);
        int batch = x.dim(1);
        int d = s.directions();
        int hr = s.stateSize();
        int h = s.hiddenSize();
        int n = s.layers() * d;
        Var[] hN = new Var[n];
        Var[] cN = new Var[n];
        Var in = x;
        for (int l = 0; l < s.layers(); l++) {
            Var[][] outs = new Var[d][steps];
            for (int k = 0; k < d; k++) {
                String suffix = "_l" + l + (k == 1 ? "_reverse" : "");
                Parameter wIh = p.get("weight_ih" + suffix);
                Parameter wHh = p.get("weight_hh" + suffix);
                Parameter bIh = p.get("bias_ih" + suffix);
                Parameter bHh = p.get("bias_hh" + suffix);
                Parameter wHr = p.get("weight_hr" + suffix);
                int idx = l * d + k;
                Var hPrev = h0 == null ? zeros(t, batch, hr)
                        : Ops.reshape(t, Ops.slice(t, h0, 0, idx, idx + 1), batch, hr);
                Var cPrev = s.cell() != CellType.LSTM ? null : c0 == null ? zeros(t, batch, h)
                        : Ops.reshape(t, Ops.slice(t, c0, 0, idx, idx + 1), batch, h);
                for (int step = 0; step < steps; step++) {
                    int time = k == 1 ? steps - 1 - step : step;
                    Var xt = Ops.reshape(t, Ops.slice(t, in, 0, time, time + 1), batch, in.dim(2));
                    Var gi = Ops.linear(t, xt, wIh, bIh);     // (B, G*H)
                    Var[] next = switch (s.cell()) {
                        case RNN_TANH, RNN_RELU -> {
                            Var pre = Ops.add(t, gi, Ops.linear(t, hPrev, wHh, bHh));
                            yield new Var[] {s.cell() == CellType.RNN_TANH ? Ops.tanh(t, pre) : Ops.relu(t, pre)};
                        }
                        case LSTM -> {
                            Var g = Ops.add(t, gi, Ops.linear(t, hPrev, wHh, bHh));
                            Var i = Ops.sigmoid(t, Ops.slice(t, g, 1, 0, h));
                            Var f = Ops.sigmoid(t, Ops.slice(t, g, 1, h, 2 * h));
                            Var cand = Ops.tanh(t, Ops.slice(t, g, 1, 2 * h, 3 * h));
                            Var o = Ops.sigmoid(t, Ops.slice(t, g, 1, 3 * h, 4 * h));
                            Var c = Ops.add(t, Ops.mul(t, f, cPrev), Ops.mul(t, i, cand));
                            Var hh = Ops.mul(t, o, Ops.tanh(t, c));
                            yield new Var[] {wHr == null ? hh : Ops.linear(t, hh, wHr, null), c};
                        }
                        case GRU -> {
                            Var gh = Ops.linear(t, hPrev, wHh, bHh);
                            Var r = Ops.sigmoid(t, Ops.add(t, Ops.slice(t, gi, 1, 0, h), Ops.slice(t, gh, 1, 0, h)));
                            Var z = Ops.sigmoid(t, Ops.add(t, Ops.slice(t, gi, 1, h, 2 * h),
                                    Ops.slice(t, gh, 1, h, 2 * h)));
                            Var nn = Ops.tanh(t, Ops.add(t, Ops.slice(t, gi, 1, 2 * h, 3 * h),
                                    Ops.mul(t, r, Ops.slice(t, gh, 1, 2 * h, 3 * h))));
                            yield new Var[] {Ops.add(t, nn, Ops.mul(t, z, Ops.sub(t, hPrev, nn)))};
                        }
                        case GRU_CLASSIC -> {
                            Var whRz = Ops.slice(t, wHh, 0, 0, 2 * h);
                            Var whN = Ops.slice(t, wHh, 0, 2 * h, 3 * h);
                            Var ghRz = Ops.linear(t, hPrev, whRz, Ops.slice(t, bHh, 0, 0, 2 * h));
                            Var r = Ops.sigmoid(t, Ops.add(t, Ops.slice(t, gi, 1, 0, h), Ops.slice(t, ghRz, 1, 0, h)));
                            Var z = Ops.sigmoid(t, Ops.add(t, Ops.slice(t, gi, 1, h, 2 * h),
                                    Ops.slice(t, ghRz, 1, h, 2 * h)));
                            Var nn = Ops.tanh(t, Ops.add(t, Ops.slice(t, gi, 1, 2 * h, 3 * h),
                                    Ops.linear(t, Ops.mul(t, r, hPrev), whN, Ops.slice(t, bHh, 0, 2 * h, 3 * h))));
                            yield new Var[] {Ops.add(t, nn, Ops.mul(t, z, Ops.sub(t, hPrev, nn)))};
                        }
                    };
                    hPrev = next[0];
                    if (next.length > 1) {
                        cPrev = next[1];
                    }
                    outs[k][time] = Ops.reshape(t, hPrev, 1, batch, hr);
                }
                hN[idx] = Ops.reshape(t, hPrev, 1, batch, hr);
                cN[idx] = cPrev == null ? null : Ops.reshape(t, cPrev, 1, batch, h);
            }
            Var[] rows = new Var[steps];
            for (int time = 0; time < steps; time++) {
                rows[time] = d == 1 ? outs[0][time] : Ops.concat(t, 2, outs[0][time], outs[1][time]);
            }
            in = Ops.concat(t, 0, rows, steps);
            if (dropout > 0 && l < s.layers() - 1) {
                in = Ops.dropout(t, in, dropout, dropoutRng);
            }
        }
        Var hidden = Ops.concat(t, 0, hN, n);
        Var cell = s.cell() == CellType.LSTM ? Ops.concat(t, 0, cN, n) : null;
        return new Var[] {in, hidden, cell};
    }

    private static Var zeros(Tape t, int rows, int cols) {
        return t.input(Tensor.allocate(Arena.ofAuto(), rows, cols));
    }
}
