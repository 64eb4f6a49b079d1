package dev.gatun.blas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Offset views are reused, stay tied to their arena, and make a steady loop of offset sgemm calls allocation-free. */
class OffsetSlicesTest {

    @Test
    void theSameBaseAndOffsetGiveTheSameView() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(64);
            MemorySegment a = OffsetSlices.slice(s, 8);
            assertSame(a, OffsetSlices.slice(s, 8));
            assertEquals(s.address() + 8, a.address());
            assertEquals(56, a.byteSize());
            MemorySegment b = OffsetSlices.slice(s, 12);
            assertNotSame(a, b);
            assertEquals(s.address() + 12, b.address());
            MemorySegment other = arena.allocate(64);
            assertEquals(other.address() + 8, OffsetSlices.slice(other, 8).address());
        }
    }

    @Test
    void aCachedViewOfAClosedArenaIsNeverHandedToNativeCode() {
        assumeTrue(Blas.available(), Blas.info().toString());
        Arena arena = Arena.ofConfined();
        MemorySegment a = arena.allocate(4L * 64);
        MemorySegment b = arena.allocate(4L * 64);
        MemorySegment c = arena.allocate(4L * 64);
        Blas.sgemm(false, false, 2, 2, 2, 1f, a, 4, 2, b, 8, 2, 0f, c, 12, 2);   // caches the three views
        arena.close();
        assertThrows(IllegalStateException.class,
                () -> Blas.sgemm(false, false, 2, 2, 2, 1f, a, 4, 2, b, 8, 2, 0f, c, 12, 2));
        assertTrue(!OffsetSlices.slice(a, 16).scope().isAlive(), "a view shares its base's scope");
    }

    @Test
    void offsetSgemmIsCorrectAndAllocatesNothingOnceWarm() {
        assumeTrue(Blas.available(), Blas.info().toString());
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined()) {
            // A (2 x 3) at offset 1, B (3 x 2) at offset 2, C (2 x 2) at offset 3.
            MemorySegment a = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 9, 1, 2, 3, 4, 5, 6);
            MemorySegment b = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 9, 9, 1, 0, 0, 1, 1, 1);
            MemorySegment c = arena.allocate(4L * 7);
            Blas.sgemm(false, false, 2, 2, 3, 1f, a, 1, 3, b, 2, 2, 0f, c, 3, 2);
            float[] out = c.asSlice(12).toArray(ValueLayout.JAVA_FLOAT);
            assertArrayEquals(new float[] {4, 5, 10, 11}, out);
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 40 && best > 0; round++) {
                for (int i = 0; i < 5000; i++) {
                    Blas.sgemm(false, false, 2, 2, 3, 1f, a, 1, 3, b, 2, 2, 0f, c, 3, 2);
                }
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 5000; i++) {
                    Blas.sgemm(false, false, 2, 2, 3, 1f, a, 1, 3, b, 2, 2, 0f, c, 3, 2);
                }
                best = Math.min(best, (threads.getCurrentThreadAllocatedBytes() - before) / 5000.0);
            }
            assertTrue(best < 1, "sgemm with offsets allocated " + best + " bytes per call");
        }
    }
}
