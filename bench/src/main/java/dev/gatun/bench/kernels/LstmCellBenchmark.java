package dev.gatun.bench.kernels;

import dev.gatun.kernels.cell.LstmCell;
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
 * One fused LSTM step (no GEMMs): {@code ...Vector} runs the Vector API kernel, {@code ...Scalar} the scalar twin
 * (the same facade in a fork with {@code -Dgatun.vector=false}). Score: ns per step of B*H cells.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class LstmCellBenchmark {
    @Param({"256", "1024"})
    public int hidden;

    @Param({"1", "32"})
    public int batch;

    private Arena arena;
    private MemorySegment xp;       // (B, 4H)
    private MemorySegment hp;       // (B, 4H)
    private MemorySegment cPrev;    // (B, H)
    private MemorySegment gates;    // (B, 4H)
    private MemorySegment c;        // (B, H)
    private MemorySegment h;        // (B, H)
    private MemorySegment dh;       // (B, H)
    private MemorySegment dc;       // (B, H)
    private MemorySegment dPre;     // (B, 4H)
    private MemorySegment dcPrev;   // (B, H)

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        KernelBenchmarks.checkMode(params);
        arena = Arena.ofConfined();
        long g = 4L * batch * hidden;
        long s = (long) batch * hidden;
        xp = KernelBenchmarks.random(arena, g, 1, 2f);
        hp = KernelBenchmarks.random(arena, g, 2, 2f);
        cPrev = KernelBenchmarks.random(arena, s, 3, 1f);
        gates = KernelBenchmarks.random(arena, g, 4, 1f);
        c = KernelBenchmarks.random(arena, s, 5, 1f);
        h = KernelBenchmarks.random(arena, s, 6, 1f);
        dh = KernelBenchmarks.random(arena, s, 7, 1f);
        dc = KernelBenchmarks.random(arena, s, 8, 1f);
        dPre = KernelBenchmarks.random(arena, g, 9, 1f);
        dcPrev = KernelBenchmarks.random(arena, s, 10, 1f);
        forwardVector();    // saved gates and c for backward
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        KernelBenchmarks.checkBounded("h", h, 1f);
        KernelBenchmarks.checkBounded("dPre", dPre, 10f);
        arena.close();
    }

    @Benchmark
    public MemorySegment forwardVector() {
        LstmCell.forward(batch, hidden, xp, 0, hp, 0, cPrev, 0, gates, 0, c, 0, h, 0, hidden);
        return h;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dgatun.vector=false"})
    public MemorySegment forwardScalar() {
        return forwardVector();
    }

    @Benchmark
    public MemorySegment backwardVector() {
        LstmCell.backward(batch, hidden, dh, 0, dc, 0, gates, 0, c, 0, cPrev, 0, dPre, 0, dcPrev, 0);
        return dPre;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dgatun.vector=false"})
    public MemorySegment backwardScalar() {
        return backwardVector();
    }
}
