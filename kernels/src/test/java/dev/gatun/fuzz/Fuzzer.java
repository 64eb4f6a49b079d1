package dev.gatun.fuzz;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded API fuzzer: runs calls that either succeed (and are then checked against a reference by the caller) or
 * throw one of the documented exception types. Anything else (another exception, an Error, a wrong result, a write
 * outside the buffers it was given) is recorded as a failure with the case name, seed and iteration to replay it.
 *
 * <p>Buffers come from {@link #buffer}: a slice of a larger native block with canary floats on both sides, checked
 * after every call, so a kernel (native code included) that writes out of bounds is caught even when it does not
 * crash. Not thread-safe; one fuzzer per test.
 */
public final class Fuzzer {
    /**
     * The exception types the public API documents for bad arguments and closed resources. Index errors
     * ({@link IndexOutOfBoundsException}) are documented only for element access and views: see {@link #index}.
     */
    private static final List<Class<? extends Throwable>> DOCUMENTED = List.of(
            IllegalArgumentException.class, IllegalStateException.class);
    private static final int GUARD = 16;                       // canary floats on each side
    private static final int CANARY = 0x7fc0dead;              // a NaN payload no kernel produces

    private final long seed;
    private final List<String> failures = new ArrayList<>();
    private final java.util.Set<String> seen = new java.util.HashSet<>();
    private final List<MemorySegment> guarded = new ArrayList<>();
    private SplittableRandom random;
    private Arena arena;
    private String caseName = "";
    private int iteration;
    private long calls;
    private long rejected;

    public Fuzzer(long seed) {
        this.seed = seed;
    }

    /** A random case to run {@code iterations} times: each gets a fresh random stream and arena. */
    @FunctionalInterface
    public interface Case {
        void run(Fuzzer f) throws Throwable;
    }

    /** Runs {@code c} {@code iterations} times, each from its own seed derived from (seed, name, iteration). */
    public void run(String name, int iterations, Case c) {
        for (int i = 0; i < iterations; i++) {
            caseName = name;
            iteration = i;
            random = new SplittableRandom(seed * 1_000_003L + name.hashCode() * 31L + i);
            arena = Arena.ofConfined();
            try {
                c.run(this);
            } catch (Throwable t) {
                fail("escaped the case: " + t);
            } finally {
                checkCanaries();
                guarded.clear();
                arena.close();
            }
        }
    }

    /**
     * Runs one API call. {@code valid} says whether the generated arguments are all valid: then the call must not
     * throw (and {@code check} verifies its result); else it must throw a documented exception or succeed.
     */
    public void call(String what, boolean valid, ThrowingRunnable call, ThrowingRunnable check) {
        call(what, valid, false, call, check);
    }

    /** An element-access or view call with (probably) bad indices: may also throw IndexOutOfBoundsException. */
    public void index(String what, ThrowingRunnable call) {
        call(what, false, true, call, null);
    }

    private void call(String what, boolean valid, boolean indexOk, ThrowingRunnable call, ThrowingRunnable check) {
        calls++;
        try {
            call.run();
        } catch (Throwable t) {
            boolean documented = DOCUMENTED.stream().anyMatch(k -> k.isInstance(t))
                    || indexOk && t instanceof IndexOutOfBoundsException;
            if (!documented) {
                fail(what + ": undocumented " + t.getClass().getName() + ": " + t.getMessage() + at(t));
            } else if (valid) {
                fail(what + ": valid arguments were rejected: " + t + at(t));
            } else if (t.getMessage() == null || t.getMessage().isBlank()) {
                fail(what + ": " + t.getClass().getSimpleName() + " without a message" + at(t));
            } else {
                rejected++;
            }
            return;
        }
        if (valid && check != null) {
            try {
                check.run();
            } catch (Throwable t) {
                fail(what + ": wrong result: " + t.getMessage());
            }
        }
        checkCanaries();
    }

    /** A call whose arguments are valid. */
    public void valid(String what, ThrowingRunnable call, ThrowingRunnable check) {
        call(what, true, call, check);
    }

    /** A call whose arguments are (probably) invalid: it may only throw a documented exception. */
    public void invalid(String what, ThrowingRunnable call) {
        call(what, false, call, null);
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Throwable;
    }

    // ---- random values ----------------------------------------------------------------------------------------

    public SplittableRandom random() {
        return random;
    }

    public Arena arena() {
        return arena;
    }

    public boolean chance(int oneIn) {
        return random.nextInt(oneIn) == 0;
    }

    public int between(int lo, int hiInclusive) {
        return random.nextInt(lo, hiInclusive + 1);
    }

    /** A size: mostly small and awkward (0, 1, 3, 17, 33...), sometimes larger. */
    public int size(int max) {
        return switch (random.nextInt(6)) {
            case 0 -> random.nextInt(Math.min(4, max + 1));
            case 1 -> random.nextInt(max + 1);
            case 2 -> Math.min(max, new int[] {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65}[random.nextInt(12)]);
            default -> random.nextInt(1, Math.max(2, Math.min(max, 24) + 1));
        };
    }

    /** A bad int: negative, zero or huge. */
    public int badInt() {
        return new int[] {-1, -7, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 30, 0}[random.nextInt(6)];
    }

    /** A bad offset: negative or huge (overflow bait). */
    public long badOffset() {
        return new long[] {-1, -64, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE / 4, Long.MAX_VALUE / 4 - 1,
            1L << 40, Integer.MAX_VALUE}[random.nextInt(8)];
    }

    /** A float in [-2, 2], or now and then NaN or an infinity when {@code special}. */
    public float value(boolean special) {
        if (special && random.nextInt(16) == 0) {
            return new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[random.nextInt(3)];
        }
        float v = (float) (random.nextDouble() * 4 - 2);
        return v == 0f ? 0.5f : v;
    }

    public float[] values(int n, boolean special) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = value(special);
        }
        return a;
    }

    // ---- buffers ----------------------------------------------------------------------------------------------

    /** A native, 64-byte aligned segment of {@code floats} random values, with canaries around it. */
    public MemorySegment buffer(long floats, boolean special) {
        MemorySegment block = arena.allocate((floats + 2L * GUARD) * Float.BYTES, 64);
        for (int i = 0; i < GUARD; i++) {
            block.setAtIndex(ValueLayout.JAVA_INT, i, CANARY);
            block.setAtIndex(ValueLayout.JAVA_INT, GUARD + floats + i, CANARY);
        }
        guarded.add(block);
        MemorySegment s = block.asSlice(GUARD * 4L, floats * 4L);
        for (long i = 0; i < floats; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, value(special));
        }
        return s;
    }

    /** A segment of {@code floats} floats from an arena that is already closed. */
    public static MemorySegment closedSegment(long floats) {
        Arena a = Arena.ofConfined();
        MemorySegment s = a.allocate(Math.max(1, floats) * 4, 64);
        a.close();
        return s;
    }

    /** {@code s} made unusable in one random way (null, closed, too small, read-only or heap); never valid. */
    public MemorySegment spoil(MemorySegment s, boolean heapIsBad) {
        long floats = s.byteSize() / 4;
        int k = random.nextInt(heapIsBad ? 4 : 3);
        return switch (k) {
            case 0 -> null;
            case 1 -> closedSegment(floats);
            case 2 -> s.asSlice(0, Math.max(0, floats - 1 - random.nextInt((int) Math.min(floats, 8) + 1)) * 4);
            default -> MemorySegment.ofArray(new float[(int) Math.min(floats, 1 << 20)]);
        };
    }

    /** A copy of {@code s} on the heap (float[]-backed). */
    public static float[] floats(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_FLOAT);
    }

    // ---- comparisons ------------------------------------------------------------------------------------------

    /**
     * Checks {@code got} against a double reference: non-finite where the reference is non-finite (NaN matches NaN,
     * infinities match in sign), else within {@code tol * (1 + scale[i])} (scale null: within tol * (1 + |ref|)).
     */
    public static void close(String what, double[] ref, double[] scale, float[] got, double tol) {
        if (ref.length != got.length) {
            throw new AssertionError(what + ": length " + got.length + " != " + ref.length);
        }
        for (int i = 0; i < ref.length; i++) {
            double r = ref[i];
            float g = got[i];
            if (Double.isNaN(r)) {
                if (!Float.isNaN(g)) {
                    throw new AssertionError(what + "[" + i + "] = " + g + ", expected NaN");
                }
            } else if (Double.isInfinite(r)) {
                if (g != (float) r && !Float.isNaN(g)) {
                    throw new AssertionError(what + "[" + i + "] = " + g + ", expected " + r);
                }
            } else {
                double bound = tol * (1 + (scale == null ? Math.abs(r) : scale[i]));
                if (!(Math.abs(g - r) <= bound)) {
                    throw new AssertionError(what + "[" + i + "] = " + g + ", expected " + r + " (tolerance " + bound
                            + ")");
                }
            }
        }
    }

    // ---- bookkeeping ------------------------------------------------------------------------------------------

    private void checkCanaries() {
        for (MemorySegment block : guarded) {
            if (!block.scope().isAlive()) {
                continue;
            }
            long n = block.byteSize() / 4;
            for (long i = 0; i < GUARD; i++) {
                if (block.getAtIndex(ValueLayout.JAVA_INT, i) != CANARY
                        || block.getAtIndex(ValueLayout.JAVA_INT, n - 1 - i) != CANARY) {
                    fail("a buffer's guard floats were overwritten (out-of-bounds write)");
                    return;
                }
            }
        }
    }

    private static String at(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        return st.length == 0 ? "" : " at " + st[0];
    }

    private void fail(String message) {
        // One line per kind of failure: the message without its numbers.
        if (seen.add(message.replaceAll("[0-9]+", "#")) && failures.size() < 50) {
            failures.add(caseName + " #" + iteration + " (seed " + seed + "): " + message);
        }
    }

    public long calls() {
        return calls;
    }

    public long rejected() {
        return rejected;
    }

    public List<String> failures() {
        return failures;
    }

    /** Throws listing every failure; prints the counts. */
    public void assertClean(String suite) {
        System.out.println("[fuzz] " + suite + ": " + calls + " calls (" + rejected + " rejected with a documented "
                + "exception), " + failures.size() + " failures, seed " + seed);
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " fuzz failures:\n" + String.join("\n", failures));
        }
    }

    /** The seed from {@code -Dgatun.fuzz.seed}, else a fixed default (reproducible CI). */
    public static long seed() {
        return Long.getLong("gatun.fuzz.seed", 20261122L);
    }
}
