package dev.gatun.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Runs N threads x M inputs against a factory of per-thread workers and compares every result bitwise with a
 * single-threaded run. Generic on purpose: a worker is "whatever one thread owns" (a {@code StreamingStepper} over a
 * shared {@code StreamingCell}, a {@code RecurrentStack} with its own buffers over shared weights, later a
 * {@code Session} of a shared {@code Model}):
 * <pre>
 *   ConcurrencyHarness.Report r = ConcurrencyHarness.run(4, 32, 2, () -&gt; {
 *       Session s = model.newSession();
 *       return new ConcurrencyHarness.Worker() {
 *           public float[] apply(int input) { return s.run(inputs[input]); }
 *           public void close() { s.close(); }
 *       };
 *   });
 *   r.assertIdentical();
 * </pre>
 *
 * <p>The single-threaded reference is repeated until two consecutive passes agree bitwise, so that it and the threads
 * run the same (compiled) code: the Vector API's lanewise EXP/TANH give different bits interpreted and compiled
 * ({@code DeterminismTest} covers that). When threads disagree with the reference, a second single-threaded reference
 * decides: if it changed too, the JIT recompiled mid-run and the attempt is repeated (at most 3); if it did not, the
 * mismatches are reported.
 */
public final class ConcurrencyHarness {
    private ConcurrencyHarness() {}

    /** What one thread owns. Created and closed on the thread that uses it. */
    public interface Worker extends AutoCloseable {
        /** The result for input number {@code input} (the worker derives the input data from the number). */
        float[] apply(int input) throws Exception;

        @Override
        default void close() throws Exception {}
    }

    /** The outcome: total results compared and the first mismatches. */
    public record Report(int threads, int inputs, long compared, long mismatches, List<String> firstMismatches,
                         int warmupPasses) {
        public void assertIdentical() {
            if (mismatches > 0) {
                throw new AssertionError(mismatches + " of " + compared + " results differ from the single-threaded "
                        + "run (" + threads + " threads x " + inputs + " inputs):\n"
                        + String.join("\n", firstMismatches));
            }
        }
    }

    private static final int MAX_WARMUP = 40;
    private static final int MAX_ATTEMPTS = 3;

    /**
     * Runs {@code threads} threads, each with its own worker from {@code factory}, each applying every input
     * {@code rounds} times (each thread in its own rotated order), and compares with a single-threaded pass.
     */
    public static Report run(int threads, int inputs, int rounds, Supplier<? extends Worker> factory)
            throws Exception {
        Report report = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Reference before = reference(inputs, factory);
            report = threaded(threads, inputs, rounds, factory, before.results, before.passes);
            if (report.mismatches() == 0) {
                return report;
            }
            // Mismatches count only if a single thread still gives the reference: otherwise the JIT recompiled the
            // kernels during the run (different bits, see the class documentation), and the attempt is repeated.
            Reference after = reference(inputs, factory);
            if (same(before.results, after.results)) {
                return report;
            }
        }
        return report;
    }

    private record Reference(float[][] results, int passes) {}

    /** Single-threaded passes until two consecutive ones agree bitwise. */
    private static Reference reference(int inputs, Supplier<? extends Worker> factory) throws Exception {
        try (Worker w = factory.get()) {
            float[][] previous = null;
            for (int passes = 1; passes <= MAX_WARMUP; passes++) {
                float[][] now = new float[inputs][];
                for (int i = 0; i < inputs; i++) {
                    now[i] = w.apply(i).clone();
                }
                if (previous != null && same(previous, now)) {
                    return new Reference(now, passes);
                }
                previous = now;
            }
        }
        throw new AssertionError("a single thread gives different results on every pass: not deterministic even "
                + "without concurrency");
    }

    private static Report threaded(int threads, int inputs, int rounds, Supplier<? extends Worker> factory,
                                   float[][] ref, int passes) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicLong compared = new AtomicLong();
        AtomicLong mismatches = new AtomicLong();
        List<String> first = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> pool = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try (Worker w = factory.get()) {
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                        for (int k = 0; k < inputs; k++) {
                            int i = (k + id * 7 + r * 3) % inputs;
                            float[] got = w.apply(i);
                            compared.incrementAndGet();
                            String diff = firstDifference(ref[i], got);
                            if (diff != null) {
                                mismatches.incrementAndGet();
                                if (first.size() < 10) {
                                    first.add("thread " + id + ", round " + r + ", input " + i + ": " + diff);
                                }
                            }
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "concurrency-harness-" + t);
            pool.add(th);
            th.start();
        }
        for (Thread th : pool) {
            th.join();
        }
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError("a worker thread failed: " + errors.get(0), errors.get(0));
            errors.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        return new Report(threads, inputs, compared.get(), mismatches.get(), List.copyOf(first), passes);
    }

    private static boolean same(float[][] a, float[][] b) {
        for (int i = 0; i < a.length; i++) {
            if (firstDifference(a[i], b[i]) != null) {
                return false;
            }
        }
        return true;
    }

    /** Null when bitwise identical, else where and how they differ. */
    public static String firstDifference(float[] want, float[] got) {
        if (want.length != got.length) {
            return "length " + got.length + " != " + want.length;
        }
        for (int j = 0; j < want.length; j++) {
            if (Float.floatToRawIntBits(want[j]) != Float.floatToRawIntBits(got[j])) {
                return "[" + j + "] " + got[j] + " != " + want[j] + " (bits " + Integer.toHexString(
                        Float.floatToRawIntBits(got[j])) + " vs " + Integer.toHexString(
                        Float.floatToRawIntBits(want[j])) + ")";
            }
        }
        return null;
    }
}
