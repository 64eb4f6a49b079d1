package dev.gatun.bench.rnn;

import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.LayerWeights;
import dev.gatun.kernels.sequence.RecurrentStack;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
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
 * Whole-sequence inference with batches (the throughput scenario): one layer, I = H, time-major input (T, B, H).
 * Score: time per sequence; tokens/s = B*T / score. Peers: oneDNN/PyTorch "inf" mode with the same sizes.
 * {@code forwardPerStepGemm} is the same in a fork with {@code -Dgatun.recurrent.packed=false}: a GEMM per step
 * (OpenBLAS when loaded) instead of W_hh packed once per call, for comparison in one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class BatchedForwardBenchmark {
    @Param({"lstm", "gru", "rnn"})
    public String cell;

    @Param({"256"})
    public int hidden;

    @Param({"32"})
    public int batch;

    @Param({"64"})
    public int steps;

    private Arena arena;
    private RecurrentStack stack;
    private LayerWeights[] weights;
    private Tensor x;
    private Tensor y;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        CellType type = switch (cell) {
            case "lstm" -> CellType.LSTM;
            case "gru" -> CellType.GRU;
            case "rnn" -> CellType.RNN_TANH;
            default -> throw new IllegalArgumentException("cell " + cell);
        };
        StackShape shape = new StackShape(type, hidden, hidden, 1, false, 0);
        stack = new RecurrentStack(shape);
        weights = new LayerWeights[] {LayerWeights.allocate(arena, shape.layer(0))};
        Random rnd = new Random(42);
        float bound = (float) (1 / Math.sqrt(hidden));
        fill(weights[0].wIh(), rnd, bound);
        fill(weights[0].wHh(), rnd, bound);
        fill(weights[0].bIh(), rnd, bound);
        fill(weights[0].bHh(), rnd, bound);
        x = Tensor.allocate(arena, steps, batch, hidden);
        fill(x, rnd, 1f);
        y = Tensor.allocate(arena, steps, batch, hidden);
    }

    @Benchmark
    public Tensor forward() {
        stack.forward(steps, batch, x.segment(), 0, weights, null, 0, null, 0, y.segment(), 0, null, 0, null, 0);
        return y;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dgatun.recurrent.packed=false"})
    public Tensor forwardPerStepGemm() {
        return forward();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stack.close();
        arena.close();
    }

    static void fill(Tensor t, Random rnd, float bound) {
        float[] a = new float[(int) t.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (rnd.nextFloat() * 2 - 1) * bound;
        }
        t.copyFrom(a);
    }
}
