package dev.gatun.bench.gemm;

import dev.gatun.blas.Blas;
import dev.gatun.gemm.Gemm;
import dev.gatun.gemm.GemmProvider;
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
 * {@code y = A x} and {@code y = A^T x} for A {@code rows x cols}, one thread: {@code java} (the Vector API GEMV),
 * {@code openblas} ({@code cblas_sgemv} through {@link Blas#sgemv}, checks included) and {@code gemm} (what
 * {@link Gemm#sgemv} routes to). Secondary score {@code gbytes}: GB/s of A read (the bound of a GEMV). The
 * measurements behind the routing in {@code OpenBlasGemm.JAVA_GEMV_MAX_ELEMENTS}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemvBenchmark {
    /** {@code rows x cols} of A. */
    @Param({"64x64", "256x256", "1024x256", "256x1024", "1024x1024", "4096x4096"})
    public String shape;

    @Param({"false", "true"})
    public boolean trans;

    private int rows;
    private int cols;
    private Arena arena;
    private GemmProvider java;
    private MemorySegment a;   // (rows, cols)
    private MemorySegment x;   // (trans ? rows : cols)
    private MemorySegment y;   // (trans ? cols : rows)

    /** Bytes of A read, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double gbytes;
    }

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        rows = Integer.parseInt(dims[0]);
        cols = Integer.parseInt(dims[1]);
        System.err.println("GEMM provider: " + GemmBenchmarks.selectProvider("openblas"));
        java = GemmProvider.javaVector();
        arena = Arena.ofConfined();
        a = GemmBenchmarks.random(arena, (long) rows * cols, 1);
        x = GemmBenchmarks.random(arena, trans ? rows : cols, 2);
        y = arena.allocate((long) (trans ? cols : rows) * Float.BYTES, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        // y = op(A) x is C = op(A) X with X one column.
        if (trans) {
            GemmBenchmarks.checkProduct("gemv T " + shape, true, false, cols, 1, rows, a, x, y);
        } else {
            GemmBenchmarks.checkProduct("gemv N " + shape, false, false, rows, 1, cols, a, x, y);
        }
        arena.close();
    }

    @Benchmark
    public void java(Bytes bytes) {
        java.sgemv(trans, rows, cols, 1f, a, 0, cols, x, 0, 1, 0f, y, 0, 1);
        bytes.gbytes += 4e-9 * rows * cols;
    }

    @Benchmark
    public void openblas(Bytes bytes) {
        Blas.sgemv(trans, rows, cols, 1f, a, 0, cols, x, 0, 1, 0f, y, 0, 1);
        bytes.gbytes += 4e-9 * rows * cols;
    }

    @Benchmark
    public void gemm(Bytes bytes) {
        Gemm.sgemv(trans, rows, cols, 1f, a, 0, cols, x, 0, 1, 0f, y, 0, 1);
        bytes.gbytes += 4e-9 * rows * cols;
    }
}
