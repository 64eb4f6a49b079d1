package dev.gatun.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class TensorTest {

    private static float[] iota(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    @Test
    void allocationIsAlignedZeroedAndRoundTripsArrays() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, 3, 5);
            assertEquals(0, t.segment().address() % Tensor.ALIGNMENT);
            assertArrayEquals(new float[15], t.toArray());
            t.copyFrom(iota(15));
            assertEquals(7f, t.get(1, 2));
            assertArrayEquals(iota(15), t.toArray());
            assertArrayEquals(new long[] {5, 1}, t.strides());
            assertTrue(t.isContiguous());
        }
    }

    @Test
    void viewsShareStorageWithoutCopies() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.of(arena, iota(24), 2, 3, 4);
            Tensor row = t.select(0, 1);                      // (3, 4), elements 12..23
            assertArrayEquals(new int[] {3, 4}, row.shape());
            assertEquals(12f + 4 * 2 + 3, row.get(2, 3));
            Tensor cols = t.slice(2, 1, 3);                   // (2, 3, 2)
            assertFalse(cols.isContiguous());
            assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22}, cols.toArray());
            Tensor tr = t.select(0, 0).transpose(0, 1);      // (4, 3)
            assertEquals(4f * 2 + 1, tr.get(1, 2));
            tr.set(1, 2, -1f);
            assertEquals(-1f, t.get(0, 2, 1), "a write through a view lands in the base tensor");
            Tensor flat = t.view(6, 4);
            assertEquals(t.get(1, 2, 3), flat.get(5, 3));
        }
    }

    @Test
    void copyBetweenStridedAndContiguousTensors() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor a = Tensor.of(arena, iota(6), 2, 3);
            Tensor b = Tensor.allocate(arena, 3, 2);
            b.copyFrom(a.transpose(0, 1));
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, b.toArray());
            Tensor strided = Tensor.allocate(arena, 3, 4).slice(1, 1, 3);
            strided.copyFrom(new float[] {1, 2, 3, 4, 5, 6});
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, strided.toArray());
            strided.fill(9f);
            assertArrayEquals(new float[] {9, 9, 9, 9, 9, 9}, strided.toArray());
        }
    }

    @Test
    void toStringShowsShapeAndAFewValues() {
        try (Arena arena = Arena.ofConfined()) {
            assertEquals("Tensor[2, 2] [0.0, 1.0, 2.0, 3.0]", Tensor.of(arena, iota(4), 2, 2).toString());
            assertEquals("Tensor[20] [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, ..., 18.0, 19.0]",
                    Tensor.of(arena, iota(20), 20).toString());
            assertTrue(Tensor.of(arena, iota(6), 2, 3).transpose(0, 1).toString().startsWith("Tensor[3, 2] strides="));
        }
    }

    @Test
    void badShapesAndIndicesNameTheShapes() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, 2, 3);
            var e1 = assertThrows(IllegalArgumentException.class, () -> t.view(4, 2));
            assertTrue(e1.getMessage().contains("[2, 3]") && e1.getMessage().contains("[4, 2]"), e1.getMessage());
            var e2 = assertThrows(IndexOutOfBoundsException.class, () -> t.slice(1, 2, 4));
            assertTrue(e2.getMessage().contains("[2, 3]"), e2.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
            assertThrows(IllegalArgumentException.class, () -> t.get(0));
            var e3 = assertThrows(IllegalArgumentException.class, () -> t.copyFrom(new float[5]));
            assertTrue(e3.getMessage().contains("[2, 3]"), e3.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(arena, 2, -1));
            assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(arena, Integer.MAX_VALUE, Integer.MAX_VALUE, 8));
            var e4 = assertThrows(IllegalArgumentException.class, () -> t.view(3, 2).transpose(0, 1).view(6));
            assertTrue(e4.getMessage().contains("not contiguous"), e4.getMessage());
            var e5 = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(t.segment(), 1, 2, 3));
            assertTrue(e5.getMessage().contains("[2, 3]"), e5.getMessage());
        }
    }

    @Test
    void useAfterCloseThrowsAndNamesTheTensor() {
        Arena arena = Arena.ofConfined();
        Tensor t = Tensor.allocate(arena, 4, 4);
        Tensor v = t.slice(0, 1, 2);
        arena.close();
        assertFalse(t.isAlive());
        var e = assertThrows(IllegalStateException.class, t::toArray);
        assertTrue(e.getMessage().contains("[4, 4]"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> v.get(0, 0));
        assertThrows(IllegalStateException.class, () -> t.fill(1f));
        assertTrue(t.toString().contains("closed"));
    }
}
