package dev.gatun.fuzz;

import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.LayerShape;
import dev.gatun.kernels.sequence.LayerWeights;
import dev.gatun.kernels.sequence.RecurrentPass;
import dev.gatun.kernels.sequence.RecurrentStack;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Fuzzes {@link RecurrentPass} and {@link RecurrentStack}: random cell, sizes, projection, direction, strides and
 * offsets. Valid forwards are compared with {@link RefRnn}; valid backwards must run (and give finite gradients for
 * finite inputs); spoiled calls (bad sizes, null/closed/small buffers, wrong weight shapes, backward without a
 * matching forward, use after close) must throw a documented exception.
 */
final class SequenceFuzz {
    private SequenceFuzz() {}

    private static final CellType[] CELLS = CellType.values();

    static LayerShape randomLayer(Fuzzer f) {
        CellType cell = CELLS[f.random().nextInt(CELLS.length)];
        int in = f.between(1, 9);
        int hidden = f.between(1, 12);
        int proj = cell == CellType.LSTM && hidden > 1 && f.chance(3) ? f.between(1, hidden - 1) : 0;
        return new LayerShape(cell, in, hidden, proj);
    }

    static LayerWeights weights(Fuzzer f, LayerShape s) {
        LayerWeights w = LayerWeights.allocate(f.arena(), s);
        fill(f, w.wIh());
        fill(f, w.wHh());
        fill(f, w.bIh());
        fill(f, w.bHh());
        if (w.wHr() != null) {
            fill(f, w.wHr());
        }
        return w;
    }

    private static void fill(Fuzzer f, Tensor t) {
        float[] v = f.values((int) t.size(), false);
        for (int i = 0; i < v.length; i++) {
            v[i] *= 0.5f;
        }
        t.copyFrom(v);
    }

    static RefRnn reference(LayerShape s, LayerWeights w) {
        return new RefRnn(s.cell(), s.inputSize(), s.hiddenSize(), s.projSize(), w.wIh().toArray(),
                w.wHh().toArray(), w.bIh().toArray(), w.bHh().toArray(), w.wHr() == null ? null : w.wHr().toArray());
    }

    static double[] doubles(MemorySegment s, long off, long n) {
        double[] d = new double[(int) n];
        for (int i = 0; i < n; i++) {
            d[i] = s.getAtIndex(ValueLayout.JAVA_FLOAT, off + i);
        }
        return d;
    }

