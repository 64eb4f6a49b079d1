package dev.gatun.autograd.init;

import dev.gatun.autograd.Rng;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Weight initializers, seeded through {@link Rng} (deterministic for a seed; the draws differ from PyTorch's
 * generator, the distributions are the same).
 *
 * <ul>
 *   <li>{@link #uniform}, {@link #normal}: PyTorch's defaults are {@code uniform(±1/sqrt(H))} for every RNN
 *   weight and bias, {@code uniform(±1/sqrt(in))} for {@code Linear}, {@code normal(0, 1)} for
 *   {@code Embedding};</li>
 *   <li>{@link #xavierUniform}, {@link #xavierNormal} (Glorot), {@link #orthogonal} (Saxe et al.), as
 *   {@code torch.nn.init};</li>
 *   <li>{@link #scaleSpectralRadius}: the seed notes' recurrent-weight scaling, {@code W *= c / (gamma * rho)}
 *   with rho the spectral radius ({@link SpectralRadius}).</li>
 * </ul>
 * Tensors must be contiguous; 2-D shapes are (fan_out, fan_in) as in PyTorch, higher ranks multiply the
 * trailing dimensions into the receptive field.
 */
public final class Init {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private Init() {}

    /** Uniform in [lo, hi). */
    public static void uniform(Tensor t, double lo, double hi, Rng rng) {
        MemorySegment s = contiguous("uniform", t).segment();
        long n = t.size();
        for (long i = 0; i < n; i++) {
            s.setAtIndex(F, t.offset() + i, (float) rng.uniform(lo, hi));
        }
    }

    /** Normal with the given mean and standard deviation. */
    public static void normal(Tensor t, double mean, double std, Rng rng) {
        MemorySegment s = contiguous("normal", t).segment();
        long n = t.size();
        for (long i = 0; i < n; i++) {
            s.setAtIndex(F, t.offset() + i, (float) (mean + std * rng.nextGaussian()));
        }
    }

    /** Glorot uniform: bound {@code gain * sqrt(6 / (fan_in + fan_out))}. */
    public static void xavierUniform(Tensor t, double gain, Rng rng) {
        double bound = gain * Math.sqrt(6.0 / (fanIn(t) + fanOut(t)));
        uniform(t, -bound, bound, rng);
    }

    /** Glorot normal: std {@code gain * sqrt(2 / (fan_in + fan_out))}. */
    public static void xavierNormal(Tensor t, double gain, Rng rng) {
        normal(t, 0, gain * Math.sqrt(2.0 / (fanIn(t) + fanOut(t))), rng);
    }

    /**
     * A (semi-)orthogonal matrix times {@code gain}, as {@code torch.nn.init.orthogonal_}: the tensor is viewed as
     * (rows, rest); a normal matrix of the taller orientation is orthonormalized (QR with the signs of R's
     * diagonal made positive, here by Gram-Schmidt in double) and transposed back if needed.
     */
    public static void orthogonal(Tensor t, double gain, Rng rng) {
        contiguous("orthogonal", t);
        if (t.rank() < 2) {
            throw new IllegalArgumentException("orthogonal: needs at least 2 dimensions, got " + t.shapeString());
        }
        int rows = t.dim(0);
        int cols = (int) (t.size() / Math.max(1, rows));
        boolean wide = rows < cols;
        int n = wide ? cols : rows;     // tall orientation n x k, n >= k
        int k = wide ? rows : cols;
        double[][] q = new double[k][n];  // columns of the tall matrix
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                q[j][i] = rng.nextGaussian();
            }
        }
        // Modified Gram-Schmidt: q_j becomes orthonormal, R's diagonal (the norms) positive.
        for (int j = 0; j < k; j++) {
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += q[p][i] * q[j][i];
                }
                for (int i = 0; i < n; i++) {
                    q[j][i] -= dot * q[p][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += q[j][i] * q[j][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                q[j][i] /= norm;
            }
        }
        MemorySegment s = t.segment();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v = wide ? q[r][c] : q[c][r];
                s.setAtIndex(F, t.offset() + (long) r * cols + c, (float) (gain * v));
            }
        }
    }

    /**
     * Scales the square block {@code rows [from, from + size)} of {@code w} (shape (*, size)) so its spectral
     * radius becomes {@code c / gamma}: the seed notes' rule, {@code W *= c / (gamma * rho)} with c about 1.1 and
     * gamma the bound of the activation's derivative (1 for tanh and relu, 1/4 for sigmoid). Long-term gradients
     * then neither vanish (rho * gamma > 1) nor explode fast. Returns rho before scaling.
     */
    public static double scaleSpectralRadius(Tensor w, int from, int size, double c, double gamma, Rng rng) {
        contiguous("scaleSpectralRadius", w);
        if (w.rank() != 2 || w.dim(1) != size || from < 0 || from + size > w.dim(0)) {
            throw new IllegalArgumentException("scaleSpectralRadius: rows [" + from + ", " + (from + size)
                    + ") of " + w.shapeString() + " are not a square block of size " + size);
        }
        if (!(c > 0) || !(gamma > 0)) {
            throw new IllegalArgumentException("scaleSpectralRadius: c and gamma must be > 0, got " + c + ", " + gamma);
        }
        double[] block = new double[size * size];
        MemorySegment s = w.segment();
        long base = w.offset() + (long) from * size;
        for (int i = 0; i < block.length; i++) {
            block[i] = s.getAtIndex(F, base + i);
        }
        double rho = SpectralRadius.estimate(block, size, rng);
        if (rho > 0) {
            double scale = c / (gamma * rho);
            for (int i = 0; i < block.length; i++) {
                s.setAtIndex(F, base + i, (float) (block[i] * scale));
            }
        }
        return rho;
    }

    private static double fanIn(Tensor t) {
        if (t.rank() < 2) {
            throw new IllegalArgumentException("fan in and fan out need at least 2 dimensions, got " + t.shapeString());
        }
        return (double) t.size() / t.dim(0);
    }

    private static double fanOut(Tensor t) {
        return (double) t.size() / t.dim(1);
    }

    private static Tensor contiguous(String op, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": tensor is null");
        }
        t.checkAlive(op);
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(op + ": tensor " + t.shapeString() + " must be contiguous");
        }
        return t;
    }
}
