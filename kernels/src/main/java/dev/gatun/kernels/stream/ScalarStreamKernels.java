package dev.gatun.kernels.stream;

import dev.gatun.kernels.CellType;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.gatun.kernels.activation.Activations;
import java.lang.foreign.MemorySegment;

/**
 * Scalar twin of {@link PanamaStreamKernels}: plain loops over the PyTorch equations, reading the same packed
 * weights one lane at a time. Per unit it performs the same float operations in the same order as the vector
 * kernels (fp32: the k terms in order; bf16: even and odd k in two partial sums, added at the end), so
 * pre-activations match bitwise. Used when the Vector API is off, and by the tests.
 */
final class ScalarStreamKernels implements StreamKernels {
    static final ScalarStreamKernels INSTANCE = new ScalarStreamKernels();

    private ScalarStreamKernels() {}

    @Override
    public StepStage[] cellStages(PackedLayout layout) {
        return new StepStage[] {ScalarStreamKernels::cells};
    }

    @Override
    public StepStage[] projectionStages(PackedLayout layout) {
        return layout.projSize > 0 ? new StepStage[] {ScalarStreamKernels::projection} : new StepStage[0];
    }

    @Override
    public int blocksPerPass(PackedLayout layout) {
        return 1;
    }

    private static void cells(StepBuffers s, int blockBegin, int blockEnd) {
        PackedLayout l = s.layout;
        for (int u = blockBegin * l.lanes; u < blockEnd * l.lanes; u++) {
            switch (l.kind) {
                case LSTM -> lstm(s, u);
                case GRU -> gru(s, u);
                case RNN_TANH, RNN_RELU -> rnn(s, u);
                case GRU_CLASSIC -> throw new IllegalStateException("no streaming kernel for the classic GRU");
            }
        }
    }

    // h = W_hr hFull, no bias
    private static void projection(StepBuffers s, int blockBegin, int blockEnd) {
        PackedLayout l = s.layout;
        for (int u = blockBegin * l.lanes; u < blockEnd * l.lanes; u++) {
            float even = 0f;
            float odd = 0f;
            for (int k = 0; k < l.projSpan; k++) {
                float t = projWeight(l, s.projWeights, u / l.lanes, k, u % l.lanes);
                if (l.bf16 && (k & 1) == 1) {
                    odd = Math.fma(t, s.hFull[k], odd);
                } else {
                    even = Math.fma(t, s.hFull[k], even);
                }
            }
            s.v[s.hOut() + u] = l.bf16 ? even + odd : even;
        }
    }

    // c' = f*c + i*g, h = o*tanh(c'); gates i, f, g, o
    private static void lstm(StepBuffers s, int u) {
        PackedLayout l = s.layout;
        float i = Activations.sigmoid(gate(s, 0, u, init(s, 0, u), true, true));
        float f = Activations.sigmoid(gate(s, 1, u, init(s, 1, u), true, true));
        float g = Activations.tanh(gate(s, 2, u, init(s, 2, u), true, true));
        float o = Activations.sigmoid(gate(s, 3, u, init(s, 3, u), true, true));
        float c = Math.fma(i, g, f * s.c[u]);
        s.c[u] = c;
        float h = o * Activations.tanh(c);
        if (l.projSize > 0) {
            s.hFull[u] = h;
        } else {
            s.v[s.hOut() + u] = h;
        }
    }

    // n = tanh(xn + r*hn) with xn = W_in x + b_in, hn = W_hn h + b_hn; h' = (1-z)*n + z*h, computed as n + z*(h - n)
    private static void gru(StepBuffers s, int u) {
        PackedLayout l = s.layout;
        float r = Activations.sigmoid(gate(s, 0, u, init(s, 0, u), true, true));
        float z = Activations.sigmoid(gate(s, 1, u, init(s, 1, u), true, true));
        float xn = gate(s, 2, u, s.initA()[2 * l.paddedHidden + u], true, false);
        float hn = gate(s, 2, u, s.biasHh[2 * l.paddedHidden + u], false, true);
        float n = Activations.tanh(Math.fma(r, hn, xn));
        float h = s.v[s.hIn() + u];
        s.v[s.hOut() + u] = Math.fma(z, h - n, n);
    }

    private static void rnn(StepBuffers s, int u) {
        float a = gate(s, 0, u, init(s, 0, u), true, true);
        s.v[s.hOut() + u] = s.layout.kind == CellType.RNN_TANH ? Activations.tanh(a) : Activations.relu(a);
    }

    private static float init(StepBuffers s, int gate, int u) {
        int i = gate * s.layout.paddedHidden + u;
        return s.initA()[i] + s.biasHh[i];
    }

    /** start + sum of w*v over the x range (when asked and not projected) then the h range. */
    private static float gate(StepBuffers s, int g, int u, float start, boolean xRange, boolean hRange) {
        PackedLayout l = s.layout;
        int b = u / l.lanes;
        int lane = u % l.lanes;
        float even = start;
        float odd = 0f;
        int first = xRange && !s.projected ? 0 : l.xSpan;
        int end = hRange ? l.xSpan + l.hSpan : l.xSpan;
        for (int k = first; k < end; k++) {
            float x = k < l.xSpan ? s.v[s.xIn() + k] : s.v[s.hIn() + k - l.xSpan];
            float t = weight(l, s.weights, b, k, g, lane);
            if (l.bf16 && (k & 1) == 1) {
                odd = Math.fma(t, x, odd);
            } else {
                even = Math.fma(t, x, even);
            }
        }
        return l.bf16 ? even + odd : even;
    }

    /**
     * Weight of gate {@code g}, unit {@code b*L+lane}, column {@code k} of {@code [W_ih | W_hh]} (k from xSpan on is
     * W_hh) in the main panel, bf16 widened.
     */
    static float weight(PackedLayout l, MemorySegment w, int b, int k, int g, int lane) {
        long base = k < l.xSpan ? l.xBlock(b) : l.hBlock(b);
        k = k < l.xSpan ? k : k - l.xSpan;
        if (!l.bf16) {
            return w.get(JAVA_FLOAT, base + k * l.bytesPerK + ((long) g * l.lanes + lane) * Float.BYTES);
        }
        int m = g + l.gates * (k & 1);
        int word = w.get(JAVA_INT, base + (k >> 1) * l.bytesPerK + ((long) (m >> 1) * l.lanes + lane) * 4);
        return widen(word, m & 1);
    }

    /** Weight of output unit {@code b*L+lane}, column {@code k} in the projection panel. */
    static float projWeight(PackedLayout l, MemorySegment w, int b, int k, int lane) {
        long base = b * l.projBlockBytes;
        long perK = (long) l.lanes * Float.BYTES;
        if (!l.bf16) {
            return w.get(JAVA_FLOAT, base + k * perK + (long) lane * Float.BYTES);
        }
        return widen(w.get(JAVA_INT, base + (k >> 1) * perK + (long) lane * 4), k & 1);
    }

    private static float widen(int word, int high) {
        return Float.intBitsToFloat(high == 0 ? word << 16 : word & 0xFFFF0000);
    }
}
