package dev.gatun.blas;

import dev.gatun.blas.BlasChecks.Region;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wrong arguments are exceptions that name the argument and the shapes, never a crash: checked both directly and
 * through the native path ({@link Blas} on the discovered library).
 */
class BlasChecksTest {

    private static MemorySegment floats(Arena arena, int n) {
        return arena.allocate(ValueLayout.JAVA_FLOAT, n);
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' should contain '" + part + "'");
        }
    }

    @Test
    void leadingDimensionsNameTheShape() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = floats(arena, 64), b = floats(arena, 64), c = floats(arena, 64);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(false, false, 2, 3, 4, 1f, a, 0, 3, b, 0, 3, 0f, c, 0, 3));
            assertEquals("sgemm: lda=3 < k=4 for A (m=2 x k=4, not transposed)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(true, false, 2, 3, 4, 1f, a, 0, 1, b, 0, 3, 0f, c, 0, 3));
            assertEquals("sgemm: lda=1 < m=2 for A (stored k=4 x m=2, transposed)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(false, false, 2, 3, 4, 1f, a, 0, 4, b, 0, 2, 0f, c, 0, 3));
            assertMessage(e, "ldb=2 < n=3", "B (k=4 x n=3, not transposed)");
            e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(false, true, 2, 3, 4, 1f, a, 0, 4, b, 0, 3, 0f, c, 0, 3));
            assertMessage(e, "ldb=3 < k=4", "B (stored n=3 x k=4, transposed)");
            e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(false, false, 2, 3, 4, 1f, a, 0, 4, b, 0, 3, 0f, c, 0, 2));
            assertMessage(e, "ldc=2 < n=3", "C (m=2 x n=3)");
            e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(false, false, 2, 3, 0, 1f, a, 0, 0, b, 0, 3, 0f, c, 0, 3));
            assertMessage(e, "lda=0 < 1", "A (m=2 x k=0");
            e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemv(false, 4, 3, 1f, a, 0, 2, b, 0, 1, 0f, c, 0, 1));
            assertEquals("sgemv: lda=2 < n=3 for A (m=4 x n=3)", e.getMessage());
        }
    }

    @Test
    void shortSegmentsNameTheShapeAndTheSize() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = floats(arena, 10), b = floats(arena, 64), c = floats(arena, 64);
            // A (2 x 4, lda=4) from offset 3 needs 3 + 4 + 4 = 11 floats
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(false, false, 2, 3, 4, 1f, a, 3, 4, b, 0, 3, 0f, c, 0, 3));
            assertEquals("sgemm: segment 'a' is too small for A (m=2 x k=4, not transposed) with lda=4, aOffset=3: "
                    + "needs 11 floats, has 10 floats (40 bytes)", e.getMessage());
            MemorySegment small = floats(arena, 5);
            e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(false, false, 2, 3, 4, 1f, b, 0, 4, b, 0, 3, 0f, small, 0, 3));
            assertMessage(e, "segment 'c' is too small for C (m=2 x n=3)", "needs 6 floats, has 5");
            // gemv with A transposed: x has m elements, y n
            e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemv(true, 4, 3, 1f, b, 0, 3, small, 2, 1, 0f, c, 0, 1));
            assertMessage(e, "segment 'x' is too small for x (m=4, incx=1, A transposed)", "needs 6 floats, has 5");
            e = assertThrows(IllegalArgumentException.class, () -> Blas.sdot(3, small, 0, 3, b, 0, 1));
            assertMessage(e, "sdot: segment 'x' is too small for x (n=3, incx=3)", "needs 7 floats");
            e = assertThrows(IllegalArgumentException.class, () -> Blas.sdot(3, b, 0, 1, small, 0, -3));
            assertMessage(e, "sdot: segment 'y' is too small for y (n=3, incy=-3)", "needs 7 floats");
            // A segment whose size is not a whole number of floats only counts whole floats.
            MemorySegment odd = arena.allocate(4 * 3 + 2);
            e = assertThrows(IllegalArgumentException.class, () -> Blas.sscal(4, 1f, odd, 0, 1));
            assertMessage(e, "needs 4 floats, has 3 floats (14 bytes)");
        }
    }

    @Test
    void dimensionsOffsetsAndStridesAreChecked() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = floats(arena, 64);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(false, false, -1, 2, 2, 1f, s, 0, 2, s, 0, 2, 0f, floats(arena, 4), 0, 2));
            assertEquals("sgemm: dimensions must be >= 0, got m=-1, n=2, k=2", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(false, false, 2, 2, 2, 1f, s, -1, 2, s, 0, 2, 0f, floats(arena, 4), 0, 2));
            assertMessage(e, "aOffset=-1 must be >= 0", "A (m=2 x k=2, not transposed)");
            e = assertThrows(IllegalArgumentException.class, () -> Blas.saxpy(3, 1f, s, 0, 0, floats(arena, 3), 0, 1));
            assertEquals("saxpy: incx=0 must not be 0 for x (n=3, incx=0)", e.getMessage());
            // One-vector operations: BLAS silently does nothing for a negative stride, so Gatun rejects it.
            e = assertThrows(IllegalArgumentException.class, () -> Blas.snrm2(3, s, 0, -1));
            assertEquals("snrm2: incx=-1 must be > 0 for x (n=3, incx=-1): BLAS ignores a vector with a negative "
                    + "stride in one-vector operations", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Blas.sscal(3, 2f, s, 0, -2));
            assertMessage(e, "sscal: incx=-2 must be > 0");
            e = assertThrows(IllegalArgumentException.class, () -> Blas.sdot(-2, s, 0, 1, s, 0, 1));
            assertMessage(e, "sdot: n=-2 must be >= 0");
            e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemv(false, 2, 2, 1f, s, 0, 2, s, 0, 1, 0f, floats(arena, 2), 0, 0));
            assertMessage(e, "sgemv: incy=0 must not be 0 for y (m=2, incy=0, A not transposed)");
            // Offsets near Long.MAX_VALUE: no overflow, a clear message
            e = assertThrows(IllegalArgumentException.class, () -> Blas.snrm2(2, s, Long.MAX_VALUE - 1, 1));
            assertMessage(e, "too large");
            e = assertThrows(IllegalArgumentException.class,
                    () -> BlasChecks.checkGemm(false, false, Integer.MAX_VALUE, 2, 2, s, 0, 2, s, 0, 2, s, 0, 2));
            assertMessage(e, "segment 'a' is too small", "m=" + Integer.MAX_VALUE);
        }
    }

    @Test
    void heapSegmentsAreRejectedForNativeCalls() {
        MemorySegment heap = MemorySegment.ofArray(new float[16]);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = floats(arena, 16);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(false, false, 2, 2, 2, 1f, heap, 0, 2, c, 0, 2, 0f, c, 4, 2));
            assertMessage(e, "sgemm: segment 'a' is a heap segment", "allocate it from an Arena");
            e = assertThrows(IllegalArgumentException.class, () -> BlasChecks.checkNative("h", heap));
            assertMessage(e, "segment 'h' is a heap segment");
            // The general checks accept heap segments: the pure-Java GEMM uses them.
            assertDoesNotThrow(() -> BlasChecks.checkGemm(false, false, 2, 2, 2, heap, 0, 2, heap, 4, 2, heap, 8, 2));
        }
    }

    @Test
    void closedSegmentsAreAnExceptionNotACrash() {
        Arena arena = Arena.ofConfined();
        MemorySegment a = floats(arena, 16);
        arena.close();
        try (Arena live = Arena.ofConfined()) {
            MemorySegment b = floats(live, 16), c = floats(live, 16);
            var e = assertThrows(IllegalStateException.class,
                    () -> Blas.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2));
            assertEquals("sgemm: segment 'a' is closed", e.getMessage());
            e = assertThrows(IllegalStateException.class, () -> Blas.sdot(2, b, 0, 1, a, 0, 1));
            assertEquals("sdot: segment 'y' is closed", e.getMessage());
            e = assertThrows(IllegalStateException.class, () -> BlasChecks.checkVector("h", 2, a, 0, 1));
            assertEquals("segment 'h' is closed", e.getMessage());
        }
    }

    @Test
    void segmentsOfAnotherThreadAreRejected() throws Exception {
        try (Arena arena = Arena.ofConfined(); ExecutorService other = Executors.newSingleThreadExecutor()) {
            MemorySegment x = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 2, 3);
            Future<?> call = other.submit(() -> Blas.snrm2(3, x, 0, 1));
            var e = assertThrows(java.util.concurrent.ExecutionException.class, call::get);
            assertInstanceOf(WrongThreadException.class, e.getCause());
            assertMessage(e.getCause(), "snrm2: segment 'x' is confined to another thread");
        }
    }

    @Test
    void readOnlyOutputsAreRejected() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = floats(arena, 16), c = floats(arena, 4).asReadOnly();
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(false, false, 2, 2, 2, 1f, s, 0, 2, s, 4, 2, 0f, c, 0, 2));
            assertMessage(e, "segment 'c' is read-only, but C (m=2 x n=2) is written");
            e = assertThrows(IllegalArgumentException.class, () -> Blas.saxpy(4, 2f, s, 0, 1, c, 0, 1));
            assertMessage(e, "saxpy: segment 'y' is read-only, but y is written");
            e = assertThrows(IllegalArgumentException.class, () -> Blas.sscal(4, 2f, c, 0, 1));
            assertMessage(e, "sscal: segment 'x' is read-only");
        }
    }

    @Test
    void outputsMustNotOverlapInputs() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment z = floats(arena, 64), b = floats(arena, 16);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(false, false, 2, 2, 2, 1f, z, 0, 2, b, 0, 2, 0f, z, 0, 2));
            assertEquals("sgemm: C (m=2 x n=2) with ldc=2, cOffset=0 in segment 'c' overlaps A (m=2 x k=2, "
                    + "not transposed) with lda=2, aOffset=0 in segment 'a'; BLAS needs the output to be separate "
                    + "from its inputs", e.getMessage());
            // Same stride 8, C starts 3 floats after A: C(0,0) is A(0,3)
            e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(false, false, 3, 4, 4, 1f, z, 0, 8, b, 0, 4, 0f, z, 3, 8));
            assertMessage(e, "overlaps A");
            // C = columns 4..7 beside A = columns 0..3 of the same rows: no shared element
            assertDoesNotThrow(() -> Blas.sgemm(false, false, 3, 4, 4, 1f, z, 0, 8, b, 0, 4, 0f, z, 4, 8));
            // Overlapping B (a different view of the same memory)
            MemorySegment view = z.asSlice(8 * Float.BYTES);
            e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemm(false, false, 2, 2, 2, 1f, b, 0, 2, view, 0, 2, 0f, z, 8, 2));
            assertMessage(e, "overlaps B");
            // gemv: y may not overlap x
            e = assertThrows(IllegalArgumentException.class,
                    () -> Blas.sgemv(false, 3, 3, 1f, b, 0, 3, z, 0, 1, 0f, z, 2, 1));
            assertMessage(e, "sgemv: y (m=3", "overlaps x (n=3");
            // saxpy: partial overlap rejected, the very same elements allowed
            e = assertThrows(IllegalArgumentException.class, () -> Blas.saxpy(4, 1f, z, 0, 1, z, 1, 1));
            assertMessage(e, "saxpy: y (n=4, incy=1) at yOffset=1 in segment 'y' overlaps",
                    "x (n=4, incx=1) at xOffset=0");
            // Same start but opposite directions are different elements in a different order: rejected.
            e = assertThrows(IllegalArgumentException.class, () -> Blas.saxpy(4, 1f, z, 0, -1, z, 0, 1));
            assertMessage(e, "overlaps x (n=4, incx=-1)");
            assertDoesNotThrow(() -> Blas.saxpy(4, 1f, z, 0, 1, z, 0, 1));
        }
    }

    @Test
    void overlapCheckIsElementExactForEqualStrides() {
        // Brute force over random matrix pairs in one buffer with the same stride.
        Random random = new Random(1);
        MemorySegment buffer = MemorySegment.ofArray(new float[512]);
        for (int trial = 0; trial < 4000; trial++) {
            int ld = 1 + random.nextInt(9);
            Region p = region(random, buffer, ld, "C");
            Region q = region(random, buffer, ld, "A");
            boolean expected = sharesElement(p, q);
            boolean rejected;
            try {
                p.checkSeparateFrom("t", q, false);
                rejected = false;
            } catch (IllegalArgumentException e) {
                rejected = true;
            }
            assertEquals(expected, rejected, () -> p.describe() + " vs " + q.describe());
        }
    }

    @Test
    void publicChecksForReuse() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = floats(arena, 8);
            assertDoesNotThrow(() -> BlasChecks.checkVector("h", 4, s, 1, 2));
            var e = assertThrows(IllegalArgumentException.class, () -> BlasChecks.checkVector("h", 5, s, 0, 2));
            assertEquals("segment 'h' is too small for h (n=5, inc=2) at offset=0: needs 9 floats, "
                    + "has 8 floats (32 bytes)", e.getMessage());
            assertDoesNotThrow(() -> BlasChecks.checkNative("s", s));
            assertDoesNotThrow(() -> BlasChecks.checkGemv(true, 2, 4, s, 0, 4, s, 0, 1, floats(arena, 4), 0, 1));
            assertThrows(IllegalArgumentException.class, () -> BlasChecks.checkVector("h", 1, null, 0, 1));
        }
    }

    private static Region region(Random random, MemorySegment buffer, int ld, String label) {
        int cols = 1 + random.nextInt(ld);
        int rows = random.nextInt(5);
        int offset = random.nextInt(40);
        return Region.matrix("t", label, label.toLowerCase(), buffer, offset, "off", ld, "ld", rows, "r", cols, "c",
                BlasChecks.Trans.NONE);
    }

    private static boolean sharesElement(Region p, Region q) {
        Set<Long> elements = new HashSet<>();
        for (long i = 0; i < p.rows(); i++) {
            for (long j = 0; j < p.cols(); j++) {
                elements.add(p.offset() + i * p.ld() + j);
            }
        }
        for (long i = 0; i < q.rows(); i++) {
            for (long j = 0; j < q.cols(); j++) {
                if (elements.contains(q.offset() + i * q.ld() + j)) {
                    return true;
                }
            }
        }
        return false;
    }
}
