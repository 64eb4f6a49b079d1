package dev.gatun.gemm;

import dev.gatun.gemm.GemmReference.GemmCase;
import dev.gatun.kernels.Vectorization;

import java.lang.foreign.Arena;

/**
 * Runs in a child JVM started by {@link GemmChildJvmTest}, where system properties fixed at startup can differ:
 * prints {@code key=value} lines (the vector width, the provider or why there is none) and, with the argument
 * {@code check}, runs the random and edge cases through the facade and both tile heights, printing
 * {@code failures=N}.
 */
public final class GemmChildMain {
    private GemmChildMain() {}

    public static void main(String[] args) {
        System.out.println("vector=" + Vectorization.describe());
        System.out.println("bits=" + Vectorization.bitSize());
        System.out.println("blas=" + dev.gatun.blas.Blas.info());
        try {
            System.out.println("provider=" + Gemm.provider().name());
        } catch (IllegalStateException e) {
            System.out.println("error=" + e.getMessage());
        }
        if (args.length > 0 && args[0].equals("check")) {
            int failures = 0, runs = 0;
            try (Arena arena = Arena.ofConfined()) {
                java.util.List<GemmCase> cases = new java.util.ArrayList<>(GemmProvidersTest.randomCases(arena, 3, 60));
                cases.addAll(GemmProvidersTest.edgeCases(arena, 4));
                GemmReference.Sgemm[] gemms = Vectorization.enabled()
                        ? new GemmReference.Sgemm[] {Gemm::sgemm, new PanamaGemm(12)::sgemm, new PanamaGemm(6)::sgemm}
                        : new GemmReference.Sgemm[] {Gemm::sgemm};
                for (GemmReference.Sgemm gemm : gemms) {
                    for (GemmCase c : cases) {
                        runs++;
                        double err = c.check(arena, gemm);
                        if (!(err <= 1)) {
                            failures++;
                            System.out.println("failed: " + c + " error " + err);
                        }
                    }
                }
            }
            System.out.println("runs=" + runs);
            System.out.println("failures=" + failures);
        }
    }
}
