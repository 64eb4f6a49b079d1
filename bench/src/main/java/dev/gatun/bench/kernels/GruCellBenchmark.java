package dev.gatun.bench.kernels;

import dev.gatun.kernels.cell.ClassicGruCell;
import dev.gatun.kernels.cell.GruCell;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One fused GRU step (no GEMMs), PyTorch form ({@code forward...}, {@code backward...}) and the classic form's two
 * phases back to back ({@code classicForward...}, {@code classicBackward...}): {@code ...Vector} runs the Vector API
 * kernels, {@code ...Scalar} the scalar twins (the same facades in a fork with {@code -Dgatun.vector=false}).
 * Score: ns per step of B*H cells.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GruCellBenchmark {
    @Param({"256", "1024"})
    public int hidden;

    @Param({"1", "32"})
    public int batch;

    private Arena arena;
    private MemorySegment xp;       // (B, 3H)
    private MemorySegment hp;       // (B, 3H)
    private MemorySegment hPrev;    // (B, H)
    private MemorySegment save;     // (B, 4H)
    private MemorySegment rh;       // (B, H)
    private MemorySegment h;        // (B, H)
    private MemorySegment dh;       // (B, H)
    private MemorySegment dxPre;    // (B, 3H)
    private MemorySegment dhPre;    // (B, 3H)
    private MemorySegment dhPrev;   // (B, H)

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        KernelBenchmarks.checkMode(params);
        arena = Arena.ofConfined();
        long g = 3L * batch * hidden;
        long s = (long) batch * hidden;
        xp = KernelBenchmarks.random(arena, g, 1, 2f);
        hp = KernelBenchmarks.random(arena, g, 2, 2f);
        hPrev = KernelBenchmarks.random(arena, s, 3, 1f);
        save = KernelBenchmarks.random(arena, 4 * s, 4, 1f);
        rh = KernelBenchmarks.random(arena, s, 5, 1f);
        h = KernelBenchmarks.random(arena, s, 6, 1f);
        dh = KernelBenchmarks.random(arena, s, 7, 1f);
        dxPre = KernelBenchmarks.random(arena, g, 8, 1f);
        dhPre = KernelBenchmarks.random(arena, g, 9, 1f);
        dhPrev = KernelBenchmarks.random(arena, s, 10, 1f);
        if (params.getBenchmark().contains("classic")) {
            classicForwardVector();
        } else {
            forwardVector();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        KernelBenchmarks.checkBounded("h", h, 1f);
        KernelBenchmarks.checkBounded("dxPre", dxPre, 10f);
        arena.close();
    }

    @Benchmark
    public MemorySegment forwardVector() {
        GruCell.forward(batch, hidden, xp, 0, hp, 0, hPrev, 0, hidden, save, 0, h, 0, hidden);
        return h;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dgatun.vector=false"})
    public MemorySegment forwardScalar() {
        return forwardVector();
    }

    @Benchmark
    public MemorySegment backwardVector() {
        GruCell.backward(batch, hidden, dh, 0, save, 0, hPrev, 0, hidden, dxPre, 0, dhPre, 0, dhPrev, 0);
        return dxPre;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dgatun.vector=false"})
    public MemorySegment backwardScalar() {
        return backwardVector();
    }

    @Benchmark
    public MemorySegment classicForwardVector() {
        ClassicGruCell.forwardGates(batch, hidden, xp, 0, hp, 0, hPrev, 0, hidden, save, 0, rh, 0);
        ClassicGruCell.forwardCandidate(batch, hidden, xp, 0, hp, 0, hPrev, 0, hidden, save, 0, h, 0, hidden);
        return h;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dgatun.vector=false"})
    public MemorySegment classicForwardScalar() {
        return classicForwardVector();
    }

    @Benchmark
    public MemorySegment classicBackwardVector() {
        ClassicGruCell.backwardCandidate(batch, hidden, dh, 0, save, 0, hPrev, 0, hidden, dxPre, 0, dhPrev, 0);
        ClassicGruCell.backwardGates(batch, hidden, rh, 0, save, 0, hPrev, 0, hidden, dxPre, 0, dhPrev, 0);
        return dxPre;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dgatun.vector=false"})
    public MemorySegment classicBackwardScalar() {
        return classicBackwardVector();
    }
}
