package dev.gatun.kernels.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * Test helpers: segments with a leading offset and strided rows whose unused floats hold a sentinel NaN (so writes
 * outside the shape are caught), conversions, finite differences in double precision, and gradient comparison.
 */
final class CellBuffers {
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** A NaN with a payload no kernel produces. */
    static final float SENTINEL = Float.intBitsToFloat(0x7fc0dead);
    static final double EPS = 1e-6;
    static final double ABS_TOL = 1e-5;
    static final double REL_TOL = 1e-4;

    private CellBuffers() {}

    static float[] uniform(Random r, int n, float lo, float hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = lo + (hi - lo) * r.nextFloat();
        }
        return a;
    }

    static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** {@code data} at float offset {@code off}; the prefix and two trailing floats hold the sentinel. */
    static MemorySegment seg(Arena arena, float[] data, long off) {
        MemorySegment s = sentinels(arena, off + data.length + 2);
        MemorySegment.copy(data, 0, s, F, off * Float.BYTES, data.length);
        return s;
    }

    /** (rows, cols) row-major data placed at {@code off} with row stride {@code ld}; the gaps hold the sentinel. */
    static MemorySegment strided(Arena arena, float[] data, long off, int ld, int rows, int cols) {
        MemorySegment s = sentinels(arena, off + (long) rows * ld + 2);
        for (int b = 0; b < rows; b++) {
            MemorySegment.copy(data, b * cols, s, F, (off + (long) b * ld) * Float.BYTES, cols);
        }
        return s;
    }

    static MemorySegment sentinels(Arena arena, long floats) {
        MemorySegment s = arena.allocate(floats * Float.BYTES, 64);
        for (long i = 0; i < floats; i++) {
            s.setAtIndex(F, i, SENTINEL);
        }
        return s;
    }

    static float[] read(MemorySegment s, long off, int n) {
        float[] a = new float[n];
        MemorySegment.copy(s, F, off * Float.BYTES, a, 0, n);
        return a;
    }

    static float[] readRows(MemorySegment s, long off, int ld, int rows, int cols) {
        float[] a = new float[rows * cols];
        for (int b = 0; b < rows; b++) {
            MemorySegment.copy(s, F, (off + (long) b * ld) * Float.BYTES, a, b * cols, cols);
        }
        return a;
    }

    /** Every float outside the (rows, cols) block at {@code off} with stride {@code ld} still holds the sentinel. */
    static void assertOnlyShapeWritten(String name, MemorySegment s, long off, int ld, int rows, int cols) {
        long floats = s.byteSize() / Float.BYTES;
        for (long i = 0; i < floats; i++) {
            long rel = i - off;
            boolean inside = rel >= 0 && rel < (long) rows * ld && rel % ld < cols;
            if (!inside) {
                assertEquals(Float.floatToRawIntBits(SENTINEL), Float.floatToRawIntBits(s.getAtIndex(F, i)),
                        name + ": float " + i + " outside the shape was written");
            }
        }
    }

    /** Bitwise equality of two whole segments. */
    static void assertSameBits(String what, MemorySegment expected, MemorySegment actual) {
        assertEquals(expected.byteSize(), actual.byteSize(), what);
        long mismatch = expected.mismatch(actual);
        assertTrue(mismatch < 0, () -> what + ": first difference at float " + mismatch / Float.BYTES + ": "
                + expected.getAtIndex(F, mismatch / Float.BYTES) + " vs " + actual.getAtIndex(F, mismatch / Float.BYTES));
    }

    /** d loss / d x[i] for every i by central differences; x is perturbed in place and restored. */
    static double[] numericGradient(double[] x, DoubleSupplier loss) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + EPS;
            double up = loss.getAsDouble();
            x[i] = keep - EPS;
            double down = loss.getAsDouble();
            x[i] = keep;
            g[i] = (up - down) / (2 * EPS);
        }
        return g;
    }

    /**
     * The worst of |a - e| / (ABS_TOL + REL_TOL |e|) over the elements: at most 1 when {@code actual} matches
     * {@code expected} within 1e-5 absolute plus 1e-4 relative.
     */
    static double worst(float[] actual, double[] expected) {
        assertEquals(expected.length, actual.length);
        double w = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs(actual[i] - expected[i]) / (ABS_TOL + REL_TOL * Math.abs(expected[i]));
            w = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(w, d);
        }
        return w;
    }

    static void assertGradient(String name, float[] actual, double[] expected) {
        double w = worst(actual, expected);
        assertTrue(w <= 1, name + ": kernel gradient differs from finite differences (worst error / tolerance = "
                + w + ")");
    }

    /** Forward check: float kernel outputs against the double reference within 2e-6 absolute + 1e-6 relative. */
    static void assertClose(String name, float[] actual, double[] expected) {
        assertEquals(expected.length, actual.length, name);
        for (int i = 0; i < actual.length; i++) {
            double tol = 2e-6 + 1e-6 * Math.abs(expected[i]);
            assertTrue(Math.abs(actual[i] - expected[i]) <= tol,
                    name + "[" + i + "] = " + actual[i] + ", double reference " + expected[i]);
        }
    }

    /**
     * The twins' outputs agree bitwise everywhere: inside the shapes, and outside them where both must still hold
     * the sentinel.
     */
    static void assertTwins(String what, MemorySegment scalar, MemorySegment panama) {
        assertEquals(scalar.byteSize(), panama.byteSize(), what);
        for (long i = 0, n = scalar.byteSize() / Float.BYTES; i < n; i++) {
            float s = scalar.getAtIndex(F, i);
            float p = panama.getAtIndex(F, i);
            // Bitwise: the Panama kernels run the scalar twin's operations lane by lane.
            boolean ok = Float.floatToRawIntBits(s) == Float.floatToRawIntBits(p) || (Float.isNaN(s) && Float.isNaN(p));
            if (!ok) {
                throw new AssertionError(what + ": float " + i + " is " + p + " (Panama) vs " + s + " (scalar)");
            }
        }
    }

    /** Largest absolute difference, for the checks that a wrong reference is caught. */
    static double maxDiff(float[] actual, double[] expected) {
        double m = 0;
        for (int i = 0; i < actual.length; i++) {
            m = Math.max(m, Math.abs(actual[i] - expected[i]));
        }
        return m;
    }

    /** A copy of (rows, blocks*cols) with blocks p and q of every row swapped. */
    static float[] swapBlocks(float[] a, int rows, int cols, int blocks, int p, int q) {
        float[] s = a.clone();
        int w = blocks * cols;
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < cols; j++) {
                s[b * w + p * cols + j] = a[b * w + q * cols + j];
                s[b * w + q * cols + j] = a[b * w + p * cols + j];
            }
        }
        return s;
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
