package dev.gatun.blas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every operation of the system and the bundled OpenBLAS against {@link Reference}: awkward sizes, both transposes,
 * alpha/beta, non-zero offsets, leading dimensions above the column count, negative strides, and sizes on both sides
 * of the critical-downcall limit.
 */
class BlasOpsTest {

    static final int[] SIZES = {1, 2, 15, 17, 37};

    static Stream<Arguments> libraries() {
        return Stream.of(
                Arguments.of("system", (Supplier<BlasLibrary>) TestLibraries::system),
                Arguments.of("bundled", (Supplier<BlasLibrary>) TestLibraries::bundled));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void sgemmMatchesReferenceOnAwkwardShapes(String name, Supplier<BlasLibrary> library) {
        BlasLibrary blas = library.get();
        Random random = new Random(42);
        int calls = 0;
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : SIZES) {
                    for (int t = 0; t < 4; t++) {
                        checkGemm(blas, random, t >= 2, (t & 1) == 1, m, n, k);
                        calls++;
                    }
                }
            }
        }
        assertEquals(SIZES.length * SIZES.length * SIZES.length * 4, calls);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void sgemmLargerShapesUseBlockedKernels(String name, Supplier<BlasLibrary> library) {
        BlasLibrary blas = library.get();
        Random random = new Random(7);
        checkGemm(blas, random, false, false, 129, 131, 67);
        checkGemm(blas, random, true, true, 97, 64, 203);
        checkGemm(blas, random, true, false, 256, 33, 128);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void sgemmWithKZeroScalesC(String name, Supplier<BlasLibrary> library) {
        BlasLibrary blas = library.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(4);
            MemorySegment b = arena.allocate(4);
            MemorySegment c = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 2, 3, 4, 5, 6);
            blas.sgemm(false, false, 2, 3, 0, 1f, a, 0, 1, b, 0, 3, 0.5f, c, 0, 3);
            assertArrayClose(new float[] {0.5f, 1, 1.5f, 2, 2.5f, 3}, c.toArray(ValueLayout.JAVA_FLOAT));
            // beta == 0: C is overwritten, never read, even if it holds NaN
            c.fill((byte) 0xFF);
            blas.sgemm(true, true, 2, 3, 0, 1f, a, 0, 2, b, 0, 1, 0f, c, 0, 3);
            assertArrayClose(new float[6], c.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void zeroSizedCallsLeaveOutputsAlone(String name, Supplier<BlasLibrary> library) {
        BlasLibrary blas = library.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 2, 3, 4);
            MemorySegment empty = arena.allocate(0);
            blas.sgemm(false, false, 0, 2, 2, 1f, empty, 0, 2, c, 0, 2, 0f, empty, 0, 2);
            blas.sgemm(false, false, 2, 0, 2, 1f, c, 0, 2, empty, 0, 1, 0f, empty, 0, 1);
            blas.sgemv(false, 2, 0, 1f, empty, 0, 1, empty, 0, 1, 0f, c, 0, 1);
            blas.saxpy(0, 2f, empty, 0, 1, c, 0, 1);
            blas.sscal(0, 2f, c, 0, 1);
            assertEquals(0f, blas.sdot(0, empty, 0, 1, empty, 0, 1));
            assertEquals(0f, blas.snrm2(0, empty, 0, 1));
            assertArrayClose(new float[] {1, 2, 3, 4}, c.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void sgemvMatchesReference(String name, Supplier<BlasLibrary> library) {
        BlasLibrary blas = library.get();
        Random random = new Random(11);
        int[] sizes = {1, 15, 17, 37, 300}; // 300 x 300 is above the critical-downcall limit
        int[][] incs = {{1, 1}, {2, 3}, {-1, 1}, {1, -2}, {-3, -1}};
        for (int m : sizes) {
            for (int n : sizes) {
                for (boolean trans : new boolean[] {false, true}) {
                    int[] inc = incs[random.nextInt(incs.length)];
                    checkGemv(blas, random, trans, m, n, inc[0], inc[1]);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void level1MatchesReference(String name, Supplier<BlasLibrary> library) {
        BlasLibrary blas = library.get();
        Random random = new Random(5);
        int[] sizes = {1, 15, 17, 37, 1000, (int) BlasLibrary.CRITICAL_MAX_ELEMENTS + 3};
        int[][] incs = {{1, 1}, {2, 1}, {1, 3}, {-1, 1}, {2, -2}, {-3, -1}};
        try (Arena arena = Arena.ofConfined()) {
            for (int n : sizes) {
                for (int[] inc : incs) {
                    int incx = inc[0], incy = inc[1];
                    int xOff = random.nextInt(4), yOff = random.nextInt(4);
                    float[] x = random(random, xOff + (n - 1) * Math.abs(incx) + 1 + random.nextInt(3));
                    float[] y = random(random, yOff + (n - 1) * Math.abs(incy) + 1 + random.nextInt(3));
                    MemorySegment xs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
                    MemorySegment ys = arena.allocateFrom(ValueLayout.JAVA_FLOAT, y);
                    String where = "n=" + n + " incx=" + incx + " incy=" + incy;

                    double dot = Reference.sdot(n, x, xOff, incx, y, yOff, incy);
                    double dotBound = 1e-6 * n * Reference.snrm2(n, x, xOff, incx) * Reference.snrm2(n, y, yOff, incy);
                    assertClose(dot, blas.sdot(n, xs, xOff, incx, ys, yOff, incy), dotBound + 1e-6, "sdot " + where);

                    // snrm2 and sscal take positive strides only (BLAS ignores negative ones there)
                    int incPos = Math.abs(incx);
                    double nrm = Reference.snrm2(n, x, xOff, incPos);
                    assertClose(nrm, blas.snrm2(n, xs, xOff, incPos), 1e-6 * nrm, "snrm2 " + where);

                    float alpha = random.nextFloat() * 4 - 2;
                    Reference.saxpy(n, alpha, x, xOff, incx, y, yOff, incy);
                    blas.saxpy(n, alpha, xs, xOff, incx, ys, yOff, incy);
                    assertArrayClose(y, ys.toArray(ValueLayout.JAVA_FLOAT), 1e-6, "saxpy " + where);

                    Reference.sscal(n, alpha, x, xOff, incPos);
                    blas.sscal(n, alpha, xs, xOff, incPos);
                    assertArrayClose(x, xs.toArray(ValueLayout.JAVA_FLOAT), 1e-6, "sscal " + where);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void saxpyWithXAndYTheSameElements(String name, Supplier<BlasLibrary> library) {
        BlasLibrary blas = library.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 2, 3, 4, 5);
            blas.saxpy(5, 2f, v, 0, 1, v, 0, 1); // y = 2y + y
            assertArrayClose(new float[] {3, 6, 9, 12, 15}, v.toArray(ValueLayout.JAVA_FLOAT));
            // Interleaved (x at even, y at odd positions) shares no element: allowed.
            MemorySegment w = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 10, 2, 20, 3, 30);
            blas.saxpy(3, 1f, w, 0, 2, w, 1, 2);
            assertArrayClose(new float[] {1, 11, 2, 22, 3, 33}, w.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void sgemmOnColumnBlocksOfOneBuffer(String name, Supplier<BlasLibrary> library) {
        // Z is 3 x 8 row-major; A = Z[:, 0:2] (3 x 2), C = Z[:, 4:7] (3 x 3), B separate (2 x 3). C shares the rows
        // of A but no element, which RNN code does with concatenated gate buffers.
        BlasLibrary blas = library.get();
        float[] z = new float[24];
        for (int i = 0; i < z.length; i++) {
            z[i] = i + 1;
        }
        float[] b = {1, 2, 3, 4, 5, 6};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment zs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, z);
            MemorySegment bs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
            blas.sgemm(false, false, 3, 3, 2, 1f, zs, 0, 8, bs, 0, 3, 0f, zs, 4, 8);
            Reference.sgemm(false, false, 3, 3, 2, 1f, z, 0, 8, b, 0, 3, 0f, z, 4, 8);
            assertArrayClose(z, zs.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @Test
    void facadeUsesTheDiscoveredLibrary() {
        assertTrue(Blas.available(), Blas.info().toString());
        Random random = new Random(3);
        float[] a = random(random, 6), b = random(random, 6), c = new float[4];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment as = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
            MemorySegment bs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
            MemorySegment cs = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
            Blas.sgemm(false, false, 2, 2, 3, 1f, as, 0, 3, bs, 0, 2, 0f, cs, 0, 2);
            Reference.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
            assertArrayClose(c, cs.toArray(ValueLayout.JAVA_FLOAT), 1e-6, "facade sgemm");

            MemorySegment x = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 3, 4);
            assertEquals(5f, Blas.snrm2(2, x, 0, 1), 1e-6f);
            assertEquals(25f, Blas.sdot(2, x, 0, 1, x, 0, 1), 1e-5f);
            Blas.sscal(2, 2f, x, 0, 1);
            Blas.saxpy(2, -1f, arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 1), 0, 1, x, 0, 1);
            assertArrayClose(new float[] {5, 7}, x.toArray(ValueLayout.JAVA_FLOAT));
            MemorySegment y = arena.allocate(ValueLayout.JAVA_FLOAT, 2);
            MemorySegment ones = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 1, 1);
            Blas.sgemv(false, 2, 3, 1f, as, 0, 3, ones, 0, 1, 0f, y, 0, 1);
            assertArrayClose(new float[] {a[0] + a[1] + a[2], a[3] + a[4] + a[5]}, y.toArray(ValueLayout.JAVA_FLOAT),
                    1e-6, "facade sgemv");
        }
    }

    // ---- helpers

    private static void checkGemm(BlasLibrary blas, Random random, boolean transA, boolean transB,
                                  int m, int n, int k) {
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + random.nextInt(3), ldb = bCols + random.nextInt(3), ldc = n + random.nextInt(3);
        int aOff = random.nextInt(4), bOff = random.nextInt(4), cOff = random.nextInt(4);
        float[] a = random(random, aOff + (aRows - 1) * lda + aCols + random.nextInt(2));
        float[] b = random(random, bOff + (bRows - 1) * ldb + bCols + random.nextInt(2));
        float[] c = random(random, cOff + (m - 1) * ldc + n + random.nextInt(2));
        float alpha = random.nextBoolean() ? 1f : random.nextFloat() * 4 - 2;
        float beta = switch (random.nextInt(3)) {
            case 0 -> 0f;
            case 1 -> 1f;
            default -> random.nextFloat() * 2 - 1;
        };
        float[] cOld = c.clone();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment as = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
            MemorySegment bs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
            MemorySegment cs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c);
            blas.sgemm(transA, transB, m, n, k, alpha, as, aOff, lda, bs, bOff, ldb, beta, cs, cOff, ldc);
            Reference.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            float[] got = cs.toArray(ValueLayout.JAVA_FLOAT);
            for (int idx = 0; idx < c.length; idx++) {
                int rel = idx - cOff;
                boolean inC = rel >= 0 && rel / ldc < m && rel % ldc < n;
                double bound = inC ? Reference.gemmBound(transA, transB, k, alpha, a, aOff, lda, b, bOff, ldb, beta,
                        cOld[idx], rel / ldc, rel % ldc) : 0;
                if (Math.abs(got[idx] - c[idx]) > bound) {
                    fail("sgemm transA=" + transA + " transB=" + transB + " m=" + m + " n=" + n + " k=" + k
                            + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " offsets " + aOff + "/" + bOff + "/"
                            + cOff + " alpha=" + alpha + " beta=" + beta + ": element " + idx
                            + (inC ? "" : " (outside C)")
                            + " is " + got[idx] + ", expected " + c[idx] + " +- " + bound);
                }
            }
        }
    }

    private static void checkGemv(BlasLibrary blas, Random random, boolean trans, int m, int n, int incx, int incy) {
        int lda = n + random.nextInt(3);
        int aOff = random.nextInt(4), xOff = random.nextInt(4), yOff = random.nextInt(4);
        int lenX = trans ? m : n, lenY = trans ? n : m;
        float[] a = random(random, aOff + (m - 1) * lda + n);
        float[] x = random(random, xOff + (lenX - 1) * Math.abs(incx) + 1);
        float[] y = random(random, yOff + (lenY - 1) * Math.abs(incy) + 1 + random.nextInt(2));
        float alpha = random.nextFloat() * 4 - 2;
        float beta = random.nextBoolean() ? 0f : random.nextFloat() * 2 - 1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment as = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
            MemorySegment xs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
            MemorySegment ys = arena.allocateFrom(ValueLayout.JAVA_FLOAT, y);
            blas.sgemv(trans, m, n, alpha, as, aOff, lda, xs, xOff, incx, beta, ys, yOff, incy);
            Reference.sgemv(trans, m, n, alpha, a, aOff, lda, x, xOff, incx, beta, y, yOff, incy);
            double scale = Math.max(1, Math.max(m, n)) * 1e-6 * 4;
            assertArrayClose(y, ys.toArray(ValueLayout.JAVA_FLOAT), scale,
                    "sgemv trans=" + trans + " m=" + m + " n=" + n + " incx=" + incx + " incy=" + incy);
        }
    }

    static float[] random(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }

    static void assertArrayClose(float[] expected, float[] actual) {
        assertArrayClose(expected, actual, 1e-6, "");
    }

    /** Element-wise |expected - actual| <= relTol * max(1, |expected|). */
    static void assertArrayClose(float[] expected, float[] actual, double relTol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tol = relTol * Math.max(1, Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i] + " +- " + tol);
            }
        }
    }

    private static void assertClose(double expected, double actual, double tol, String what) {
        if (!(Math.abs(expected - actual) <= tol)) {
            fail(what + ": " + actual + ", expected " + expected + " +- " + tol);
        }
    }
}
