package dev.gatun.bench.stream;

import dev.gatun.kernels.stream.StreamingCell;
import dev.gatun.kernels.stream.StreamingStepper;
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
 * The recurrent part of batch-1 sequence inference: the input projections xp = x W_ih^T + b_ih of a T=100
 * sequence are precomputed (by one GEMM in real use; random rows here), and each step reads one xp row and streams
 * only the packed W_hh (G*H^2 weights). Score: microseconds per step, state carried from step to step, the xp rows
 * cycling. The GEMM's share of a whole sequence is measured by {@code dev.gatun.bench.rnn.SequenceInferenceBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx1g"})
public class StreamingProjectedStepBenchmark {
    private static final int STEPS = 100;

    @Param({"lstm", "gru", "rnn"})
    public String cell;

    @Param({"256", "512", "1024"})
    public int hidden;

    @Param({"fp32", "bf16"})
    public String format;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private StreamingCell streaming;
    private StreamingStepper stepper;
    private MemorySegment xps;      // (STEPS, G*H)
    private long row;
    private int t;

    @Setup(Level.Trial)
    public void setUp() {
        streaming = StreamingBenchmarks.cell(cell, hidden, format);
        stepper = streaming.newStepper(threads);
        row = streaming.projectedInputSize();
        float[] a = StreamingBenchmarks.random(new Random(13), (int) (STEPS * row), 1f);
        arena = Arena.ofConfined();
        xps = arena.allocate((long) a.length * Float.BYTES, 64);
        MemorySegment.copy(a, 0, xps, ValueLayout.JAVA_FLOAT, 0, a.length);
    }

    @Benchmark
    public void step() {
        stepper.stepProjected(xps, t * row);
        t = t + 1 == STEPS ? 0 : t + 1;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        StreamingBenchmarks.checkState(stepper);
        stepper.close();
        streaming.close();
        arena.close();
    }
}