    static void fuzzPass(Fuzzer f) {
        LayerShape s = randomLayer(f);
        boolean reverse = f.random().nextBoolean();
        int steps = f.between(1, 6);
        int batch = f.between(1, 4);
        int hr = s.stateSize();
        int ldx = s.inputSize() + f.between(0, 2);
        int ldy = hr + f.between(0, 2);
        long xo = f.between(0, 3);
        long yo = f.between(0, 3);
        LayerWeights w = weights(f, s);
        int rows = steps * batch;
        MemorySegment x = f.buffer(xo + (long) (rows - 1) * ldx + s.inputSize(), false);
        MemorySegment y = f.buffer(yo + (long) (rows - 1) * ldy + hr, false);
        MemorySegment h0 = f.chance(2) ? null : f.buffer((long) batch * hr, false);
        MemorySegment c0 = s.cell().hasCellState() && f.chance(2) ? f.buffer((long) batch * s.hiddenSize(), false)
                : null;
        MemorySegment hN = f.buffer((long) batch * hr, false);
        MemorySegment cN = f.buffer((long) batch * s.hiddenSize(), false);
        String what = "RecurrentPass(" + s + ", reverse=" + reverse + ").forward(T=" + steps + ", B=" + batch + ")";
        try (RecurrentPass pass = new RecurrentPass(s, reverse)) {
            if (f.chance(3)) {
                MemorySegment[] b = {x, y, h0, c0, hN};
                long[] o = {xo, yo, 0};
                int[] d = {steps, batch, ldx, ldy};
                LayerWeights[] ww = {w};
                switch (f.random().nextInt(6)) {
                    case 0 -> {
                        int i = f.random().nextInt(b.length);
                        b[i] = b[i] == null ? f.buffer(1, false) : f.spoil(b[i], false);
                    }
                    case 1 -> o[f.random().nextInt(3)] = f.badOffset();
                    case 2 -> d[f.random().nextInt(4)] = f.badInt();
                    case 3 -> ww[0] = weights(f, randomLayer(f));
                    case 4 -> ww[0] = null;
                    default -> pass.close();
                }
                f.invalid(what + " spoiled", () -> pass.forward(d[0], d[1], b[0], o[0], d[2], ww[0], b[2], o[2],
                        b[3], 0, b[1], o[1], d[3], b[4], 0, null, 0));
                f.invalid("RecurrentPass.backward without a matching forward", () -> pass.backward(d[0] + 1, d[1],
                        x, xo, ldx, w, h0, 0, c0, 0, y, yo, ldy, null, 0, hr, null, 0, null, 0,
                        LayerWeights.allocate(f.arena(), s), null, 0, s.inputSize(), 0f, null, 0, null, 0));
                return;
            }
            double[] hState = h0 == null ? new double[batch * hr] : doubles(h0, 0, (long) batch * hr);
            double[] cState = c0 == null ? new double[batch * s.hiddenSize()]
                    : doubles(c0, 0, (long) batch * s.hiddenSize());
            double[] xd = doubles(x, xo, (long) (rows - 1) * ldx + s.inputSize());
            f.valid(what, () -> pass.forward(steps, batch, x, xo, ldx, w, h0, 0, c0, 0, y, yo, ldy, hN, 0, cN, 0),
                    () -> {
                        double[] ref = reference(s, w).forward(steps, batch, xd, ldx, reverse, hState, cState);
                        float[] got = new float[ref.length];
                        for (int r = 0; r < rows; r++) {
                            for (int j = 0; j < hr; j++) {
                                got[r * hr + j] = y.getAtIndex(ValueLayout.JAVA_FLOAT, yo + (long) r * ldy + j);
                            }
                        }
                        Fuzzer.close("y", ref, null, got, 2e-5);
                        Fuzzer.close("hN", hState, null, Fuzzer.floats(hN), 2e-5);
                    });
            LayerWeights g = LayerWeights.allocate(f.arena(), s);
            MemorySegment dy = f.buffer((long) rows * hr, false);
            MemorySegment dx = f.buffer((long) rows * s.inputSize(), false);
            MemorySegment dh0 = f.buffer((long) batch * hr, false);
            f.valid(what + ".backward", () -> pass.backward(steps, batch, x, xo, ldx, w, h0, 0, c0, 0, y, yo, ldy,
                    dy, 0, hr, null, 0, null, 0, g, dx, 0, s.inputSize(), 0f, dh0, 0, null, 0), () -> {
                        for (float v : Fuzzer.floats(dx)) {
                            if (!Float.isFinite(v)) {
                                throw new AssertionError("dx has " + v + " for finite inputs");
                            }
                        }
                        for (float v : g.wHh().toArray()) {
                            if (!Float.isFinite(v)) {
                                throw new AssertionError("dW_hh has " + v + " for finite inputs");
                            }
                        }
                    });
        }
        RecurrentPass closed = new RecurrentPass(s, reverse);
        closed.close();
        closed.close();
        f.invalid("RecurrentPass.forward after close", () -> closed.forward(steps, batch, x, xo, ldx, w, null, 0,
                null, 0, y, yo, ldy, null, 0, null, 0));
    }

