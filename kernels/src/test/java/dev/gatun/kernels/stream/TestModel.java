package dev.gatun.kernels.stream;

import dev.gatun.kernels.CellType;

import java.util.Random;

/**
 * Random PyTorch-layout weights of one layer, and an independent reference of the PyTorch equations in double
 * precision. Written from the PyTorch documentation, sharing no code with the kernels or the packer.
 */
final class TestModel {
    enum Kind {
        LSTM(4), LSTM_PROJ(4), GRU(3), RNN_TANH(1), RNN_RELU(1);

        final int gates;

        Kind(int gates) {
            this.gates = gates;
        }
    }

    final Kind kind;
    final int in;
    final int hidden;
    final int proj;        // 0 = none
    final int out;         // size of h
    final float[] wIh;     // (G*H, I)
    final float[] wHh;     // (G*H, out)
    final float[] bIh;     // (G*H) or null
    final float[] bHh;     // (G*H) or null
    final float[] wHr;     // (P, H) or null

    private TestModel(Kind kind, int in, int hidden, int proj, float[] wIh, float[] wHh, float[] bIh, float[] bHh,
            float[] wHr) {
        this.kind = kind;
        this.in = in;
        this.hidden = hidden;
        this.proj = proj;
        this.out = proj > 0 ? proj : hidden;
        this.wIh = wIh;
        this.wHh = wHh;
        this.bIh = bIh;
        this.bHh = bHh;
        this.wHr = wHr;
    }

    /** PyTorch's default init: every parameter uniform in (-1/sqrt(H), 1/sqrt(H)). */
    static TestModel random(Kind kind, int in, int hidden, long seed) {
        Random r = new Random(seed);
        int proj = kind == Kind.LSTM_PROJ ? Math.max(1, hidden / 2) : 0;
        int out = proj > 0 ? proj : hidden;
        int rows = kind.gates * hidden;
        float k = (float) (1 / Math.sqrt(hidden));
        return new TestModel(kind, in, hidden, proj, uniform(r, rows * in, k), uniform(r, rows * out, k),
                uniform(r, rows, k), uniform(r, rows, k), proj > 0 ? uniform(r, proj * hidden, k) : null);
    }

