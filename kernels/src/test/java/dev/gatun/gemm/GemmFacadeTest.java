package dev.gatun.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatun.blas.Blas;
import dev.gatun.kernels.Vectorization;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The facade: provider choice, argument checks through BlasChecks, and the cases that must not read A or B. */
class GemmFacadeTest {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    private static MemorySegment filled(Arena arena, int n, float value) {
        MemorySegment s = arena.allocate(ValueLayout.JAVA_FLOAT, n);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(FLOAT, i, value);
        }
        return s;
    }

    @Test
    void providerFollowsWhatThisProcessHas() {
        String forced = System.getProperty("gatun.gemm", "auto");
        assumeTrue(forced.equals("auto"), "gatun.gemm is forced to " + forced);
        String expected = Blas.available() ? "openblas" : Vectorization.enabled() ? "java" : "scalar";
        assertEquals(expected, Gemm.provider().name());
        assertTrue(Gemm.provider().toString().startsWith(expected), Gemm.provider().toString());
        assertEquals(Vectorization.enabled() ? "java" : "scalar", GemmProvider.javaVector().name());
        assertEquals("scalar", GemmProvider.scalar().name());
    }

    @Test
    void badLeadingDimensionIsRejectedWithTheShapes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = filled(arena, 64, 1f), b = filled(arena, 64, 1f), c = filled(arena, 64, 1f);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Gemm.sgemm(false, false, 2, 3, 4, 1f, a, 0, 3, b, 0, 3, 0f, c, 0, 3));
            assertTrue(e.getMessage().contains("lda=3 < k=4") && e.getMessage().contains("A (m=2 x k=4"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Gemm.sgemv(true, 4, 3, 1f, a, 0, 2, b, 0, 1, 0f, c, 0, 1));
            assertTrue(e.getMessage().contains("lda=2 < n=3"), e.getMessage());
            // The same checks guard the providers' own entry points, heap segments included.
            MemorySegment heap = MemorySegment.ofArray(new float[64]);
            e = assertThrows(IllegalArgumentException.class,
                    () -> GemmProvider.javaVector().sgemm(false, true, 2, 3, 4, 1f, heap, 0, 4, heap, 0, 3, 0f,
                            c, 0, 3));
            assertTrue(e.getMessage().contains("ldb=3 < k=4"), e.getMessage());
        }
    }

    @Test
    void heapSegmentsWorkWhateverTheProvider() {
        float[] a = {1, 2, 3, 4, 5, 6};          // (2, 3)
        float[] b = {1, 0, 0, 1, 1, 1};          // (3, 2)
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        Gemm.sgemm(false, false, 2, 2, 3, 1f, MemorySegment.ofArray(a), 0, 3, MemorySegment.ofArray(b), 0, 2, 0f,
                MemorySegment.ofArray(c), 0, 2);
        assertEquals(java.util.List.of(4f, 5f, 10f, 11f), java.util.List.of(c[0], c[1], c[2], c[3]));
    }

    @Test
    void alphaZeroOrEmptyDepthOnlyScalesC() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nan = filled(arena, 64, Float.NaN);  // A and B must not be read
            MemorySegment c = filled(arena, 12, 2f);
            Gemm.sgemm(false, false, 3, 4, 5, 0f, nan, 0, 5, nan, 0, 4, 0.5f, c, 0, 4);
            for (int i = 0; i < 12; i++) {
                assertEquals(1f, c.getAtIndex(FLOAT, i));
            }
            Gemm.sgemm(true, true, 3, 4, 0, 1f, nan, 0, 3, nan, 0, 1, -2f, c, 0, 4);
            for (int i = 0; i < 12; i++) {
                assertEquals(-2f, c.getAtIndex(FLOAT, i));
            }
            MemorySegment garbage = filled(arena, 12, Float.NaN);
            Gemm.sgemm(false, false, 3, 4, 0, 1f, nan, 0, 1, nan, 0, 4, 0f, garbage, 0, 4);
            for (int i = 0; i < 12; i++) {
                assertEquals(0f, garbage.getAtIndex(FLOAT, i));
            }
            // gemv with alpha 0 reads neither A nor x
            MemorySegment y = filled(arena, 3, 4f);
            Gemm.sgemv(false, 3, 5, 0f, nan, 0, 5, nan, 0, 1, 0.25f, y, 0, 1);
            assertEquals(1f, y.getAtIndex(FLOAT, 2));
        }
    }

    @Test
    void emptyOutputsAreNoOps() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = filled(arena, 4, 3f);
            Gemm.sgemm(false, false, 0, 2, 2, 1f, s, 0, 2, s, 0, 2, 0f, arena.allocate(4), 0, 2);
            Gemm.sgemv(false, 0, 2, 1f, s, 0, 2, s, 0, 1, 0f, arena.allocate(4), 0, 1);
            MemorySegment y = filled(arena, 2, 3f);
            Gemm.sgemv(true, 0, 2, 1f, s, 0, 2, s, 0, 1, 0f, y, 0, 1);  // as in BLAS: y is not even scaled
            assertEquals(3f, y.getAtIndex(FLOAT, 1));
        }
    }
}
