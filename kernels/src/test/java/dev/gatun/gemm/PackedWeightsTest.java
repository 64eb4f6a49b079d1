package dev.gatun.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link PackedWeights} against the scalar GEMM {@code Y = X W^T + beta Y} on odd sizes, and its argument checks. */
class PackedWeightsTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    @Test
    void matchesTheScalarGemmOnOddSizes() {
        assumeTrue(PackedWeights.available(), "Vector API kernels disabled");
        Random rnd = new Random(7);
        try (PackedWeights p = new PackedWeights()) {   // one buffer reused across sizes, growing and shrinking
            checkAll(rnd, p);
        }
        if (PanamaMicroKernels.defaultRows() == 12) {   // 32 vector registers: 8- and 12-row tiles
            assertEquals(8, PanamaGemm.tileRowsFor(32), "a batch of 32: four 8-row panels, not 36 rows");
            assertEquals(12, PanamaGemm.tileRowsFor(36));
            assertEquals(12, PanamaGemm.tileRowsFor(24), "a tie goes to the taller tile");
        }
    }

    @Test
    void useAfterCloseThrows() {
        assumeTrue(PackedWeights.available(), "Vector API kernels disabled");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(4L * 6, 64);
            PackedWeights p = new PackedWeights();
            p.pack(w, 0, 2, 3);
            p.close();
            p.close();   // idempotent
            MemorySegment x = arena.allocate(4L * 3, 64);
            MemorySegment y = arena.allocate(4L * 2, 64);
            assertThrows(IllegalStateException.class, () -> p.multiply(1, x, 0, 3, 0f, y, 0, 2));
            assertThrows(IllegalStateException.class, () -> p.pack(w, 0, 2, 3));
        }
    }

    private static void checkAll(Random rnd, PackedWeights p) {
        int[] ms = {1, 5, 13, 37, 100, 300};
        int[] ks = {1, 7, 256, 257, 600};
        int[] ns = {1, 3, 32, 33, 70, 200};   // 8-row and 12-row tiles; 200 rows pass the 192-row block
        try (Arena arena = Arena.ofConfined()) {
            for (int m : ms) {
                for (int k : ks) {
                    for (int n : ns) {
                        for (float beta : new float[] {0f, 1f, 0.5f}) {
                            check(arena, rnd, p, m, k, n, beta);
                        }
                    }
                }
            }
        }
    }

    private static void check(Arena arena, Random rnd, PackedWeights p, int m, int k, int n, float beta) {
        int wOff = 3, xOff = 2, yOff = 5, ldx = k + 3, ldy = m + 1;
        MemorySegment w = random(arena, rnd, wOff + (long) m * k);
        MemorySegment x = random(arena, rnd, xOff + (long) n * ldx);
        MemorySegment y = random(arena, rnd, yOff + (long) n * ldy);
        MemorySegment expected = arena.allocate(y.byteSize(), 64);
        expected.copyFrom(y);
        if (beta == 0f) {   // not read when beta is 0
            for (int i = 0; i < n; i++) {
                y.setAtIndex(F, yOff + (long) i * ldy, Float.NaN);
            }
        }
        GemmProvider.scalar().sgemm(false, true, n, m, k, 1f, x, xOff, ldx, w, wOff, k, beta, expected, yOff, ldy);
        p.pack(w, wOff, m, k);
        p.multiply(n, x, xOff, ldx, beta, y, yOff, ldy);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < ldy; j++) {
                long at = yOff + (long) i * ldy + j;
                float e = expected.getAtIndex(F, at);
                float a = y.getAtIndex(F, at);
                if (j >= m) {   // the padding between rows is not touched
                    assertEquals(e, a, 0f, "padding at " + i + "," + j);
                } else {
                    assertEquals(e, a, 1e-4f * (1 + Math.abs(e)) * Math.max(1, k / 64f),
                            "m=" + m + " k=" + k + " n=" + n + " beta=" + beta + " at (" + i + ", " + j + ")");
                }
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        assumeTrue(PackedWeights.available(), "Vector API kernels disabled");
        try (Arena arena = Arena.ofConfined()) {
            PackedWeights p = new PackedWeights();
            MemorySegment w = arena.allocate(4L * 6 * 4, 64);
            MemorySegment x = arena.allocate(4L * 2 * 4, 64);
            MemorySegment y = arena.allocate(4L * 2 * 6, 64);
            assertThrows(IllegalStateException.class, () -> p.multiply(2, x, 0, 4, 0f, y, 0, 6));
            assertThrows(IllegalArgumentException.class, () -> p.pack(w, 0, 0, 4));
            assertThrows(IllegalArgumentException.class, () -> p.pack(w, 1, 6, 4));   // one float short
            assertThrows(IllegalArgumentException.class, () -> p.pack(null, 0, 6, 4));
            p.pack(w, 0, 6, 4);
            assertEquals(6, p.rows());
            assertEquals(4, p.cols());
            assertThrows(IllegalArgumentException.class, () -> p.multiply(-1, x, 0, 4, 0f, y, 0, 6));
            assertThrows(IllegalArgumentException.class, () -> p.multiply(2, x, 0, 3, 0f, y, 0, 6));  // ldx < k
            assertThrows(IllegalArgumentException.class, () -> p.multiply(2, x, 0, 4, 0f, y, 0, 5));  // ldy < m
            assertThrows(IllegalArgumentException.class, () -> p.multiply(3, x, 0, 4, 0f, y, 0, 6));  // x too small
            assertThrows(IllegalArgumentException.class, () -> p.multiply(2, x, 0, 4, 0f, y, 1, 6));  // y too small
            assertThrows(IllegalArgumentException.class, () -> p.multiply(1, y, 0, 4, 0f, y, 2, 6)); // y overlaps x
            assertThrows(IllegalArgumentException.class,
                    () -> p.multiply(2, x, 0, 4, 0f, y.asReadOnly(), 0, 6));
            p.multiply(0, x, 0, 4, 0f, y, 0, 6);   // nothing to do
            Arena closed = Arena.ofConfined();
            MemorySegment gone = closed.allocate(64);
            closed.close();
            assertThrows(IllegalStateException.class, () -> p.multiply(1, gone, 0, 4, 0f, y, 0, 6));
        }
    }

    private static MemorySegment random(Arena arena, Random rnd, long n) {
        MemorySegment s = arena.allocate(n * Float.BYTES, 64);
        for (long i = 0; i < n; i++) {
            s.setAtIndex(F, i, rnd.nextFloat() * 2 - 1);
        }
        return s;
    }
}
