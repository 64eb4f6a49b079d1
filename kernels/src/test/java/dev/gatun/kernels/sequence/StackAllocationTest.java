package dev.gatun.kernels.sequence;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.gemm.Gemm;
import dev.gatun.kernels.CellType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Zero bytes allocated per {@link RecurrentStack#forward} and {@link RecurrentStack#backward} call in steady state,
 * for every cell at small T and B (3 layers, H = 12, I = 6: the shapes where a boxed vector, a slice or a lambda
 * per GEMM call would dominate). Runs under the process's GEMM provider ({@code -Dgatun.gemm}); the per-call
 * figures of every configuration are printed when {@code -Dgatun.test.verbose=true}.
 *
 * <p>Allocation disappears only once C2 has compiled (and inlined) the Vector API code, which is slow on a busy
 * machine: every configuration is warmed together first, then each runs rounds until one allocates nothing (about
 * 10 s in all when nothing allocates, up to 40 s when something does).
 */
class StackAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int LAYERS = 3;
    private static final int H = 12;
    private static final int I = 6;
    private static final int MAX_T = 3;
    private static final int MAX_B = 3;
    private static final int CALLS_PER_ROUND = 100;
    private static final long WARM_UP_NANOS = 5_000_000_000L;
    /** Only used up when something keeps allocating (or C2 is slow on a busy machine): a passing run exits early. */
    private static final long BUDGET_NANOS = 40_000_000_000L;
    private static final boolean VERBOSE = Boolean.getBoolean("gatun.test.verbose");

    @Test
    void steadyStateForwardAndBackwardAllocateNothing() {
        List<Case> cases = new ArrayList<>();
        try (Arena arena = Arena.ofShared()) {
            for (CellType cell : CellType.values()) {
                cases.add(new Case(arena, cell));
            }
            long deadline = System.nanoTime() + BUDGET_NANOS;
            // Warm every code path together until C2 has them (most of the budget on a busy machine).
            long warmEnd = System.nanoTime() + WARM_UP_NANOS;
            while (System.nanoTime() < warmEnd) {
                for (Case c : cases) {
                    for (int t = 1; t <= MAX_T; t++) {
                        for (int b = 1; b <= MAX_B; b++) {
                            c.forward(t, b);
                            c.backward(t, b);
                        }
                    }
                }
            }
            List<String> failures = new ArrayList<>();
            for (Case c : cases) {
                for (int t = 1; t <= MAX_T; t++) {
                    for (int b = 1; b <= MAX_B; b++) {
                        int steps = t;
                        int batch = b;
                        double fwd = bytesPerCall(() -> c.forward(steps, batch), deadline);
                        double bwd = bytesPerCall(() -> {
                            c.forward(steps, batch);
                            c.backward(steps, batch);
                        }, deadline);
                        String line = c.cell + " T=" + t + " B=" + b + ": forward " + fwd
                                + " B/call, forward+backward " + bwd + " B/call";
                        if (VERBOSE) {
                            System.out.println(line + " (" + Gemm.provider().name() + ")");
                        }
                        if (fwd > 0 || bwd > 0) {
                            failures.add(line);
                        }
                    }
                }
            }
            assertTrue(failures.isEmpty(), "allocating calls under " + Gemm.provider() + ":\n"
                    + String.join("\n", failures));
        } finally {
            for (Case c : cases) {
                c.stack.close();
            }
        }
    }

    /** Smallest average over rounds of calls, rounds repeated until one allocates nothing or the deadline. */
    private static double bytesPerCall(Runnable call, long deadline) {
        double best = Double.MAX_VALUE;
        do {
            for (int i = 0; i < CALLS_PER_ROUND; i++) {
                call.run();
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < CALLS_PER_ROUND; i++) {
                call.run();
            }
            long after = THREADS.getCurrentThreadAllocatedBytes();
            best = Math.min(best, (double) (after - before) / CALLS_PER_ROUND);
        } while (best > 0 && System.nanoTime() < deadline);
        return best;
    }

    /** One stack with its weights, gradients and buffers sized for MAX_T x MAX_B. */
    private static final class Case {
        final CellType cell;
        final RecurrentStack stack;
        final LayerWeights[] w = new LayerWeights[LAYERS];
        final LayerWeights[] g = new LayerWeights[LAYERS];
        final MemorySegment x;
        final MemorySegment y;
        final MemorySegment dy;
        final MemorySegment dx;
        final MemorySegment h0;
        final MemorySegment c0;
        final MemorySegment hN;
        final MemorySegment cN;
        final MemorySegment dh0;
        final MemorySegment dc0;

        Case(Arena arena, CellType cell) {
            this.cell = cell;
            StackShape s = new StackShape(cell, I, H, LAYERS, false, 0);
            stack = new RecurrentStack(s);
            Random rnd = new Random(cell.ordinal());
            for (int l = 0; l < LAYERS; l++) {
                w[l] = LayerWeights.allocate(arena, s.layer(l));
                g[l] = LayerWeights.allocate(arena, s.layer(l));
                fill(rnd, w[l].wIh(), 0.4f);
                fill(rnd, w[l].wHh(), 0.4f);
                fill(rnd, w[l].bIh(), 0.2f);
                fill(rnd, w[l].bHh(), 0.2f);
            }
            int rows = MAX_T * MAX_B;
            x = random(arena, rnd, rows * I);
            y = random(arena, rnd, rows * H);
            dy = random(arena, rnd, rows * H);
            dx = random(arena, rnd, rows * I);
            h0 = random(arena, rnd, LAYERS * MAX_B * H);
            c0 = random(arena, rnd, LAYERS * MAX_B * H);
            hN = random(arena, rnd, LAYERS * MAX_B * H);
            cN = random(arena, rnd, LAYERS * MAX_B * H);
            dh0 = random(arena, rnd, LAYERS * MAX_B * H);
            dc0 = random(arena, rnd, LAYERS * MAX_B * H);
        }

        void forward(int t, int b) {
            boolean c = cell.hasCellState();
            stack.forward(t, b, x, 0, w, h0, 0, c ? c0 : null, 0, y, 0, hN, 0, c ? cN : null, 0);
        }

        void backward(int t, int b) {
            boolean c = cell.hasCellState();
            stack.backward(t, b, x, 0, w, h0, 0, c ? c0 : null, 0, y, 0, dy, 0, hN, 0, c ? cN : null, 0,
                    g, dx, 0, dh0, 0, c ? dc0 : null, 0);
        }

        private static void fill(Random rnd, Tensor t, float scale) {
            MemorySegment s = t.segment();
            long n = s.byteSize() / Float.BYTES;
            for (long i = 0; i < n; i++) {
                s.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (rnd.nextFloat() * 2 - 1) * scale);
            }
        }

        private static MemorySegment random(Arena arena, Random rnd, int n) {
            MemorySegment s = arena.allocate((long) n * Float.BYTES, 64);
            for (int i = 0; i < n; i++) {
                s.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (rnd.nextFloat() * 2 - 1) * 0.5f);
            }
            return s;
        }
    }
}
