package dev.gatun.bench.gemm;

import dev.gatun.blas.Blas;
import dev.gatun.blas.BlasInfo;
import dev.gatun.gemm.Gemm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Shared set-up and checks of the GEMM benchmarks. */
final class GemmBenchmarks {
    private GemmBenchmarks() {}

    /**
     * Selects a provider for this fork by system properties, which must be set before {@link Blas} or {@link Gemm}
     * is first touched (each decides once per JVM; JMH runs every parameter combination in its own fork):
     * <ul>
     *   <li>{@code openblas}: OpenBLAS with Gatun's AVX-512 core-type fix ({@code OPENBLAS_CORETYPE=SKYLAKEX} on
     *   AVX-512 CPUs, the default);</li>
     *   <li>{@code openblasDetected}: OpenBLAS with its own core detection
     *   ({@code -Dgatun.openblas.coretype=auto});</li>
     *   <li>{@code java}: the Vector API GEMM; {@code scalar}: its plain-loop twin.</li>
     * </ul>
     * Then checks that the fork really got it (a reused JVM would keep an earlier choice) and returns a one-line
     * description, e.g. {@code "openblas (SYSTEM ..., core SkylakeX, 1 thread)"}.
     */
    static String selectProvider(String provider) {
        switch (provider) {
            case "openblas" -> {
                System.setProperty("gatun.gemm", "openblas");
                if (avx512()) {
                    System.setProperty("gatun.openblas.coretype", "SKYLAKEX");
                }
            }
            case "openblasDetected" -> {
                System.setProperty("gatun.gemm", "openblas");
                System.setProperty("gatun.openblas.coretype", "detect");
            }
            case "openblasHaswell" -> {
                System.setProperty("gatun.gemm", "openblas");
                System.setProperty("gatun.openblas.coretype", "HASWELL");
            }
            case "java" -> System.setProperty("gatun.gemm", "java");
            case "scalar" -> System.setProperty("gatun.gemm", "scalar");
            default -> throw new IllegalArgumentException(
                    "provider must be openblas, openblasDetected, openblasHaswell, java or scalar, got " + provider);
        }
        String name = Gemm.provider().name();
        String expected = provider.startsWith("openblas") ? "openblas" : provider;
        if (!name.equals(expected)) {
            throw new IllegalStateException("this JVM already uses GEMM provider '" + name + "', not '" + expected
                    + "': run with forks (-f 1 or more)");
        }
        if (expected.equals("openblas")) {
            BlasInfo info = Blas.info();
            if (provider.equals("openblasDetected") && !info.coreType().equals("auto")) {
                throw new IllegalStateException("OpenBLAS was loaded with OPENBLAS_CORETYPE=" + info.coreType()
                        + ", not with its own detection: run with forks (-f 1 or more)");
            }
            if (provider.equals("openblasHaswell") && !info.coreName().equalsIgnoreCase("haswell")) {
                throw new IllegalStateException("OpenBLAS runs core " + info.coreName() + ", not Haswell: run with "
                        + "forks (-f 1 or more)");
            }
            if (Blas.threads() != 1) {
                Blas.setThreads(1);
            }
        }
        return Gemm.provider().toString();
    }

    private static boolean avx512() {
        try {
            String flags = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("flags")).findFirst().orElse("");
            return java.util.Arrays.asList(flags.split("\\s+"))
                    .containsAll(java.util.List.of("avx512f", "avx512vl", "avx512bw", "avx512dq"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** {@code floats} uniform values in [-1, 1), 64-byte aligned. */
    static MemorySegment random(Arena arena, long floats, long seed) {
        MemorySegment s = arena.allocate(Math.max(1, floats) * Float.BYTES, 64);
        Random r = new Random(seed);
        for (long i = 0; i < floats; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, 2 * r.nextFloat() - 1);
        }
        return s;
    }

    /**
     * Recomputes a few elements of {@code C = op(A) op(B)} (row-major, dense) in double and fails when one is off:
     * a benchmark that measures a wrong result measures nothing.
     */
    static void checkProduct(String what, boolean transA, boolean transB, int m, int n, int k,
                             MemorySegment a, MemorySegment b, MemorySegment c) {
        Random r = new Random(7);
        for (int t = 0; t < 16; t++) {
            int i = r.nextInt(m), j = r.nextInt(n);
            double sum = 0, size = 0;
            for (int p = 0; p < k; p++) {
                double x = a.getAtIndex(ValueLayout.JAVA_FLOAT, transA ? (long) p * m + i : (long) i * k + p);
                double y = b.getAtIndex(ValueLayout.JAVA_FLOAT, transB ? (long) j * k + p : (long) p * n + j);
                sum += x * y;
                size += Math.abs(x * y);
            }
            float got = c.getAtIndex(ValueLayout.JAVA_FLOAT, (long) i * n + j);
            if (!(Math.abs(got - sum) <= 1e-4 * Math.sqrt(k) * size + 1e-6)) {
                throw new IllegalStateException(what + ": C[" + i + ", " + j + "] = " + got + ", expected " + sum);
            }
        }
    }
}
