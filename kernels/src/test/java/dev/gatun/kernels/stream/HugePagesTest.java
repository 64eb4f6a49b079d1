package dev.gatun.kernels.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Panel memory: zeroed, aligned, usable, and gone when its arena closes, whether or not huge pages were used. */
class HugePagesTest {

    @Test
    void largeAndSmallPanelsAreZeroedAlignedAndOwnedByTheArena() {
        for (long bytes : new long[] {64, 4096 + 64, (1L << 20) - 64, 1L << 20, (3L << 20) + 192}) {
            Arena arena = Arena.ofShared();
            MemorySegment s = HugePages.allocate(arena, bytes);
            assertEquals(bytes, s.byteSize(), "size");
            assertEquals(0, s.address() % 64, "64-byte aligned");
            if (bytes >= 1L << 20 && linuxWithNativeAccess()) {
                assertEquals(0, s.address() % (2L << 20), "huge-page candidates start on a 2 MiB boundary");
            }
            for (long i = 0; i < bytes; i += 4096) {
                assertEquals(0, s.get(ValueLayout.JAVA_BYTE, i), "zero-filled at " + i);
            }
            s.set(ValueLayout.JAVA_FLOAT, bytes - 4, 1.5f);
            assertEquals(1.5f, s.get(ValueLayout.JAVA_FLOAT, bytes - 4));
            arena.close();
            assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    private static boolean linuxWithNativeAccess() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                && HugePages.class.getModule().isNativeAccessEnabled()
                && !"false".equals(System.getProperty("gatun.hugepages"));
    }

    @Test
    void zeroBytesStillGivesAUsableSegment() {
        try (Arena arena = Arena.ofConfined()) {
            assertTrue(HugePages.allocate(arena, 0).byteSize() >= 0);
        }
    }
}