    static void fuzzStack(Fuzzer f) {
        LayerShape l = randomLayer(f);
        int layers = f.between(1, 3);
        boolean bi = f.random().nextBoolean();
        StackShape s = new StackShape(l.cell(), l.inputSize(), l.hiddenSize(), layers, bi, l.projSize());
        int d = s.directions();
        int steps = f.between(1, 5);
        int batch = f.between(1, 3);
        int rows = steps * batch;
        LayerWeights[] w = new LayerWeights[layers * d];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights(f, s.layer(i / d));
        }
        MemorySegment x = f.buffer((long) rows * s.inputSize(), false);
        MemorySegment y = f.buffer((long) rows * s.outputSize(), false);
        MemorySegment hN = f.buffer((long) w.length * batch * s.stateSize(), false);
        String what = "RecurrentStack(" + s + ").forward(T=" + steps + ", B=" + batch + ")";
        try (RecurrentStack stack = new RecurrentStack(s)) {
            if (f.chance(3)) {
                MemorySegment[] b = {x, y, hN};
                int[] dims = {steps, batch};
                LayerWeights[][] ww = {w};
                switch (f.random().nextInt(4)) {
                    case 0 -> {
                        int i = f.random().nextInt(3);
                        b[i] = f.spoil(b[i], false);
                    }
                    case 1 -> dims[f.random().nextInt(2)] = f.chance(2) ? f.badInt() : 1 << 24;
                    case 2 -> ww[0] = new LayerWeights[w.length + 1];
                    default -> {
                        LayerWeights[] copy = w.clone();
                        copy[f.random().nextInt(copy.length)] = f.chance(2) ? null : weights(f, randomLayer(f));
                        ww[0] = copy;
                    }
                }
                f.invalid(what + " spoiled", () -> stack.forward(dims[0], dims[1], b[0], 0, ww[0], null, 0, null, 0,
                        b[1], 0, b[2], 0, null, 0));
                return;
            }
            f.valid(what, () -> stack.forward(steps, batch, x, 0, w, null, 0, null, 0, y, 0, hN, 0, null, 0), () -> {
                double[] in = doubles(x, 0, (long) rows * s.inputSize());
                int width = s.inputSize();
                for (int layer = 0; layer < layers; layer++) {
                    double[] out = new double[rows * s.outputSize()];
                    for (int k = 0; k < d; k++) {
                        LayerShape ls = s.layer(layer);
                        double[] hs = new double[batch * s.stateSize()];
                        double[] cs = new double[batch * s.hiddenSize()];
                        double[] yk = reference(ls, w[layer * d + k]).forward(steps, batch, in, width, k == 1, hs,
                                cs);
                        for (int r = 0; r < rows; r++) {
                            System.arraycopy(yk, r * s.stateSize(), out, r * s.outputSize() + k * s.stateSize(),
                                    s.stateSize());
                        }
                    }
                    in = out;
                    width = s.outputSize();
                }
                Fuzzer.close("y", in, null, Fuzzer.floats(y), 5e-5);
            });
            LayerWeights[] g = new LayerWeights[w.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = LayerWeights.allocate(f.arena(), s.layer(i / d));
            }
            MemorySegment dy = f.buffer((long) rows * s.outputSize(), false);
            MemorySegment dx = f.buffer((long) rows * s.inputSize(), false);
            f.valid(what + ".backward", () -> stack.backward(steps, batch, x, 0, w, null, 0, null, 0, y, 0, dy, 0,
                    null, 0, null, 0, g, dx, 0, null, 0, null, 0), null);
        }
        RecurrentStack closed = new RecurrentStack(s);
        closed.close();
        f.valid("RecurrentStack.close twice", closed::close, null);
        f.invalid("RecurrentStack.forward after close", () -> closed.forward(steps, batch, x, 0, w, null, 0, null, 0,
                y, 0, null, 0, null, 0));
    }

    static void fuzzShapes(Fuzzer f) {
        CellType cell = f.chance(8) ? null : CELLS[f.random().nextInt(CELLS.length)];
        int in = f.chance(3) ? f.badInt() : f.between(1, 5);
        int hidden = f.chance(3) ? f.badInt() : f.between(1, 5);
        int proj = f.chance(3) ? f.badInt() : f.between(0, 5);
        int layers = f.chance(3) ? f.badInt() : f.between(1, 3);
        f.invalid("LayerShape(" + cell + ", " + in + ", " + hidden + ", " + proj + ")",
                () -> new LayerShape(cell, in, hidden, proj));
        f.invalid("StackShape(" + cell + ", " + in + ", " + hidden + ", " + layers + ", " + proj + ")",
                () -> new StackShape(cell, in, hidden, layers, f.random().nextBoolean(), proj));
        f.invalid("RecurrentPass(null)", () -> new RecurrentPass(null, false).close());
        f.invalid("RecurrentStack(null)", () -> new RecurrentStack(null).close());
    }
}
