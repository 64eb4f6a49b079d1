package dev.gatun.bench.rnn;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.nn.Recurrent;
import dev.gatun.autograd.optim.Sgd;
import dev.gatun.kernels.CellType;
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
 * One training step of one recurrent layer (I = H) on a time-major batch (T = steps, B, H), single thread: forward,
 * loss {@code mean(y * y)}, backward (BPTT over all steps), plain SGD with lr 1e-3. Exactly the PyTorch peer's
 * "train" mode ({@code torch_rnn_bench.py}: {@code opt.zero_grad(); y, _ = m(x); (y * y).mean().backward();
 * opt.step()}). Score: time per step; tokens/s = B*T / score. Run with {@code -prof gc} for bytes per step (issue 4:
 * at most 1 KiB).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class TrainingStepBenchmark {
    @Param({"lstm"})
    public String cell;

    @Param({"256"})
    public int hidden;

    @Param({"32"})
    public int batch;

    @Param({"64"})
    public int steps;

    private Arena arena;
    private Tape tape;
    private Recurrent layer;
    private Sgd sgd;
    private Tensor x;

    @Setup(Level.Trial)
    public void setUp() {
        CellType type = switch (cell) {
            case "lstm" -> CellType.LSTM;
            case "gru" -> CellType.GRU;
            case "rnn" -> CellType.RNN_TANH;
            default -> throw new IllegalArgumentException("cell must be lstm, gru or rnn, got " + cell);
        };
        arena = Arena.ofShared();
        tape = new Tape();
        layer = new Recurrent(new StackShape(type, hidden, hidden, 1, false, 0), 0f, true, 0);
        sgd = new Sgd(layer.parameters(), 1e-3f);
        x = Tensor.allocate(arena, steps, batch, hidden);
        Random rnd = new Random(42);
        float[] data = new float[(int) x.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextGaussian();   // torch.randn
        }
        x.copyFrom(data);
    }

    /** Forward, loss, backward, SGD; returns the loss so the work is not dead code. */
    @Benchmark
    public float step() {
        tape.reset();
        sgd.zeroGrad();
        Var y = layer.forward(tape, tape.input(x), null, null).output();
        Var loss = Ops.mean(tape, Ops.mul(tape, y, y));
        tape.backward(loss);
        sgd.step();
        return loss.value().get(0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sgd.close();
        layer.close();
        tape.close();
        arena.close();
    }
}
