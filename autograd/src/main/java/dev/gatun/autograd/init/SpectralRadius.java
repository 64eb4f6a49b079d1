package dev.gatun.autograd.init;

import dev.gatun.autograd.Rng;

/**
 * The spectral radius rho(W) = max |eigenvalue| of a square matrix, by power iteration: starting from a random
 * vector, {@code v <- W v / |W v|}. The growth factors {@code |W v|} tend to rho when one eigenvalue dominates;
 * for a complex pair or several eigenvalues of the same modulus they oscillate around it, so after a warm-up the
 * estimate is their geometric mean over many steps (Gelfand's formula, {@code rho = lim |W^k v|^(1/k)}).
 */
public final class SpectralRadius {
    /** Power-iteration steps discarded before averaging. */
    public static final int WARMUP = 200;
    /** Steps averaged. */
    public static final int STEPS = 800;

    private SpectralRadius() {}

    /** rho of the row-major n x n matrix {@code w}. */
    public static double estimate(double[] w, int n, Rng rng) {
        if (w.length != n * n || n < 1) {
            throw new IllegalArgumentException("spectral radius: " + w.length + " values are not a " + n + " x " + n
                    + " matrix");
        }
        double[] v = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
            norm += v[i] * v[i];
        }
        scale(v, 1 / Math.sqrt(norm));
        double[] next = new double[n];
        double logSum = 0;
        for (int step = 0; step < WARMUP + STEPS; step++) {
            double growth = 0;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += w[i * n + j] * v[j];
                }
                next[i] = s;
                growth += s * s;
            }
            growth = Math.sqrt(growth);
            if (growth == 0) {
                return 0;   // W^k v = 0: nilpotent on this vector (e.g. W = 0)
            }
            if (step >= WARMUP) {
                logSum += Math.log(growth);
            }
            double[] t = v;
            v = next;
            next = t;
            scale(v, 1 / growth);
        }
        return Math.exp(logSum / STEPS);
    }

    private static void scale(double[] v, double s) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= s;
        }
    }
}
