package dev.gatun.fuzz;

import dev.gatun.blas.Blas;
import dev.gatun.gemm.Gemm;
import dev.gatun.gemm.GemmProvider;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes {@link Gemm#sgemm}/{@link Gemm#sgemv} and every {@link GemmProvider} (OpenBLAS when loaded, the Vector API
 * GEMM, the scalar GEMM): random transposes, sizes, offsets, leading dimensions and strides, alpha/beta in
 * {0, 1, -1, random}, NaN/Inf inputs, heap segments; valid calls are compared with a double-precision reference,
 * spoiled ones (null, closed, too small, read-only, overlapping, bad dimension/offset/ld/inc) must throw a documented
 * exception.
 */
final class GemmFuzz {
    private GemmFuzz() {}

    interface Sgemm {
        void run(boolean ta, boolean tb, int m, int n, int k, float alpha, MemorySegment a, long ao, int lda,
                 MemorySegment b, long bo, int ldb, float beta, MemorySegment c, long co, int ldc);
    }

    interface Sgemv {
        void run(boolean trans, int m, int n, float alpha, MemorySegment a, long ao, int lda, MemorySegment x,
                 long xo, int incx, float beta, MemorySegment y, long yo, int incy);
    }

    record Impl(String name, Sgemm gemm, Sgemv gemv) {}

    static List<Impl> impls() {
        List<Impl> l = new ArrayList<>();
        l.add(new Impl("Gemm", Gemm::sgemm, Gemm::sgemv));
        List<GemmProvider> ps = new ArrayList<>(List.of(GemmProvider.javaVector(), GemmProvider.scalar()));
        if (Blas.available()) {
            ps.add(GemmProvider.openBlas());
        }
        for (GemmProvider p : ps) {
            l.add(new Impl(p.name(), p::sgemm, p::sgemv));
        }
        return l;
    }

    private static final List<Impl> IMPLS = impls();

    private static float scalar(Fuzzer f) {
        return switch (f.random().nextInt(5)) {
            case 0 -> 0f;
            case 1 -> 1f;
            case 2 -> -1f;
            default -> f.value(false);
        };
    }

    static void fuzzGemm(Fuzzer f) {
        Impl impl = IMPLS.get(f.random().nextInt(IMPLS.size()));
        boolean ta = f.random().nextBoolean();
        boolean tb = f.random().nextBoolean();
        int m = f.size(70);
        int n = f.size(70);
        int k = f.size(70);
        boolean special = f.chance(5);
        float alpha = special ? (f.chance(2) ? 1f : -0.5f) : scalar(f);
        float beta = scalar(f);
        int aRows = ta ? k : m;
        int aCols = ta ? m : k;
        int bRows = tb ? n : k;
        int bCols = tb ? k : n;
        int lda = Math.max(1, aCols) + f.between(0, 3);
        int ldb = Math.max(1, bCols) + f.between(0, 3);
        int ldc = Math.max(1, n) + f.between(0, 3);
        long ao = f.between(0, 5);
        long bo = f.between(0, 5);
        long co = f.between(0, 5);
        boolean heap = f.chance(6);
        MemorySegment a = seg(f, ao + extent(aRows, aCols, lda), special, heap);
        MemorySegment b = seg(f, bo + extent(bRows, bCols, ldb), special, heap);
        MemorySegment c = seg(f, co + extent(m, n, ldc), special, heap && f.chance(2));
        String what = impl.name() + ".sgemm(" + ta + ", " + tb + ", m=" + m + ", n=" + n + ", k=" + k + ", alpha="
                + alpha + ", beta=" + beta + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ")";
        if (f.chance(3)) {
            MemorySegment[] s = {a, b, c};
            long[] o = {ao, bo, co};
            int[] d = {m, n, k, lda, ldb, ldc};
            switch (f.random().nextInt(5)) {
                case 0 -> {
                    int i = f.random().nextInt(3);
                    s[i] = f.spoil(s[i], false);
                }
                case 1 -> o[f.random().nextInt(3)] = f.badOffset();
                case 2 -> d[f.random().nextInt(6)] = f.badInt();
                case 3 -> s[2] = s[2].asReadOnly();
                default -> {
                    s[2] = s[f.random().nextInt(2)]; // C aliases an input
                    o[2] = o[s[2] == s[0] ? 0 : 1];
                }
            }
            f.invalid(what + " spoiled", () -> impl.gemm().run(ta, tb, d[0], d[1], d[2], alpha, s[0], o[0], d[3],
                    s[1], o[1], d[4], beta, s[2], o[2], d[5]));
            return;
        }
        float[] a0 = Fuzzer.floats(a);
        float[] b0 = Fuzzer.floats(b);
        float[] c0 = Fuzzer.floats(c);
        f.valid(what, () -> impl.gemm().run(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc), () -> {
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

    static void fuzzGemv(Fuzzer f) {
        Impl impl = IMPLS.get(f.random().nextInt(IMPLS.size()));
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
        boolean heap = f.chance(6);
        MemorySegment a = seg(f, ao + extent(m, n, lda), special, heap);
        MemorySegment x = seg(f, xo + vecExtent(xn, incx), special, heap);
        MemorySegment y = seg(f, yo + vecExtent(yn, incy), special, heap && f.chance(2));
        String what = impl.name() + ".sgemv(" + trans + ", m=" + m + ", n=" + n + ", alpha=" + alpha + ", beta="
                + beta + ", lda=" + lda + ", incx=" + incx + ", incy=" + incy + ")";
        if (f.chance(3)) {
            MemorySegment[] s = {a, x, y};
            long[] o = {ao, xo, yo};
            int[] d = {m, n, lda, incx, incy};
            switch (f.random().nextInt(5)) {
                case 0 -> {
                    int i = f.random().nextInt(3);
                    s[i] = f.spoil(s[i], false);
                }
                case 1 -> o[f.random().nextInt(3)] = f.badOffset();
                case 2 -> d[f.random().nextInt(5)] = f.chance(2) ? 0 : f.badInt();
                case 3 -> s[2] = s[2].asReadOnly();
                default -> {
                    s[2] = s[1];
                    o[2] = o[1];
                }
            }
            f.invalid(what + " spoiled", () -> impl.gemv().run(trans, d[0], d[1], alpha, s[0], o[0], d[2], s[1],
                    o[1], d[3], beta, s[2], o[2], d[4]));
            return;
        }
        float[] a0 = Fuzzer.floats(a);
        float[] x0 = Fuzzer.floats(x);
        float[] y0 = Fuzzer.floats(y);
        f.valid(what, () -> impl.gemv().run(trans, m, n, alpha, a, ao, lda, x, xo, incx, beta, y, yo, incy), () -> {
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

    /** Element i of a BLAS vector of n elements with stride inc (negative: walked from the end). */
    static int index(int i, int n, int inc) {
        return inc > 0 ? i * inc : (n - 1 - i) * -inc;
    }

    static long extent(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }

    static long vecExtent(int n, int inc) {
        return n == 0 ? 0 : (long) (n - 1) * Math.abs(inc) + 1;
    }

    private static MemorySegment seg(Fuzzer f, long floats, boolean special, boolean heap) {
        MemorySegment s = f.buffer(floats, special);
        if (!heap) {
            return s;
        }
        return MemorySegment.ofArray(s.toArray(ValueLayout.JAVA_FLOAT));
    }
}
