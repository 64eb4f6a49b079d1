package dev.gatun.bench.rnn;

import dev.gatun.gemm.Gemm;
import dev.gatun.kernels.stream.Nonlinearity;
import dev.gatun.kernels.stream.StreamingCell;
import dev.gatun.kernels.stream.StreamingStepper;
import dev.gatun.kernels.stream.WeightFormat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
 * Batch-1 inference over a whole sequence (the embedded "sequence" scenario): one GEMM computes the input projections
 * of all T steps, then the fused batch-1 kernel runs T recurrent steps reading only W_hh. One layer, I = H.
 * Score: time per sequence; us/step = score / T. Peers: oneDNN/PyTorch "inf" mode with B = 1, T = 100.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class SequenceInferenceBenchmark {
    @Param({"lstm", "gru", "rnn"})
    public String cell;

    @Param({"256"})
    public int hidden;

    @Param({"100"})
    public int steps;

    @Param({"fp32"})
    public String format;

    private Arena arena;
    private StreamingCell streaming;
    private StreamingStepper stepper;
    private MemorySegment x;      // (T, I)
    private MemorySegment wIh;    // (GH, I)
    private MemorySegment bIh;    // (GH)
    private MemorySegment xp;     // (T, GH)
    private MemorySegment hs;     // (T, H)
    private int gh;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        int gates = switch (cell) {
            case "lstm" -> 4;
            case "gru" -> 3;
            case "rnn" -> 1;
            default -> throw new IllegalArgumentException("cell " + cell);
        };
        gh = gates * hidden;
        Random rnd = new Random(7);
        float bound = (float) (1 / Math.sqrt(hidden));
        float[] wi = random(rnd, gh * hidden, bound);
        float[] wh = random(rnd, gh * hidden, bound);
        float[] bi = random(rnd, gh, bound);
        float[] bh = random(rnd, gh, bound);
        WeightFormat f = WeightFormat.valueOf(format.toUpperCase());
        streaming = switch (cell) {
            case "lstm" -> StreamingCell.lstm(wi, wh, bi, bh, hidden, hidden, f);
            case "gru" -> StreamingCell.gru(wi, wh, bi, bh, hidden, hidden, f);
            default -> StreamingCell.rnn(wi, wh, bi, bh, hidden, hidden, Nonlinearity.TANH, f);
        };
        stepper = streaming.newStepper();
        wIh = segment(wi);
        bIh = segment(bi);
        x = segment(random(rnd, steps * hidden, 1f));
        xp = arena.allocate((long) steps * gh * Float.BYTES, 64);
        hs = arena.allocate((long) steps * hidden * Float.BYTES, 64);
    }

    @Benchmark
    public MemorySegment sequence() {
        // All input projections at once: xp = x W_ih^T + b_ih.   (T, GH)
        for (int t = 0; t < steps; t++) {
            MemorySegment.copy(bIh, 0, xp, (long) t * gh * Float.BYTES, (long) gh * Float.BYTES);
        }
        Gemm.sgemm(false, true, steps, gh, hidden, 1f, x, 0, hidden, wIh, 0, hidden, 1f, xp, 0, gh);
        stepper.reset();
        stepper.runProjected(xp, 0, steps, hs, 0);
        return hs;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stepper.close();
        streaming.close();
        arena.close();
    }

    private MemorySegment segment(float[] a) {
        MemorySegment s = arena.allocate((long) a.length * Float.BYTES, 64);
        MemorySegment.copy(a, 0, s, ValueLayout.JAVA_FLOAT, 0, a.length);
        return s;
    }

    private static float[] random(Random rnd, int n, float bound) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (rnd.nextFloat() * 2 - 1) * bound;
        }
        return a;
    }
}
