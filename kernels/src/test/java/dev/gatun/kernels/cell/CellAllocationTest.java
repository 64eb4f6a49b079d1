package dev.gatun.kernels.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.kernels.CellType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * Zero bytes allocated per call of every cell kernel (forward and backward) once C2 has compiled it. A Vector API
 * kernel that C2 did not fully inline passes boxed vectors, so this catches a kernel grown past C2's inlining limits
 * (what inlined polynomial activations do: see {@code PanamaLstmCell}). Allocation disappears only in C2-compiled
 * code, which takes a while on a busy machine: the test runs rounds until one allocates nothing, for up to a minute.
 */
class CellAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int B = 3;
    private static final int H = 83;               // vector bodies plus a scalar tail at every width
    private static final int CALLS_PER_ROUND = 500;
    private static final long BUDGET_NANOS = 60_000_000_000L;

    @Test
    void everyCellKernelAllocatesNothing() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = filled(arena, 4 * B * H, 0.3f);
            MemorySegment b = filled(arena, 4 * B * H, -0.2f);
            MemorySegment c = filled(arena, 4 * B * H, 0.1f);
            MemorySegment d = filled(arena, 4 * B * H, 0.5f);
            MemorySegment out1 = filled(arena, 4 * B * H, 0f);
            MemorySegment out2 = filled(arena, 4 * B * H, 0f);
            MemorySegment out3 = filled(arena, 4 * B * H, 0f);
            assertEquals(0.0, bytesPerCall(i -> {
                LstmCell.forward(B, H, a, 0, b, 0, c, 0, out1, 0, out2, 0, out3, 0, H);
                LstmCell.backward(B, H, d, 0, c, 0, out1, 0, out2, 0, c, 0, a, 0, b, 0);
            }), "LSTM");
            assertEquals(0.0, bytesPerCall(i -> {
                GruCell.forward(B, H, a, 0, b, 0, c, 0, H, out1, 0, out2, 0, H);
                GruCell.backward(B, H, d, 0, out1, 0, c, 0, H, out2, 0, out3, 0, a, 0);
            }), "GRU");
            assertEquals(0.0, bytesPerCall(i -> {
                ClassicGruCell.forwardGates(B, H, a, 0, b, 0, c, 0, H, out1, 0, out2, 0);
                ClassicGruCell.forwardCandidate(B, H, a, 0, b, 0, c, 0, H, out1, 0, out3, 0, H);
                ClassicGruCell.backwardCandidate(B, H, d, 0, out1, 0, c, 0, H, out2, 0, out3, 0);
                ClassicGruCell.backwardGates(B, H, d, 0, out1, 0, c, 0, H, out2, 0, out3, 0);
            }), "classic GRU");
            for (CellType type : new CellType[] {CellType.RNN_TANH, CellType.RNN_RELU}) {
                assertEquals(0.0, bytesPerCall(i -> {
                    RnnCell.forward(type, B, H, a, 0, b, 0, out1, 0, H);
                    RnnCell.backward(type, B, H, d, 0, out1, 0, H, out2, 0);
                }), type.name());
            }
        }
    }

    /** Smallest average over rounds of calls. */
    private static double bytesPerCall(IntConsumer call) {
        double best = Double.MAX_VALUE;
        long deadline = System.nanoTime() + BUDGET_NANOS;
        while (best > 0 && System.nanoTime() < deadline) {
            for (int i = 0; i < CALLS_PER_ROUND; i++) {
                call.accept(i);
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < CALLS_PER_ROUND; i++) {
                call.accept(i);
            }
            long after = THREADS.getCurrentThreadAllocatedBytes();
            best = Math.min(best, (double) (after - before) / CALLS_PER_ROUND);
        }
        return best;
    }

    private static MemorySegment filled(Arena arena, int n, float v) {
        MemorySegment s = arena.allocate((long) n * Float.BYTES, 64);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, v + 0.001f * (i % 97));
        }
        return s;
    }
}
