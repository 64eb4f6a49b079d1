package dev.gatun.bench.gemm;

import dev.gatun.gemm.Gemm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code C = A B} through {@link Gemm#sgemm} with one provider per fork (see {@link GemmBenchmarks#selectProvider}),
 * one thread. Shapes: square sizes, {@code 1x1024x1024} (a GEMV shape: M = 1) and {@code 32x1024x256} (the
 * recurrent step of an LSTM with batch 32 and hidden 256: h (32, 256) times W_hh^T; {@code :NT} stores W as
 * (1024, 256), PyTorch's layout). Scores: calls/s, and the secondary {@code gflops} (GFLOP/s, 2*M*N*K per call).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar GemmBenchmark -p shape=256,512,1024
 * -p provider=java,openblas,openblasHaswell}. On a shared machine take the best of repeated runs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Warm-up: the Java kernels run ~100x slower until C2 has compiled them, which takes 1-2 s on an idle core and
// several on a busy one; 5 x 1 s leaves the measurement out of it.
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {
    /** {@code N} for N x N x N, or {@code MxNxK}, optionally {@code :TT} with the transposes of A and B (N or T). */
    @Param({"1", "16", "64", "128", "256", "512", "1024", "1x1024x1024", "32x1024x256", "32x1024x256:NT"})
    public String shape;

    @Param({"openblas", "openblasDetected", "openblasHaswell", "java", "scalar"})
    public String provider;

    private int m;
    private int n;
    private int k;
    private boolean transA;
    private boolean transB;
    private Arena arena;
    private MemorySegment a;   // op(A) (m, k)
    private MemorySegment b;   // op(B) (k, n)
    private MemorySegment c;   // (m, n)

    /** GFLOP done, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflops;
    }

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split(":");
        String[] dims = parts[0].split("x");
        if (dims.length == 1) {
            m = n = k = Integer.parseInt(dims[0]);
        } else {
            m = Integer.parseInt(dims[0]);
            n = Integer.parseInt(dims[1]);
            k = Integer.parseInt(dims[2]);
        }
        transA = parts.length > 1 && parts[1].charAt(0) == 'T';
        transB = parts.length > 1 && parts[1].charAt(1) == 'T';
        System.err.println("GEMM provider: " + GemmBenchmarks.selectProvider(provider));
        arena = Arena.ofConfined();
        a = GemmBenchmarks.random(arena, (long) m * k, 1);
        b = GemmBenchmarks.random(arena, (long) k * n, 2);
        c = arena.allocate((long) m * n * Float.BYTES, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        GemmBenchmarks.checkProduct(provider + " " + shape, transA, transB, m, n, k, a, b, c);
        arena.close();
    }

    @Benchmark
    public void sgemm(Flops flops) {
        Gemm.sgemm(transA, transB, m, n, k, 1f, a, 0, transA ? m : k, b, 0, transB ? k : n, 0f, c, 0, n);
        flops.gflops += 2e-9 * m * n * k;
    }
}