    static float[] uniform(Random r, int n, float k) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (r.nextFloat() * 2 - 1) * k;
        }
        return a;
    }

    /** The same model with every weight matrix (not the biases) rounded to bfloat16, nearest even. */
    TestModel bf16Weights() {
        return new TestModel(kind, in, hidden, proj, bf16(wIh), bf16(wHh), bIh, bHh, wHr == null ? null : bf16(wHr));
    }

    /** The same model with gates a and b of both weight matrices and both biases exchanged (a mutant). */
    TestModel swapGates(int a, int b) {
        return new TestModel(kind, in, hidden, proj, swapRows(wIh, a, b, in), swapRows(wHh, a, b, out),
                swapRows(bIh, a, b, 1), swapRows(bHh, a, b, 1), wHr);
    }

    /** The same model without b_hh (a mutant). */
    TestModel withoutHiddenBias() {
        return new TestModel(kind, in, hidden, proj, wIh, wHh, bIh, new float[bHh.length], wHr);
    }

    private float[] swapRows(float[] m, int a, int b, int cols) {
        float[] s = m.clone();
        int block = hidden * cols;
        System.arraycopy(m, a * block, s, b * block, block);
        System.arraycopy(m, b * block, s, a * block, block);
        return s;
    }

    // Independent RNE: add half an ulp of bf16 (minus one when the kept lsb is 0), truncate.
    private static float[] bf16(float[] m) {
        float[] r = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            int bits = Float.floatToIntBits(m[i]);
            int lsb = (bits >> 16) & 1;
            r[i] = Float.intBitsToFloat((bits + 0x7FFF + lsb) & 0xFFFF0000);
        }
        return r;
    }

    StreamingCell cell(WeightFormat format) {
        return switch (kind) {
            case LSTM -> StreamingCell.lstm(wIh, wHh, bIh, bHh, in, hidden, format);
            case LSTM_PROJ -> StreamingCell.lstm(wIh, wHh, bIh, bHh, wHr, in, hidden, proj, format);
            case GRU -> StreamingCell.gru(wIh, wHh, bIh, bHh, in, hidden, format);
            case RNN_TANH -> StreamingCell.rnn(wIh, wHh, bIh, bHh, in, hidden, Nonlinearity.TANH, format);
            case RNN_RELU -> StreamingCell.rnn(wIh, wHh, bIh, bHh, in, hidden, Nonlinearity.RELU, format);
        };
    }

    boolean hasC() {
        return kind == Kind.LSTM || kind == Kind.LSTM_PROJ;
    }

    /** xp = W_ih x + b_ih (G*H floats), the row a whole-sequence GEMM would produce. */
    float[] project(float[] x) {
        int rows = kind.gates * hidden;
        float[] xp = new float[rows];
        for (int j = 0; j < rows; j++) {
            double s = bIh[j];
            for (int k = 0; k < in; k++) {
                s += (double) wIh[j * in + k] * x[k];
            }
            xp[j] = (float) s;
        }
        return xp;
    }

    /** The PyTorch equations in double precision, one step at a time. */
    final class Reference {
        final double[] h = new double[out];
        final double[] c = new double[hidden];

        void set(float[] h0, float[] c0) {
            for (int i = 0; i < out; i++) {
                h[i] = h0[i];
            }
            if (c0 != null) {
                for (int i = 0; i < hidden; i++) {
                    c[i] = c0[i];
                }
            }
        }

        void step(float[] x) {
            int rows = kind.gates * hidden;
            double[] gi = new double[rows];  // W_ih x + b_ih
            double[] gh = new double[rows];  // W_hh h + b_hh
            for (int j = 0; j < rows; j++) {
                double a = bIh[j];
                for (int k = 0; k < in; k++) {
                    a += (double) wIh[j * in + k] * x[k];
                }
                double b = bHh[j];
                for (int k = 0; k < out; k++) {
                    b += (double) wHh[j * out + k] * h[k];
                }
                gi[j] = a;
                gh[j] = b;
            }
            int n = hidden;
            switch (kind) {
                case LSTM, LSTM_PROJ -> {
                    double[] hFull = new double[n];
                    for (int u = 0; u < n; u++) {
                        double i = sigmoid(gi[u] + gh[u]);
                        double f = sigmoid(gi[n + u] + gh[n + u]);
                        double g = Math.tanh(gi[2 * n + u] + gh[2 * n + u]);
                        double o = sigmoid(gi[3 * n + u] + gh[3 * n + u]);
                        c[u] = f * c[u] + i * g;
                        hFull[u] = o * Math.tanh(c[u]);
                    }
                    for (int p = 0; p < out; p++) {
                        if (proj == 0) {
                            h[p] = hFull[p];
                        } else {
                            double s = 0;
                            for (int u = 0; u < n; u++) {
                                s += (double) wHr[p * n + u] * hFull[u];
                            }
                            h[p] = s;
                        }
                    }
                }
                case GRU -> {
                    for (int u = 0; u < n; u++) {
                        double r = sigmoid(gi[u] + gh[u]);
                        double z = sigmoid(gi[n + u] + gh[n + u]);
                        double nn = Math.tanh(gi[2 * n + u] + r * gh[2 * n + u]);
                        h[u] = (1 - z) * nn + z * h[u];
                    }
                }
                case RNN_TANH -> {
                    for (int u = 0; u < n; u++) {
                        h[u] = Math.tanh(gi[u] + gh[u]);
                    }
                }
                case RNN_RELU -> {
                    for (int u = 0; u < n; u++) {
                        h[u] = Math.max(0, gi[u] + gh[u]);
                    }
                }
            }
        }

        private static double sigmoid(double x) {
            return 1 / (1 + Math.exp(-x));
        }
    }
}
