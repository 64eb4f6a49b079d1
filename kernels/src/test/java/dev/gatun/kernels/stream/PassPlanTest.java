package dev.gatun.kernels.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The streaming stages' pass plans cover every block of a range exactly once, widest passes first. */
class PassPlanTest {

    @Test
    void everyBlockOnceInOrder() {
        int[][] plans = {{1, 1}, {2, 1}, {4, 1}, {8, 4}};
        for (int[] plan : plans) {
            int big = plan[0], mid = plan[1];
            for (int blocks = 0; blocks <= 40; blocks++) {
                int next = 0;
                int passes = PanamaStreamKernels.passes(blocks, big, mid);
                for (int p = 0; p < passes; p++) {
                    int width = PanamaStreamKernels.passWidth(p, blocks, big, mid);
                    String where = "big " + big + ", mid " + mid + ", blocks " + blocks + ", pass " + p;
                    assertEquals(next, PanamaStreamKernels.passStart(p, blocks, big, mid), where);
                    assertTrue(width == big || width == mid || width == 1, where);
                    next += width;
                }
                assertEquals(blocks, next, "big " + big + ", mid " + mid + ": all " + blocks + " blocks");
            }
        }
    }

    @Test
    void widestPassesFirst() {
        // 13 blocks of an fp32 one-gate panel: 8, then 4, then 1.
        assertEquals(3, PanamaStreamKernels.passes(13, 8, 4));
        assertEquals(8, PanamaStreamKernels.passWidth(0, 13, 8, 4));
        assertEquals(4, PanamaStreamKernels.passWidth(1, 13, 8, 4));
        assertEquals(1, PanamaStreamKernels.passWidth(2, 13, 8, 4));
        assertEquals(12, PanamaStreamKernels.passStart(2, 13, 8, 4));
    }
}
