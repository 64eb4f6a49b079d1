package dev.gatun.bench.stream;

import dev.gatun.kernels.stream.StreamingCell;
import dev.gatun.kernels.stream.StreamingStepper;
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
 * The embedded use case: one sequence streamed one step at a time (batch 1), each step reading x and streaming the
 * packed [W_ih | W_hh] once. I = H; the input cycles through 100 random rows so consecutive steps differ. Score:
 * microseconds per step. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} must be about 0 bytes per step.
 *
 * <p>A step streams 2*G*H^2 weights: fp32 LSTM H256 2 MiB (more than one core's 1 MiB L2), bf16 half that; with
 * {@code threads=2} each core streams its half of the unit blocks, so bf16 H256 stays in the two L2s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx1g"})
public class StreamingStepBenchmark {
    private static final int ROWS = 100;

    @Param({"lstm", "gru", "rnn"})
    public String cell;

    @Param({"256", "512", "1024"})
    public int hidden;

    @Param({"fp32", "bf16"})
    public String format;

    @Param({"1", "2"})
    public int threads;

    private StreamingCell streaming;
    private StreamingStepper stepper;
    private float[] xs;     // (ROWS, I)
    private int t;

    @Setup(Level.Trial)
    public void setUp() {
        streaming = StreamingBenchmarks.cell(cell, hidden, format);
        stepper = streaming.newStepper(threads);
        xs = StreamingBenchmarks.random(new Random(11), ROWS * hidden, 1f);
    }

    @Benchmark
    public void step() {
        stepper.step(xs, t * hidden);
        t = t + 1 == ROWS ? 0 : t + 1;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        StreamingBenchmarks.checkState(stepper);
        stepper.close();
        streaming.close();
    }
}
