package dev.gatun.model;

import java.util.Arrays;

/**
 * Streams a unidirectional stack of the seed notes' classic GRU ({@code CellType.GRU_CLASSIC}), which the fused
 * streaming kernels do not have, as plain loops over the heap weights: per layer
 * {@code r = σ(W_ir x + b_ir + W_hr h + b_hr)}, {@code z = σ(W_iz x + b_iz + W_hz h + b_hz)},
 * {@code n = tanh(W_in x + b_in + W_hn (r*h) + b_hn)}, {@code h' = (1-z) n + z h}. Nothing is allocated per step.
 * (The sequence kernels at T = B = 1 would do, but allocate per call; see the report of this package's tests.)
 */
final class ClassicGruStepEngine implements StepEngine {
    private final ModelWeights w;
    private final int layers;
    private final int hidden;
    private final float[][] h;        // [l] (H) current state
    private final float[] gates;      // (3H) pre-activations of the input side
    private final float[] rh;         // (H) r * h

    ClassicGruStepEngine(ModelWeights w) {
        this.w = w;
        this.layers = w.arch.stack().layers();
        this.hidden = w.arch.stack().hiddenSize();
        this.h = new float[layers][hidden];
        this.gates = new float[3 * hidden];
        this.rh = new float[hidden];
    }

    @Override
    public void step(float[] x, int xOffset, float[] out) {
        int hh = hidden;
        for (int l = 0; l < layers; l++) {
            float[] in = l == 0 ? x : h[l - 1];
            int inOff = l == 0 ? xOffset : 0;
            int inSize = l == 0 ? w.arch.stack().inputSize() : hh;
            float[] wIh = w.wIh[l];
            float[] wHh = w.wHh[l];
            float[] bIh = w.bIh == null ? null : w.bIh[l];
            float[] bHh = w.bHh == null ? null : w.bHh[l];
            float[] hl = h[l];
            for (int g = 0; g < 3 * hh; g++) {
                gates[g] = dot(wIh, g * inSize, in, inOff, inSize) + (bIh == null ? 0f : bIh[g]);
            }
            for (int j = 0; j < hh; j++) {          // r, then r * h
                float pre = gates[j] + dot(wHh, j * hh, hl, 0, hh) + (bHh == null ? 0f : bHh[j]);
                rh[j] = sigmoid(pre) * hl[j];
            }
            for (int j = 0; j < hh; j++) {          // z (kept in the r slot, no longer needed)
                int row = hh + j;
                gates[j] = sigmoid(gates[row] + dot(wHh, row * hh, hl, 0, hh) + (bHh == null ? 0f : bHh[row]));
            }
            for (int j = 0; j < hh; j++) {          // n and the new h, written in place (rh holds what n needs)
                int row = 2 * hh + j;
                float n = (float) Math.tanh(gates[row] + dot(wHh, row * hh, rh, 0, hh)
                        + (bHh == null ? 0f : bHh[row]));
                gates[hh + j] = n;
            }
            for (int j = 0; j < hh; j++) {
                float z = gates[j];
                float n = gates[hh + j];
                hl[j] = Math.fma(z, hl[j] - n, n);   // (1-z) n + z h
            }
        }
        System.arraycopy(h[layers - 1], 0, out, 0, hh);
    }

    private static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float acc = 0f;
        for (int i = 0; i < n; i++) {
            acc = Math.fma(a[aOff + i], b[bOff + i], acc);
        }
        return acc;
    }

    private static float sigmoid(float v) {
        return (float) (1.0 / (1.0 + Math.exp(-v)));
    }

    @Override
    public void reset() {
        for (float[] hl : h) {
            Arrays.fill(hl, 0f);
        }
    }

    @Override
    public void setState(float[] hIn, float[] cIn) {
        for (int l = 0; l < layers; l++) {
            System.arraycopy(hIn, l * hidden, h[l], 0, hidden);
        }
    }

    @Override
    public void state(float[] hOut, float[] cOut) {
        for (int l = 0; l < layers; l++) {
            System.arraycopy(h[l], 0, hOut, l * hidden, hidden);
        }
    }

    @Override
    public void close() {
        // heap only
    }
}
