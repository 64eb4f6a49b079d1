package dev.gatun.cli;

import dev.gatun.blas.BlasInfo;
import dev.gatun.blas.BlasLibrary;
import dev.gatun.gemm.GemmProvider;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * {@code gatun smoke}: a quick sgemm GFLOP/s table for each GEMM provider on this machine (every OpenBLAS Gatun can
 * load, and the pure-Java GEMM). A smoke test, not a benchmark: the JMH numbers live in {@code bench/}.
 */
@Command(name = "smoke", description = "Quick sgemm GFLOP/s for each BLAS provider (OpenBLAS system/bundled, pure Java).")
final class SmokeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Option(names = "--sizes", split = ",", description = "Square sizes (default: ${DEFAULT-VALUE}).",
            defaultValue = "64,256,512,1024")
    int[] sizes;

    @Option(names = "--seconds", description = "Measuring time per size and provider (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.4")
    double seconds;

    /** sgemm through one provider. */
    interface Sgemm {
        void run(int n, MemorySegment a, MemorySegment b, MemorySegment c);
    }

    record Provider(String name, Sgemm gemm) {}

    @Override
    public Integer call() {
        if (sizes.length == 0 || Arrays.stream(sizes).anyMatch(s -> s < 1 || s > 8192)) {
            throw new IllegalArgumentException("--sizes must be between 1 and 8192, got " + Arrays.toString(sizes));
        }
        out().println(EnvCommand.describe());
        out().println();
        List<Provider> providers = new ArrayList<>();
        List<BlasLibrary> opened = new ArrayList<>();
        for (BlasInfo.Source source : new BlasInfo.Source[] {BlasInfo.Source.SYSTEM, BlasInfo.Source.BUNDLED}) {
            try {
                BlasLibrary lib = BlasLibrary.load(source);
                opened.add(lib);
                BlasInfo info = lib.info();
                providers.add(new Provider("OpenBLAS " + source.name().toLowerCase() + " (" + info.coreName() + ")",
                        (n, a, b, c) -> lib.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n)));
            } catch (IllegalStateException e) {
                out().println("OpenBLAS " + source.name().toLowerCase() + ": not available ("
                        + firstLine(e.getMessage()) + ")");
            }
        }
        GemmProvider java = GemmProvider.javaVector();
        providers.add(new Provider("pure Java (" + java.name() + ")",
                (n, a, b, c) -> java.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n)));

        StringBuilder header = new StringBuilder(String.format("%-34s", "sgemm GFLOP/s, 1 thread"));
        for (int n : sizes) {
            header.append(String.format("%10s", n + "^3"));
        }
        out().println(header);
        try (Arena arena = Arena.ofConfined()) {
            int max = Arrays.stream(sizes).max().orElseThrow();
            MemorySegment a = random(arena, (long) max * max, 1);
            MemorySegment b = random(arena, (long) max * max, 2);
            MemorySegment c = arena.allocate((long) max * max * Float.BYTES, 64);
            for (Provider p : providers) {
                StringBuilder row = new StringBuilder(String.format("%-34s", p.name()));
                for (int n : sizes) {
                    row.append(String.format("%10.1f", gflops(p.gemm(), n, a, b, c)));
                }
                out().println(row);
            }
        } finally {
            opened.forEach(BlasLibrary::close);
        }
        return 0;
    }

    /** Median GFLOP/s of repeated calls after a short warm-up. */
    private double gflops(Sgemm g, int n, MemorySegment a, MemorySegment b, MemorySegment c) {
        double flop = 2.0 * n * n * n;
        long budget = (long) (seconds * 1e9);
        long end = System.nanoTime() + budget / 2;
        while (System.nanoTime() < end) {
            g.run(n, a, b, c);
        }
        List<Long> times = new ArrayList<>();
        end = System.nanoTime() + budget;
        while (System.nanoTime() < end || times.size() < 3) {
            long t0 = System.nanoTime();
            g.run(n, a, b, c);
            times.add(System.nanoTime() - t0);
        }
        times.sort(null);
        return flop / times.get(times.size() / 2);
    }

    private static MemorySegment random(Arena arena, long n, long seed) {
        MemorySegment s = arena.allocate(n * Float.BYTES, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < n; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
        }
        return s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown reason";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
