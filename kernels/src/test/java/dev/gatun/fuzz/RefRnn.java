package dev.gatun.fuzz;

import dev.gatun.kernels.CellType;

/**
 * A plain double-precision reference of one recurrent layer direction in PyTorch's conventions (plus the classic
 * GRU form): weights {@code wIh (G*H, I)}, {@code wHh (G*H, Hr)}, biases {@code (G*H)}, {@code wHr (P, H)} or null.
 * Time-major rows {@code x[t*B + b]}; returns y (T*B, Hr), and hN/cN through the state arrays (updated in place).
 */
final class RefRnn {
    final CellType cell;
    final int in;
    final int hidden;
    final int proj;
    final float[] wIh;
    final float[] wHh;
    final float[] bIh;
    final float[] bHh;
    final float[] wHr;

    RefRnn(CellType cell, int in, int hidden, int proj, float[] wIh, float[] wHh, float[] bIh, float[] bHh,
           float[] wHr) {
        this.cell = cell;
        this.in = in;
        this.hidden = hidden;
        this.proj = proj;
        this.wIh = wIh;
        this.wHh = wHh;
        this.bIh = bIh;
        this.bHh = bHh;
        this.wHr = wHr;
    }

    int state() {
        return proj > 0 ? proj : hidden;
    }

    /**
     * Runs T steps over x (T*B rows of {@code ldx} floats, the first I used); {@code h} (B, Hr) and {@code c} (B, H)
     * hold the initial state and receive the final one. Returns y (T*B, Hr).
     */
    double[] forward(int steps, int batch, double[] x, int ldx, boolean reverse, double[] h, double[] c) {
        int hr = state();
        int gh = cell.gates() * hidden;
        double[] y = new double[steps * batch * hr];
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            for (int b = 0; b < batch; b++) {
                double[] xp = new double[gh];
                double[] hp = new double[gh];
                for (int r = 0; r < gh; r++) {
                    double a = bIh == null ? 0 : bIh[r];
                    for (int i = 0; i < in; i++) {
                        a += wIh[r * in + i] * x[(t * batch + b) * ldx + i];
                    }
                    xp[r] = a;
                    double q = bHh == null ? 0 : bHh[r];
                    if (cell != CellType.GRU_CLASSIC) {
                        for (int i = 0; i < hr; i++) {
                            q += wHh[r * hr + i] * h[b * hr + i];
                        }
                    }
                    hp[r] = q;
                }
                double[] out = step(b, xp, hp, h, c);
                System.arraycopy(out, 0, h, b * hr, hr);
                System.arraycopy(out, 0, y, (t * batch + b) * hr, hr);
            }
        }
        return y;
    }

    private double[] step(int b, double[] xp, double[] hp, double[] h, double[] c) {
        int hd = hidden;
        double[] full = new double[hd];
        switch (cell) {
            case RNN_TANH, RNN_RELU -> {
                for (int j = 0; j < hd; j++) {
                    double a = xp[j] + hp[j];
                    full[j] = cell == CellType.RNN_TANH ? Math.tanh(a) : (a > 0 ? a : (Double.isNaN(a) ? a : 0));
                }
            }
            case LSTM -> {
                for (int j = 0; j < hd; j++) {
                    double i = sig(xp[j] + hp[j]);
                    double f = sig(xp[hd + j] + hp[hd + j]);
                    double g = Math.tanh(xp[2 * hd + j] + hp[2 * hd + j]);
                    double o = sig(xp[3 * hd + j] + hp[3 * hd + j]);
                    double cn = f * c[b * hd + j] + i * g;
                    c[b * hd + j] = cn;
                    full[j] = o * Math.tanh(cn);
                }
            }
            case GRU -> {
                for (int j = 0; j < hd; j++) {
                    double r = sig(xp[j] + hp[j]);
                    double z = sig(xp[hd + j] + hp[hd + j]);
                    double n = Math.tanh(xp[2 * hd + j] + r * hp[2 * hd + j]);
                    full[j] = (1 - z) * n + z * h[b * hd + j];
                }
            }
            case GRU_CLASSIC -> {
                double[] rh = new double[hd];
                double[] z = new double[hd];
                for (int j = 0; j < hd; j++) {
                    double rq = 0;
                    double zq = 0;
                    for (int i = 0; i < hd; i++) {
                        rq += wHh[j * hd + i] * h[b * hd + i];
                        zq += wHh[(hd + j) * hd + i] * h[b * hd + i];
                    }
                    rh[j] = sig(xp[j] + hp[j] + rq) * h[b * hd + j];
                    z[j] = sig(xp[hd + j] + hp[hd + j] + zq);
                }
                for (int j = 0; j < hd; j++) {
                    double nq = hp[2 * hd + j];
                    for (int i = 0; i < hd; i++) {
                        nq += wHh[(2 * hd + j) * hd + i] * rh[i];
                    }
                    double n = Math.tanh(xp[2 * hd + j] + nq);
                    full[j] = (1 - z[j]) * n + z[j] * h[b * hd + j];
                }
            }
            default -> throw new AssertionError(cell);
        }
        if (proj == 0) {
            return full;
        }
        double[] p = new double[proj];
        for (int k = 0; k < proj; k++) {
            double s = 0;
            for (int j = 0; j < hd; j++) {
                s += wHr[k * hd + j] * full[j];
            }
            p[k] = s;
        }
        return p;
    }

    private static double sig(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
