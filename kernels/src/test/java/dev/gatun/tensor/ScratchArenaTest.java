package dev.gatun.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ScratchArenaTest {

    @Test
    void resetReusesTheSameMemory() {
        try (ScratchArena scratch = new ScratchArena(1 << 12)) {
            Tensor a = scratch.tensor(3, 5);
            assertEquals(0, a.segment().address() % Tensor.ALIGNMENT);
            Tensor b = scratch.tensor(7);
            assertEquals(0, b.segment().address() % Tensor.ALIGNMENT);
            assertNotEquals(a.segment().address(), b.segment().address());
            long first = a.segment().address();
            a.fill(3f);
            scratch.reset();
            Tensor c = scratch.tensor(3, 5);
            assertEquals(first, c.segment().address(), "after reset the block is reused from the start");
            assertArrayEquals(new float[15], c.toArray(), "scratch tensors come zeroed");
        }
    }

    @Test
    void growsWhileWarmingUpThenSettlesOnOneBlock() {
        try (ScratchArena scratch = new ScratchArena(256)) {
            for (int i = 0; i < 10; i++) {
                scratch.tensor(100);                         // 448 bytes each once aligned
            }
            assertEquals(4480, scratch.used());
            long before = scratch.capacity();
            assertTrue(before >= 4480);
            scratch.reset();
            assertEquals(4480, scratch.capacity(), "extra blocks merged into one of the high-water size");
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 10; i++) {
                    scratch.tensor(100);
                }
                assertEquals(4480, scratch.capacity(), "no growth once warm");
                scratch.reset();
            }
        }
    }

    @Test
    void memoryFromMergedBlocksIsClosedAfterReset() {
        try (ScratchArena scratch = new ScratchArena(64)) {
            Tensor a = scratch.tensor(16);
            Tensor b = scratch.tensor(16);                   // forces a second block
            scratch.reset();
            assertThrows(IllegalStateException.class, a::toArray);
            assertThrows(IllegalStateException.class, b::toArray);
        }
    }

    @Test
    void closedArenaRejectsUse() {
        ScratchArena scratch = new ScratchArena(1024);
        Tensor t = scratch.tensor(4);
        scratch.close();
        assertThrows(IllegalStateException.class, () -> scratch.tensor(4));
        assertThrows(IllegalStateException.class, t::toArray);
        assertThrows(IllegalArgumentException.class, () -> new ScratchArena(-1));
    }
}
