package dev.gatun.kernels.activation;

import dev.gatun.kernels.Vectorization;
import java.lang.foreign.MemorySegment;

/**
 * Gatun's activation functions: scalar {@code float -> float} functions (what scalar kernels call) and in-place
 * versions over n floats of a segment or array, which run {@link PanamaActivations} when the Vector API is in use
 * and the scalar functions otherwise.
 *
 * <p>Accuracy of the scalar functions against the double-precision functions rounded to float, measured on every step
 * of 1e-4 over [-20, 20] plus 10^6 random points ({@code ActivationAccuracyTest}): exp within 1 ulp over its whole
 * range (subnormal results included), sigmoid and tanh within 6.0e-8 absolute (1 ulp of [0.5, 1)), tanh within 1 ulp
 * near 0. Saturation is exact ({@code tanh = ±1}, {@code sigmoid = 0 or 1}, {@code exp = +Inf or 0}, at ±Inf too),
 * NaN gives NaN, {@code tanh(-0) = -0}. The vector versions are the same algorithm lane by lane and give the same
 * bits (see {@link PanamaActivations}), whether or not the JIT has compiled them.
 */
public final class Activations {
    private static final boolean VECTOR = Vectorization.enabled();

    private Activations() {}

    /** e^x. */
    public static float exp(float x) {
        return ScalarActivations.exp(x);
    }

    /** 1 / (1 + e^-x). */
    public static float sigmoid(float x) {
        return ScalarActivations.sigmoid(x);
    }

    /** tanh(x). */
    public static float tanh(float x) {
        return ScalarActivations.tanh(x);
    }

    /** max(x, 0); NaN stays NaN. */
    public static float relu(float x) {
        return ScalarActivations.relu(x);
    }

    /** s[off, off+n) = exp(s[off, off+n)); offset and count in floats. */
    public static void expInPlace(MemorySegment s, long off, int n) {
        check("expInPlace", s, off, n);
        if (VECTOR) {
            PanamaActivations.exp(s, off, n);
        } else {
            ScalarActivations.exp(s, off, n);
        }
    }

    /** s[off, off+n) = sigmoid(s[off, off+n)); offset and count in floats. */
    public static void sigmoidInPlace(MemorySegment s, long off, int n) {
        check("sigmoidInPlace", s, off, n);
        if (VECTOR) {
            PanamaActivations.sigmoid(s, off, n);
        } else {
            ScalarActivations.sigmoid(s, off, n);
        }
    }

    /** s[off, off+n) = tanh(s[off, off+n)); offset and count in floats. */
    public static void tanhInPlace(MemorySegment s, long off, int n) {
        check("tanhInPlace", s, off, n);
        if (VECTOR) {
            PanamaActivations.tanh(s, off, n);
        } else {
            ScalarActivations.tanh(s, off, n);
        }
    }

    /** s[off, off+n) = relu(s[off, off+n)); offset and count in floats. */
    public static void reluInPlace(MemorySegment s, long off, int n) {
        check("reluInPlace", s, off, n);
        if (VECTOR) {
            PanamaActivations.relu(s, off, n);
        } else {
            ScalarActivations.relu(s, off, n);
        }
    }

    /** a[off, off+n) = exp(a[off, off+n)). */
    public static void expInPlace(float[] a, int off, int n) {
        check("expInPlace", a, off, n);
        if (VECTOR) {
            PanamaActivations.exp(a, off, n);
        } else {
            ScalarActivations.exp(a, off, n);
        }
    }

    /** a[off, off+n) = sigmoid(a[off, off+n)). */
    public static void sigmoidInPlace(float[] a, int off, int n) {
        check("sigmoidInPlace", a, off, n);
        if (VECTOR) {
            PanamaActivations.sigmoid(a, off, n);
        } else {
            ScalarActivations.sigmoid(a, off, n);
        }
    }

    /** a[off, off+n) = tanh(a[off, off+n)). */
    public static void tanhInPlace(float[] a, int off, int n) {
        check("tanhInPlace", a, off, n);
        if (VECTOR) {
            PanamaActivations.tanh(a, off, n);
        } else {
            ScalarActivations.tanh(a, off, n);
        }
    }

    /** a[off, off+n) = relu(a[off, off+n)). */
    public static void reluInPlace(float[] a, int off, int n) {
        check("reluInPlace", a, off, n);
        if (VECTOR) {
            PanamaActivations.relu(a, off, n);
        } else {
            ScalarActivations.relu(a, off, n);
        }
    }

    private static void check(String op, MemorySegment s, long off, int n) {
        if (s == null) {
            throw new IllegalArgumentException(op + ": segment is null");
        }
        if (off < 0 || n < 0) {
            throw new IllegalArgumentException(op + ": offset " + off + " and count " + n + " must be >= 0");
        }
        long floats = s.byteSize() / Float.BYTES;
        if (off > floats - n) { // no overflow for a huge offset
            throw new IllegalArgumentException(op + ": segment holds " + floats + " floats, needs offset + n = "
                    + (off + n) + " (offset " + off + ", n " + n + ")");
        }
    }

    private static void check(String op, float[] a, int off, int n) {
        if (a == null) {
            throw new IllegalArgumentException(op + ": array is null");
        }
        if (off < 0 || n < 0) {
            throw new IllegalArgumentException(op + ": offset " + off + " and count " + n + " must be >= 0");
        }
        if ((long) off + n > a.length) {
            throw new IllegalArgumentException(op + ": array holds " + a.length + " floats, needs offset + n = "
                    + ((long) off + n) + " (offset " + off + ", n " + n + ")");
        }
    }
}
