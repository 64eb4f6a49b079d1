package dev.gatun.kernels.sequence;

import dev.gatun.kernels.CellType;

/**
 * A plain double-precision reference of PyTorch's nn.RNN/LSTM/GRU forward (plus the classic GRU form), written from
 * the equations with no shared code: the specification the fused sequence operations are tested against.
 * Parameters per layer direction i = l*D + d: wIh[i] (GH*I), wHh[i] (GH*Hr), bIh[i], bHh[i] (GH), wHr[i] (P*H).
 */
final class ReferenceRnn {
    final StackShape s;
    final double[][] wIh;
    final double[][] wHh;
    final double[][] bIh;
    final double[][] bHh;
    final double[][] wHr;

    ReferenceRnn(StackShape s, double[][] wIh, double[][] wHh, double[][] bIh, double[][] bHh, double[][] wHr) {
        this.s = s;
        this.wIh = wIh;
        this.wHh = wHh;
        this.bIh = bIh;
        this.bHh = bHh;
        this.wHr = wHr;
    }

    /** Output of a forward pass: y (T*B*D*Hr), hN (L*D*B*Hr), cN (L*D*B*H). */
    record Out(double[] y, double[] hN, double[] cN) {}

    Out forward(int T, int B, double[] x, double[] h0, double[] c0) {
        int D = s.directions();
        int H = s.hiddenSize();
        int Hr = s.stateSize();
        int L = s.layers();
        double[] hN = new double[L * D * B * Hr];
        double[] cN = new double[L * D * B * H];
        double[] in = x;
        int inSize = s.inputSize();
        double[] out = null;
        for (int l = 0; l < L; l++) {
            out = new double[T * B * D * Hr];
            for (int d = 0; d < D; d++) {
                int i = l * D + d;
                for (int b = 0; b < B; b++) {
                    double[] h = new double[Hr];
                    double[] c = new double[H];
                    for (int k = 0; k < Hr; k++) {
                        h[k] = h0 == null ? 0 : h0[(i * B + b) * Hr + k];
                    }
                    for (int k = 0; k < H; k++) {
                        c[k] = c0 == null ? 0 : c0[(i * B + b) * H + k];
                    }
                    for (int step = 0; step < T; step++) {
                        int t = d == 1 ? T - 1 - step : step;
                        double[] xt = new double[inSize];
                        System.arraycopy(in, (t * B + b) * inSize, xt, 0, inSize);
                        double[][] hc = cell(i, inSize, xt, h, c);
                        h = hc[0];
                        c = hc[1];
                        System.arraycopy(h, 0, out, (t * B + b) * D * Hr + d * Hr, Hr);
                    }
                    System.arraycopy(h, 0, hN, (i * B + b) * Hr, Hr);
                    System.arraycopy(c, 0, cN, (i * B + b) * H, H);
                }
            }
            in = out;
            inSize = D * Hr;
        }
        return new Out(out, hN, cN);
    }

    private double[][] cell(int i, int inSize, double[] x, double[] h, double[] c) {
        int H = s.hiddenSize();
        int Hr = s.stateSize();
        int G = s.cell().gates();
        double[] xp = new double[G * H];
        double[] hp = new double[G * H];
        for (int r = 0; r < G * H; r++) {
            double a = bIh[i][r];
            for (int k = 0; k < inSize; k++) {
                a += wIh[i][r * inSize + k] * x[k];
            }
            xp[r] = a;
            double bsum = bHh[i][r];
            for (int k = 0; k < Hr; k++) {
                bsum += wHh[i][r * Hr + k] * h[k];
            }
            hp[r] = bsum;
        }
        double[] hNew = new double[H];
        double[] cNew = new double[H];
        switch (s.cell()) {
            case RNN_TANH, RNN_RELU -> {
                for (int u = 0; u < H; u++) {
                    double p = xp[u] + hp[u];
                    hNew[u] = s.cell() == CellType.RNN_TANH ? Math.tanh(p) : Math.max(0, p);
                }
            }
            case LSTM -> {
                for (int u = 0; u < H; u++) {
                    double ig = sig(xp[u] + hp[u]);
                    double fg = sig(xp[H + u] + hp[H + u]);
                    double gg = Math.tanh(xp[2 * H + u] + hp[2 * H + u]);
                    double og = sig(xp[3 * H + u] + hp[3 * H + u]);
                    cNew[u] = fg * c[u] + ig * gg;
                    hNew[u] = og * Math.tanh(cNew[u]);
                }
            }
            case GRU -> {
                for (int u = 0; u < H; u++) {
                    double r = sig(xp[u] + hp[u]);
                    double z = sig(xp[H + u] + hp[H + u]);
                    double n = Math.tanh(xp[2 * H + u] + r * hp[2 * H + u]);
                    hNew[u] = (1 - z) * n + z * h[u];
                }
            }
            case GRU_CLASSIC -> {
                double[] rh = new double[H];
                double[] z = new double[H];
                for (int u = 0; u < H; u++) {
                    double r = sig(xp[u] + hp[u]);
                    z[u] = sig(xp[H + u] + hp[H + u]);
                    rh[u] = r * h[u];
                }
                for (int u = 0; u < H; u++) {
                    double a = bHh[i][2 * H + u];
                    for (int k = 0; k < H; k++) {
                        a += wHh[i][(2 * H + u) * Hr + k] * rh[k];
                    }
                    double n = Math.tanh(xp[2 * H + u] + a);
                    hNew[u] = (1 - z[u]) * n + z[u] * h[u];
                }
            }
        }
        if (s.projSize() > 0) {
            double[] p = new double[Hr];
            for (int q = 0; q < Hr; q++) {
                double a = 0;
                for (int u = 0; u < H; u++) {
                    a += wHr[i][q * H + u] * hNew[u];
                }
                p[q] = a;
            }
            return new double[][] {p, cNew};
        }
        return new double[][] {hNew, cNew};
    }

    private static double sig(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
