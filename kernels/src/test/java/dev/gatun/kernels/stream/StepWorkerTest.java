package dev.gatun.kernels.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The two-thread barrier: every part of every phase runs exactly once, on whichever thread got to it. */
class StepWorkerTest {

    @Test
    void everyPartRunsOnceWithTheRightPhase() throws InterruptedException {
        int phases = 20_000;
        AtomicIntegerArray callerRuns = new AtomicIntegerArray(phases);
        AtomicIntegerArray workerRuns = new AtomicIntegerArray(phases);
        AtomicInteger onWorkerThread = new AtomicInteger();
        AtomicInteger onCallerThread = new AtomicInteger();
        Thread me = Thread.currentThread();
        int[] current = new int[1];
        StepWorker w = new StepWorker(p -> {
            callerRuns.incrementAndGet(p);
            if (p % 2 == 0) {
                long end = System.nanoTime() + 20_000;   // a slow caller part: the worker takes its own
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            }
        }, p -> {
            assertEquals(current[0], p);
            workerRuns.incrementAndGet(p);
            (Thread.currentThread() == me ? onCallerThread : onWorkerThread).incrementAndGet();
        }, "gatun-stream-test");
        try {
            for (int p = 0; p < phases; p++) {
                current[0] = p;
                if (p % 1000 == 999) {
                    Thread.sleep(2);                     // the worker parks; the caller takes its part
                }
                w.run(p);
            }
        } finally {
            w.stop();
        }
        for (int p = 0; p < phases; p++) {
            assertEquals(1, callerRuns.get(p), "caller part of phase " + p);
            assertEquals(1, workerRuns.get(p), "worker part of phase " + p);
        }
        assertTrue(onWorkerThread.get() > 0, "the worker thread computed some parts");
        assertTrue(onCallerThread.get() > 0, "the caller took over some parts");
    }

    @Test
    void aFailingPartFailsTheRun() {
        StepWorker w = new StepWorker(p -> { }, p -> {
            throw new ArithmeticException("boom " + p);
        }, "gatun-stream-test");
        try {
            RuntimeException e = assertThrows(RuntimeException.class, () -> w.run(7));
            Throwable cause = e instanceof ArithmeticException ? e : e.getCause();
            assertEquals("boom 7", cause.getMessage());
        } finally {
            w.stop();
        }
    }
}
