package dev.gatun.gemm;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatun.blas.Blas;
import dev.gatun.gemm.GemmReference.GemmCase;
import dev.gatun.kernels.Vectorization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Every provider against the double-precision reference ({@link GemmReference}): awkward sizes, all four
 * transposes, alpha and beta (beta 0 over a NaN-filled C), offsets, leading dimensions larger than the rows, heap
 * segments for the Java providers, GEMV shapes ({@code m == 1}, {@code n == 1}), {@code k == 0} and {@code k == 1},
 * sizes that cross the Java GEMM's block boundaries, and the GEMV entry points with strided and negative strides.
 */
class GemmProvidersTest {
    private static final int[] SIZES = {1, 2, 15, 17, 37, 100, 129, 300};

    /** The providers under test, by name; {@code java12} and {@code java6} are the two tile heights. */
    static GemmProvider provider(String name) {
        return switch (name) {
            case "openblas" -> {
                assumeTrue(Blas.available(), "OpenBLAS is not available: " + Blas.info());
                yield OpenBlasGemm.instance();
            }
            case "java12" -> {
                assumeTrue(Vectorization.enabled(), Vectorization.describe());
                yield new PanamaGemm(12);
            }
            case "java6" -> {
                assumeTrue(Vectorization.enabled(), Vectorization.describe());
                yield new PanamaGemm(6);
            }
            case "scalar" -> ScalarGemm.INSTANCE;
            case "facade" -> Gemm.provider();
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static GemmReference.Sgemm sgemmOf(String name) {
        if (name.equals("facade")) {
            return Gemm::sgemm;
        }
        return provider(name)::sgemm;
    }

    /** Random cases from the awkward sizes, every transpose, both kinds of memory. */
    static List<GemmCase> randomCases(Arena arena, long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        List<GemmCase> cases = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            int m = SIZES[r.nextInt(SIZES.length)];
            int n = SIZES[r.nextInt(SIZES.length)];
            int k = SIZES[r.nextInt(SIZES.length)];
            if (r.nextInt(4) == 0) {  // also sizes between the listed ones, small enough to keep the reference quick
                m = r.nextInt(1, 64);
                n = r.nextInt(1, 80);
            }
            if ((long) m * n * k > 3_000_000) {
                k = Math.max(1, k / 4);
            }
            cases.add(GemmReference.randomCase(arena, r, (t & 1) != 0, (t & 2) != 0, m, n, k,
                    GemmReference.randomAlpha(r), GemmReference.randomBeta(r), r.nextInt(4) == 0));
        }
        return cases;
    }

    /** The named edge shapes: vectors, empty and unit depth, block boundaries of the Java GEMM. */
    static List<GemmCase> edgeCases(Arena arena, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[][] shapes = {
            {1, 1, 1}, {1, 37, 17}, {37, 1, 17}, {1, 300, 129}, {300, 1, 129}, {17, 15, 0}, {1, 5, 0}, {5, 1, 0},
            {15, 17, 1}, {2, 2, 2}, {13, 33, 5},
            {200, 40, 300},      // m > MC (192), k > KC (256): several A blocks, beta only in the first k block
            {12, 1100, 20},      // n > NC (1024), B read in place (m <= 48)
            {48, 97, 258},       // in place, narrow last panel, two k blocks
            {49, 64, 64},        // just above the in-place limit
            {7, 16, 9}, {6, 32, 9}, {25, 31, 3}, {24, 33, 300},
        };
        List<GemmCase> cases = new ArrayList<>();
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                float alpha = t == 3 ? 0.5f : 1f;
                float beta = switch (t) {
                    case 0 -> 0f;
                    case 1 -> 1f;
                    default -> -0.75f;
                };
                cases.add(GemmReference.randomCase(arena, r, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], alpha, beta,
                        false));
            }
        }
        return cases;
    }

    @ParameterizedTest
    @ValueSource(strings = {"openblas", "java12", "java6", "scalar", "facade"})
    void randomShapesMatchTheReference(String name) {
        GemmReference.Sgemm gemm = sgemmOf(name);
        try (Arena arena = Arena.ofConfined()) {
            for (GemmCase c : randomCases(arena, 20251121L, 120)) {
                double err = c.check(arena, gemm);
                assertTrue(err <= 1, () -> name + " " + c + ": error " + err + " x tolerance");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openblas", "java12", "java6", "scalar", "facade"})
    void edgeShapesMatchTheReference(String name) {
        GemmReference.Sgemm gemm = sgemmOf(name);
        try (Arena arena = Arena.ofConfined()) {
            for (GemmCase c : edgeCases(arena, 7L)) {
                double err = c.check(arena, gemm);
                assertTrue(err <= 1, () -> name + " " + c + ": error " + err + " x tolerance");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openblas", "java12", "java6", "scalar", "facade"})
    void gemvMatchesTheReference(String name) {
        GemmReference.Sgemv gemv = name.equals("facade") ? Gemm::sgemv : provider(name)::sgemv;
        SplittableRandom r = new SplittableRandom(99);
        int[] incs = {1, 1, 2, -1, -3};
        try (Arena arena = Arena.ofConfined()) {
            for (int t = 0; t < 80; t++) {
                int m = t < 8 ? SIZES[t] : r.nextInt(1, 300), n = t < 8 ? SIZES[7 - t] : r.nextInt(1, 300);
                boolean trans = r.nextBoolean();
                int incx = incs[r.nextInt(incs.length)], incy = incs[r.nextInt(incs.length)];
                float alpha = GemmReference.randomAlpha(r), beta = GemmReference.randomBeta(r);
                boolean heap = !name.equals("openblas") && r.nextInt(4) == 0;
                double err = GemmReference.checkGemv(arena, r, gemv, trans, m, n, incx, incy, alpha, beta, heap);
                int mm = m, nn = n;
                assertTrue(err <= 1, () -> name + " sgemv(" + (trans ? "T" : "N") + ", m=" + mm + ", n=" + nn
                        + ", incx=" + incx + ", incy=" + incy + ", alpha=" + alpha + ", beta=" + beta + ", heap="
                        + heap + "): error " + err + " x tolerance");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openblas", "java12", "java6", "scalar"})
    void largeBlockedProductMatchesTheReference(String name) {
        // Every loop of the blocked GEMM runs more than once: 2 A blocks, 2 k blocks, 2 B blocks.
        GemmProvider p = provider(name);
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom r = new SplittableRandom(5);
            for (int t = 0; t < 4; t++) {
                GemmCase c = GemmReference.randomCase(arena, r, (t & 1) != 0, (t & 2) != 0, 197, 1031, 263, 1.5f,
                        t == 0 ? 0f : 0.5f, false);
                double err = c.check(arena, p::sgemm);
                assertTrue(err <= 1, () -> name + " " + c + ": error " + err + " x tolerance");
            }
        }
    }
}
