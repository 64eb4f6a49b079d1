package dev.gatun.bench.gemm;

import dev.gatun.blas.Blas;
import dev.gatun.blas.BlasInfo;
import dev.gatun.blas.BlasLibrary;
import dev.gatun.blas.generated.cblas_h;
import dev.gatun.gemm.Gemm;
import dev.gatun.gemm.GemmProvider;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
 * What a call into OpenBLAS costs on top of the work, for tiny products ({@code size x size x size}), in ns/call:
 * <ul>
 *   <li>{@code javaNoop}: an empty benchmark (the harness itself);</li>
 *   <li>{@code nativeNoop}: {@code openblas_get_num_threads()}, a downcall that does nothing (the FFM transition);</li>
 *   <li>{@code rawSgemm}: {@code cblas_sgemm} through the generated binding, no argument checks;</li>
 *   <li>{@code blasSgemm}: {@link Blas#sgemm}: checks (shapes, sizes, overlap, native, alive) and the call;</li>
 *   <li>{@code gemmSgemm}: {@link Gemm#sgemm} with the OpenBLAS provider: the facade's checks and routing too
 *   (size 1 is a GEMV shape and goes to the GEMV path);</li>
 *   <li>{@code javaSgemm}: the pure-Java provider, no native call at all.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class FfmOverheadBenchmark {
    @Param({"1", "4"})
    public int size;

    private Arena arena;
    private BlasLibrary raw;
    private cblas_h bindings;
    private GemmProvider java;
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment c;

    @Setup(Level.Trial)
    public void setUp() {
        System.err.println("GEMM provider: " + GemmBenchmarks.selectProvider("openblas"));
        BlasInfo info = Blas.info();
        // A second handle on the very same file (dlopen counts references), for unchecked calls.
        raw = info.source() == BlasInfo.Source.EXPLICIT_PATH ? BlasLibrary.loadPath(Path.of(info.path()))
                : BlasLibrary.load(info.source());
        bindings = raw.bindings();
        java = GemmProvider.javaVector();
        arena = Arena.ofConfined();
        a = GemmBenchmarks.random(arena, (long) size * size, 1);
        b = GemmBenchmarks.random(arena, (long) size * size, 2);
        c = arena.allocate((long) size * size * Float.BYTES, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        GemmBenchmarks.checkProduct("ffm " + size, false, false, size, size, size, a, b, c);
        raw.close();
        arena.close();
    }

    @Benchmark
    public void javaNoop() {
        // the harness's own cost per call
    }

    @Benchmark
    public int nativeNoop() {
        return bindings.openblas_get_num_threads();
    }

    @Benchmark
    public void rawSgemm() {
        bindings.cblas_sgemm(cblas_h.CblasRowMajor(), cblas_h.CblasNoTrans(), cblas_h.CblasNoTrans(), size, size, size,
                1f, a, size, b, size, 0f, c, size);
    }

    @Benchmark
    public void blasSgemm() {
        Blas.sgemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
    }

    @Benchmark
    public void gemmSgemm() {
        Gemm.sgemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
    }

    @Benchmark
    public void javaSgemm() {
        java.sgemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
    }
}
