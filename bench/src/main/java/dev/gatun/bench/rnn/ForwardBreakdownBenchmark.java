package dev.gatun.bench.rnn;

import dev.gatun.gemm.Gemm;
import dev.gatun.gemm.GemmProvider;
import dev.gatun.gemm.PackedWeights;
import dev.gatun.kernels.cell.GruCell;
import dev.gatun.kernels.cell.LstmCell;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
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
 * Where the time of {@link BatchedForwardBenchmark} goes, part by part, with the sizes and buffers the sequence
 * loop uses: {@code inputGemm} is the one GEMM of all input projections (T*B, GH, I) divided by T (its share of a
 * step), {@code recurrentGemm} the per-step {@code h W_hh^T} (B, GH, H) on {@link Gemm} (OpenBLAS when loaded),
 * {@code recurrentJava} the same on the pure-Java GEMM (packs W_hh per call), {@code recurrentPacked} the same with
 * W_hh packed once ({@link PackedWeights}, what a forward pass does for B >= 4), {@code cell} the fused cell kernel of
 * one step. Score: ns per step; compare the variants, and LSTM with GRU, in one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class ForwardBreakdownBenchmark {
    @Param({"lstm", "gru"})
    public String cell;

    @Param({"256"})
    public int hidden;

    @Param({"32"})
    public int batch;

    @Param({"64"})
    public int steps;

    private int gates;
    private Arena arena;
    private MemorySegment wIh;     // (GH, H)
    private MemorySegment wHh;     // (GH, H)
    private MemorySegment x;       // (T*B, H)
    private MemorySegment xp;      // (T*B, GH)
    private MemorySegment h;       // (B, H)
    private MemorySegment hp;      // (B, GH)
    private MemorySegment save;    // (B, 4H)
    private MemorySegment c;       // (B, H)
    private MemorySegment hOut;    // (B, H)
    private PackedWeights packed;

    @Setup(Level.Trial)
    public void setUp() {
        gates = switch (cell) {
            case "lstm" -> 4;
            case "gru" -> 3;
            default -> throw new IllegalArgumentException("cell " + cell);
        };
        arena = Arena.ofShared();
        Random rnd = new Random(42);
        long gh = (long) gates * hidden;
        float bound = (float) (1 / Math.sqrt(hidden));
        wIh = random(gh * hidden, rnd, bound);
        wHh = random(gh * hidden, rnd, bound);
        x = random((long) steps * batch * hidden, rnd, 1f);
        xp = random((long) steps * batch * gh, rnd, 1f);
        h = random((long) batch * hidden, rnd, 1f);
        hp = random(batch * gh, rnd, 1f);
        save = random(4L * batch * hidden, rnd, 1f);
        c = random((long) batch * hidden, rnd, 1f);
        hOut = random((long) batch * hidden, rnd, 1f);
        packed = new PackedWeights();
        packed.pack(wHh, 0, (int) gh, hidden);
    }

    /** The input GEMM of a whole sequence; its score is divided by T by hand (a step's share). */
    @Benchmark
    public MemorySegment inputGemm() {
        int gh = gates * hidden;
        Gemm.sgemm(false, true, steps * batch, gh, hidden, 1f, x, 0, hidden, wHh, 0, hidden, 0f, xp, 0, gh);
        return xp;
    }

    @Benchmark
    public MemorySegment recurrentGemm() {
        int gh = gates * hidden;
        Gemm.sgemm(false, true, batch, gh, hidden, 1f, h, 0, hidden, wHh, 0, hidden, 0f, hp, 0, gh);
        return hp;
    }

    @Benchmark
    public MemorySegment recurrentJava() {
        int gh = gates * hidden;
        GemmProvider.javaVector().sgemm(false, true, batch, gh, hidden, 1f, h, 0, hidden, wHh, 0, hidden, 0f, hp, 0,
                gh);
        return hp;
    }

    @Benchmark
    public MemorySegment recurrentPacked() {
        packed.multiply(batch, h, 0, hidden, 0f, hp, 0, gates * hidden);
        return hp;
    }

    @Benchmark
    public MemorySegment cell() {
        if (gates == 4) {
            LstmCell.forward(batch, hidden, xp, 0, hp, 0, c, 0, save, 0, c, 0, hOut, 0, hidden);
        } else {
            GruCell.forward(batch, hidden, xp, 0, hp, 0, h, 0, hidden, save, 0, hOut, 0, hidden);
        }
        return hOut;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        packed.close();
        arena.close();
    }

    private MemorySegment random(long floats, Random rnd, float scale) {
        MemorySegment s = arena.allocate(floats * Float.BYTES, 64);
        for (long i = 0; i < floats; i++) {
            s.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (rnd.nextFloat() * 2 - 1) * scale);
        }
        return s;
    }
}
