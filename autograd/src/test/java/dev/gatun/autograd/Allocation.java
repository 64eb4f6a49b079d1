package dev.gatun.autograd;

import java.lang.management.ManagementFactory;

/** Bytes of Java heap allocated by the current thread (HotSpot's per-thread counter). */
final class Allocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocation() {}

    static long current() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Bytes allocated per call of {@code step} once the JIT has settled: rounds of warm-up then measurement, until a
     * round is at or under {@code target} or {@code maxRounds} have run; returns the smallest round average.
     * (Escape analysis removes short-lived objects only in C2-compiled code, which takes a while on a busy machine.)
     */
    static double steadyState(Runnable step, int callsPerRound, int maxRounds, double target) {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < maxRounds && best > target; round++) {
            for (int i = 0; i < callsPerRound; i++) {
                step.run();
            }
            long before = current();
            for (int i = 0; i < callsPerRound; i++) {
                step.run();
            }
            best = Math.min(best, (current() - before) / (double) callsPerRound);
        }
        return best;
    }
}
