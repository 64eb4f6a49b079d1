package dev.gatun.bench.kernels;

import dev.gatun.kernels.Vectorization;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.openjdk.jmh.infra.BenchmarkParams;

/** Shared set-up and result checks of the cell kernel benchmarks. */
final class KernelBenchmarks {
    private KernelBenchmarks() {}

    /** Fails the run when a {@code ...Vector} benchmark would measure the scalar twin, or the other way round. */
    static void checkMode(BenchmarkParams params) {
        boolean scalar = params.getBenchmark().endsWith("Scalar");
        if (Vectorization.enabled() == scalar) {
            throw new IllegalStateException(params.getBenchmark() + " runs with " + Vectorization.describe()
                    + "; vector benchmarks need --add-modules=jdk.incubator.vector, scalar ones -Dgatun.vector=false");
        }
    }

    /** {@code floats} uniform values in [-scale, scale), 64-byte aligned. */
    static MemorySegment random(Arena arena, long floats, long seed, float scale) {
        MemorySegment s = arena.allocate(floats * Float.BYTES, 64);
        Random r = new Random(seed);
        for (long i = 0; i < floats; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (2 * r.nextFloat() - 1) * scale);
        }
        return s;
    }

    /** Every value finite and within [-bound, bound]: the benchmark computed something sensible. */
    static void checkBounded(String name, MemorySegment s, float bound) {
        for (long i = 0, n = s.byteSize() / Float.BYTES; i < n; i++) {
            float v = s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            if (!(Math.abs(v) <= bound)) {
                throw new IllegalStateException(name + "[" + i + "] = " + v + " is outside [-" + bound + ", " + bound + "]");
            }
        }
    }
}
