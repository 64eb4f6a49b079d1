package dev.gatun.fuzz;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatun.blas.Blas;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the OpenBLAS bindings directly ({@link Blas#sgemm}, {@link Blas#sgemv}, {@link Blas#saxpy},
 * {@link Blas#sdot}, {@link Blas#snrm2}, {@link Blas#sscal}, {@link Blas#setThreads}): random sizes, offsets,
 * leading dimensions, positive and negative strides, NaN/Inf values; spoiled calls (null, closed, too small,
 * read-only, heap, overlapping, zero or wrong strides, negative or huge sizes and offsets) must throw
 * IllegalArgumentException or IllegalStateException before reaching native code. Every buffer has guard floats on
 * both sides, so a native write out of bounds is caught even when it does not crash.
 */
class BlasFuzzTest {

    static Fuzzer fuzz(long seed, int scale) {
        Fuzzer f = new Fuzzer(seed);
        f.run("sgemm", 400 * scale, BlasFuzzTest::gemm);
        f.run("sgemv", 500 * scale, BlasFuzzTest::gemv);
        f.run("level1", 1200 * scale, BlasFuzzTest::level1);
        f.run("threads", 5 * scale, BlasFuzzTest::threads);
        return f;
    }

    @Test
    void defaultRun() {
        assumeTrue(Blas.available(), "OpenBLAS not available");
        fuzz(Fuzzer.seed(), 1).assertClean("ffm-bindings (default)");
    }

    @Test
    @Tag("long")
    void longRun() {
        assumeTrue(Blas.available(), "OpenBLAS not available");
        Fuzzer f = fuzz(Fuzzer.seed() + 1, 50);
        f.assertClean("ffm-bindings (long)");
        if (f.calls() < 100_000) {
            throw new AssertionError("only " + f.calls() + " calls");
        }
    }

    private static float scalar(Fuzzer f) {
        return switch (f.random().nextInt(5)) {
            case 0 -> 0f;
            case 1 -> 1f;
            case 2 -> -1f;
            default -> f.value(false);
        };
    }

    static long extent(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }

    static long vecExtent(int n, int inc) {
        return n == 0 ? 0 : (long) (n - 1) * Math.abs(inc) + 1;
    }

    static int index(int i, int n, int inc) {
        return inc > 0 ? i * inc : (n - 1 - i) * -inc;
    }

    static void gemm(Fuzzer f) {
        boolean ta = f.random().nextBoolean();
        boolean tb = f.random().nextBoolean();
        int m = f.size(70);
        int n = f.size(70);
        int k = f.size(70);
        boolean special = f.chance(5);
        float alpha = special ? 1f : scalar(f);
        float beta = scalar(f);
        int lda = Math.max(1, ta ? m : k) + f.between(0, 3);
        int ldb = Math.max(1, tb ? k : n) + f.between(0, 3);
        int ldc = Math.max(1, n) + f.between(0, 3);
        long ao = f.between(0, 5);
        long bo = f.between(0, 5);
        long co = f.between(0, 5);
        MemorySegment a = f.buffer(ao + extent(ta ? k : m, ta ? m : k, lda), special);
        MemorySegment b = f.buffer(bo + extent(tb ? n : k, tb ? k : n, ldb), special);
        MemorySegment c = f.buffer(co + extent(m, n, ldc), special);
        String what = "Blas.sgemm(" + ta + ", " + tb + ", m=" + m + ", n=" + n + ", k=" + k + ")";
        if (f.chance(3)) {
            MemorySegment[] s = {a, b, c};
            long[] o = {ao, bo, co};
            int[] d = {m, n, k, lda, ldb, ldc};
            switch (f.random().nextInt(5)) {
                case 0 -> {
                    int i = f.random().nextInt(3);
                    s[i] = f.spoil(s[i], true);
                }
                case 1 -> o[f.random().nextInt(3)] = f.badOffset();
                case 2 -> d[f.random().nextInt(6)] = f.badInt();
                case 3 -> s[2] = s[2].asReadOnly();
                default -> {
                    s[2] = s[0];
                    o[2] = o[0];
                }
            }
            f.invalid(what + " spoiled", () -> Blas.sgemm(ta, tb, d[0], d[1], d[2], alpha, s[0], o[0], d[3], s[1],
                    o[1], d[4], beta, s[2], o[2], d[5]));
            return;
        }
        float[] a0 = Fuzzer.floats(a);
        float[] b0 = Fuzzer.floats(b);
        float[] c0 = Fuzzer.floats(c);
        f.valid(what, () -> Blas.sgemm(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc), () -> {
            double[] ref = new double[c0.length];
            double[] scale = new double[c0.length];
            for (int i = 0; i < c0.length; i++) {
                ref[i] = c0[i];
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = (int) co + i * ldc + j;
                    double sum = 0;
                    double mag = 0;
                    boolean read = alpha != 0f && k > 0;
                    for (int p = 0; read && p < k; p++) {
                        float av = a0[(int) ao + (ta ? p * lda + i : i * lda + p)];
                        float bv = b0[(int) bo + (tb ? j * ldb + p : p * ldb + j)];
                        sum += (double) av * bv;
                        mag += Math.abs((double) av * bv);
                    }
                    double prior = beta == 0f ? 0 : beta * (double) c0[at];
                    ref[at] = (read ? alpha * sum : 0) + prior;
                    scale[at] = Math.abs(alpha) * mag + Math.abs(prior);
                }
            }
            Fuzzer.close("C", ref, scale, Fuzzer.floats(c), 2e-6);
        });
    }

    static void gemv(Fuzzer f) {
        boolean trans = f.random().nextBoolean();
        int m = f.size(90);
        int n = f.size(90);
        boolean special = f.chance(5);
        float alpha = special ? 1f : scalar(f);
        float beta = scalar(f);
        int lda = Math.max(1, n) + f.between(0, 3);
        int incx = f.between(1, 3) * (f.chance(4) ? -1 : 1);
        int incy = f.between(1, 3) * (f.chance(4) ? -1 : 1);
        int xn = trans ? m : n;
        int yn = trans ? n : m;
        long ao = f.between(0, 5);
        long xo = f.between(0, 5);
        long yo = f.between(0, 5);
        MemorySegment a = f.buffer(ao + extent(m, n, lda), special);
        MemorySegment x = f.buffer(xo + vecExtent(xn, incx), special);
        MemorySegment y = f.buffer(yo + vecExtent(yn, incy), special);
        String what = "Blas.sgemv(" + trans + ", m=" + m + ", n=" + n + ", incx=" + incx + ", incy=" + incy + ")";
        if (f.chance(3)) {
            MemorySegment[] s = {a, x, y};
            long[] o = {ao, xo, yo};
            int[] d = {m, n, lda, incx, incy};
            switch (f.random().nextInt(5)) {
                case 0 -> {
                    int i = f.random().nextInt(3);
                    s[i] = f.spoil(s[i], true);
                }
                case 1 -> o[f.random().nextInt(3)] = f.badOffset();
                case 2 -> d[f.random().nextInt(5)] = f.chance(2) ? 0 : f.badInt();
                case 3 -> s[2] = s[2].asReadOnly();
                default -> {
                    s[2] = s[1];
                    o[2] = o[1];
                }
            }
            f.invalid(what + " spoiled", () -> Blas.sgemv(trans, d[0], d[1], alpha, s[0], o[0], d[2], s[1], o[1],
                    d[3], beta, s[2], o[2], d[4]));
            return;
        }
        float[] a0 = Fuzzer.floats(a);
        float[] x0 = Fuzzer.floats(x);
        float[] y0 = Fuzzer.floats(y);
        f.valid(what, () -> Blas.sgemv(trans, m, n, alpha, a, ao, lda, x, xo, incx, beta, y, yo, incy), () -> {
            double[] ref = new double[y0.length];
            double[] scale = new double[y0.length];
            for (int i = 0; i < y0.length; i++) {
                ref[i] = y0[i];
            }
            if (m > 0 && n > 0) {
                for (int i = 0; i < yn; i++) {
                    int at = (int) yo + index(i, yn, incy);
                    double sum = 0;
                    double mag = 0;
                    for (int p = 0; alpha != 0f && p < xn; p++) {
                        float av = a0[(int) ao + (trans ? p * lda + i : i * lda + p)];
                        float xv = x0[(int) xo + index(p, xn, incx)];
                        sum += (double) av * xv;
                        mag += Math.abs((double) av * xv);
                    }
                    double prior = beta == 0f ? 0 : beta * (double) y0[at];
                    ref[at] = (alpha != 0f ? alpha * sum : 0) + prior;
                    scale[at] = Math.abs(alpha) * mag + Math.abs(prior);
                }
            }
            Fuzzer.close("y", ref, scale, Fuzzer.floats(y), 2e-6);
        });
    }

    static void level1(Fuzzer f) {
        int op = f.random().nextInt(4);
        int n = f.size(200);
        int incx = f.between(1, 3) * (op < 2 && f.chance(4) ? -1 : 1);
        int incy = f.between(1, 3) * (f.chance(4) ? -1 : 1);
        long xo = f.between(0, 5);
        long yo = f.between(0, 5);
        boolean special = f.chance(6);
        float alpha = special ? 1f : scalar(f);
        MemorySegment x = f.buffer(xo + vecExtent(n, incx), special);
        MemorySegment y = f.buffer(yo + vecExtent(n, incy), special);
        float[] x0 = Fuzzer.floats(x);
        float[] y0 = Fuzzer.floats(y);
        String name = new String[] {"saxpy", "sdot", "snrm2", "sscal"}[op] + "(n=" + n + ", incx=" + incx
                + ", incy=" + incy + ")";
        if (f.chance(3)) {
            MemorySegment[] s = {x, y};
            long[] o = {xo, yo};
            int[] d = {n, incx, incy};
            switch (f.random().nextInt(5)) {
                case 0 -> {
                    int i = f.random().nextInt(2);
                    s[i] = f.spoil(s[i], true);
                }
                case 1 -> o[f.random().nextInt(2)] = f.badOffset();
                case 2 -> d[f.random().nextInt(3)] = f.chance(2) ? 0 : f.badInt();
                case 3 -> {
                    s[op == 0 ? 1 : 0] = s[op == 0 ? 1 : 0].asReadOnly();
                    d[1] = op >= 2 ? -Math.abs(d[1]) - 1 : d[1];
                }
                default -> {
                    s[1] = s[0];
                    o[1] = o[0] + 1; // overlapping but not identical
                }
            }
            f.invalid(name + " spoiled", () -> {
                switch (op) {
                    case 0 -> Blas.saxpy(d[0], alpha, s[0], o[0], d[1], s[1], o[1], d[2]);
                    case 1 -> Blas.sdot(d[0], s[0], o[0], d[1], s[1], o[1], d[2]);
                    case 2 -> Blas.snrm2(d[0], s[0], o[0], d[1]);
                    default -> Blas.sscal(d[0], alpha, s[0], o[0], d[1]);
                }
            });
            return;
        }
        float[] result = new float[1];
        f.valid(name, () -> {
            switch (op) {
                case 0 -> Blas.saxpy(n, alpha, x, xo, incx, y, yo, incy);
                case 1 -> result[0] = Blas.sdot(n, x, xo, incx, y, yo, incy);
                case 2 -> result[0] = Blas.snrm2(n, x, xo, incx);
                default -> Blas.sscal(n, alpha, x, xo, incx);
            }
        }, () -> {
            switch (op) {
                case 0 -> {
                    double[] ref = new double[y0.length];
                    double[] scale = new double[y0.length];
                    for (int i = 0; i < ref.length; i++) {
                        ref[i] = y0[i];
                    }
                    for (int i = 0; i < n; i++) {
                        int yi = (int) yo + index(i, n, incy);
                        double xv = x0[(int) xo + index(i, n, incx)];
                        ref[yi] = alpha == 0f ? y0[yi] : y0[yi] + alpha * xv;
                        scale[yi] = Math.abs(y0[yi]) + Math.abs(alpha * xv);
                    }
                    Fuzzer.close("y", ref, scale, Fuzzer.floats(y), 2e-7);
                }
                case 1 -> {
                    double s = 0;
                    double mag = 0;
                    for (int i = 0; i < n; i++) {
                        double p = (double) x0[(int) xo + index(i, n, incx)] * y0[(int) yo + index(i, n, incy)];
                        s += p;
                        mag += Math.abs(p);
                    }
                    Fuzzer.close("dot", new double[] {s}, new double[] {mag}, result, 2e-6);
                }
                case 2 -> {
                    double s = 0;
                    boolean inf = false;
                    boolean nan = false;
                    for (int i = 0; i < n; i++) {
                        double v = x0[(int) xo + i * incx];
                        inf |= Double.isInfinite(v);
                        nan |= Double.isNaN(v);
                        s += v * v;
                    }
                    // A NaN or an infinity gives a non-finite norm; BLAS implementations differ on which.
                    if (nan || inf) {
                        if (Float.isFinite(result[0])) {
                            throw new AssertionError("snrm2 of a non-finite vector is " + result[0]);
                        }
                    } else {
                        Fuzzer.close("nrm2", new double[] {Math.sqrt(s)}, null, result, 2e-6);
                    }
                }
                default -> {
                    double[] ref = new double[x0.length];
                    for (int i = 0; i < ref.length; i++) {
                        ref[i] = x0[i];
                    }
                    for (int i = 0; i < n; i++) {
                        int xi = (int) xo + i * incx;
                        ref[xi] = alpha * (double) x0[xi];
                    }
                    Fuzzer.close("x", ref, null, Fuzzer.floats(x), 2e-7);
                }
            }
        });
    }

    static void threads(Fuzzer f) {
        int before = Blas.threads();
        int n = f.chance(2) ? f.badInt() : f.between(1, 2);
        f.call("Blas.setThreads(" + n + ")", n >= 1, () -> Blas.setThreads(n), null);
        Blas.setThreads(before);
    }
}
