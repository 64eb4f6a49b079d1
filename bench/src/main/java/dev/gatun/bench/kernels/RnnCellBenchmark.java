package dev.gatun.bench.kernels;

import dev.gatun.kernels.CellType;
import dev.gatun.kernels.cell.RnnCell;
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
 * One plain RNN step (no GEMMs), tanh or relu: {@code ...Vector} runs the Vector API kernel, {@code ...Scalar} the
 * scalar twin (the same facade in a fork with {@code -Dgatun.vector=false}). Score: ns per step of B*H cells.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class RnnCellBenchmark {
    @Param({"RNN_TANH", "RNN_RELU"})
    public CellType cell;

    @Param({"256", "1024"})
    public int hidden;

    @Param({"32"})
    public int batch;

    private Arena arena;
    private MemorySegment xp;     // (B, H)
    private MemorySegment hp;     // (B, H)
    private MemorySegment h;      // (B, H)
    private MemorySegment dh;     // (B, H)
    private MemorySegment dPre;   // (B, H)

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        KernelBenchmarks.checkMode(params);
        arena = Arena.ofConfined();
        long s = (long) batch * hidden;
        xp = KernelBenchmarks.random(arena, s, 1, 2f);
        hp = KernelBenchmarks.random(arena, s, 2, 2f);
        h = KernelBenchmarks.random(arena, s, 3, 1f);
        dh = KernelBenchmarks.random(arena, s, 4, 1f);
        dPre = KernelBenchmarks.random(arena, s, 5, 1f);
        forwardVector();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        KernelBenchmarks.checkBounded("h", h, 4f);
        KernelBenchmarks.checkBounded("dPre", dPre, 1f);
        arena.close();
    }

    @Benchmark
    public MemorySegment forwardVector() {
        RnnCell.forward(cell, batch, hidden, xp, 0, hp, 0, h, 0, hidden);
        return h;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dgatun.vector=false"})
    public MemorySegment forwardScalar() {
        return forwardVector();
    }

    @Benchmark
    public MemorySegment backwardVector() {
        RnnCell.backward(cell, batch, hidden, dh, 0, h, 0, hidden, dPre, 0);
        return dPre;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dgatun.vector=false"})
    public MemorySegment backwardScalar() {
        return backwardVector();
    }
}
