package dev.gatun.kernels.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.kernels.stream.TestModel.Kind;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Zero bytes allocated per step once the JIT has settled, on the calling thread and on the worker. A Vector API
 * kernel that C2 did not fully inline allocates a box per vector operation, so this catches a kernel grown past
 * C2's inlining budget. Allocation disappears only in C2-compiled code, which takes a while on a busy machine: the
 * test runs rounds until one allocates nothing, for up to a minute.
 */
class StreamingAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int STEPS_PER_ROUND = 2000;
    private static final long BUDGET_NANOS = 60_000_000_000L;

    @Test
    void lstmBf16TwoThreadsAllocatesNothing() {
        assertEquals(0.0, bytesPerStep(Kind.LSTM, WeightFormat.BF16, 2));
    }

    @Test
    void gruFp32AllocatesNothing() {
        assertEquals(0.0, bytesPerStep(Kind.GRU, WeightFormat.FP32, 1));
    }

    @Tag("long")
    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void everyCellFormatAndThreadCountAllocatesNothing(Kind kind) {
        for (WeightFormat format : WeightFormat.values()) {
            for (int threads = 1; threads <= 2; threads++) {
                assertEquals(0.0, bytesPerStep(kind, format, threads), kind + " " + format + " threads=" + threads);
            }
        }
    }

    /** Smallest average over rounds of steps (alternating step and stepProjected), caller plus worker thread. */
    private static double bytesPerStep(Kind kind, WeightFormat format, int threads) {
        TestModel m = TestModel.random(kind, 96, 80, 1);
        Random r = new Random(2);
        float[] x = TestModel.uniform(r, m.in, 1f);
        float[] xp = m.project(x);
        float[] h = new float[m.out];
        try (StreamingCell cell = m.cell(format); StreamingStepper st = cell.newStepper(threads)) {
            st.step(x);
            long worker = workerId(cell);
            double best = Double.MAX_VALUE;
            long deadline = System.nanoTime() + BUDGET_NANOS;
            while (best > 0 && System.nanoTime() < deadline) {
                run(st, x, xp, h);
                long before = allocated(worker);
                run(st, x, xp, h);
                best = Math.min(best, (allocated(worker) - before) / (double) STEPS_PER_ROUND);
            }
            return best;
        }
    }

    private static void run(StreamingStepper st, float[] x, float[] xp, float[] h) {
        for (int i = 0; i < STEPS_PER_ROUND; i += 2) {
            st.step(x);
            st.stepProjected(xp, 0);
            st.h(h);
        }
    }

    private static long allocated(long worker) {
        long bytes = THREADS.getCurrentThreadAllocatedBytes();
        return worker < 0 ? bytes : bytes + THREADS.getThreadAllocatedBytes(worker);
    }

    private static long workerId(StreamingCell cell) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("gatun-stream-" + cell) && t.isAlive()) {
                return t.threadId();
            }
        }
        return -1;
    }
}
