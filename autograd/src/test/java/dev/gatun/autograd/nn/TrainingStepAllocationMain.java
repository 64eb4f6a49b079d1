package dev.gatun.autograd.nn;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.optim.Sgd;
import dev.gatun.gemm.Gemm;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;

/**
 * Bytes of Java heap one steady-state training step allocates: a recurrent layer over (T, B, I = H), loss
 * {@code mean(y * y)}, backward, SGD, the step of {@code TrainingStepBenchmark}. Run as a main in a child JVM to
 * measure under another GEMM provider ({@code -Dgatun.gemm=java}); prints {@code provider=...} and
 * {@code <cell>=<bytes>} lines.
 */
final class TrainingStepAllocationMain {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static final CellType[] CELLS = {CellType.LSTM, CellType.GRU, CellType.RNN_TANH};

    private TrainingStepAllocationMain() {}

    /** Prints the provider and each cell's bytes per step. */
    public static void main(String[] args) {
        System.out.println("provider=" + Gemm.provider().name());
        for (CellType cell : CELLS) {
            System.out.println(cell.name() + "=" + bytesPerStep(cell, TrainingStepAllocationTest.BUDGET));
        }
    }

    /** Smallest per-step allocation over rounds of steps, stopping early once a round is at or under target. */
    static double bytesPerStep(CellType cell, double target) {
        int steps = 32;   // allocation per time step (per GEMM call) would show 32 times over
        int batch = 4;
        int hidden = 16;
        StackShape shape = new StackShape(cell, hidden, hidden, 1, false, 0);
        try (Tape tape = new Tape();
             Recurrent layer = new Recurrent(shape, 0f, true, 1);
             Sgd sgd = new Sgd(layer.parameters(), 1e-3f);
             Arena arena = Arena.ofConfined()) {
            Tensor x = Tensor.allocate(arena, steps, batch, hidden);
            for (long i = 0; i < x.size(); i++) {
                x.segment().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (float) Math.sin(i));
            }
            Runnable step = () -> {
                tape.reset();
                sgd.zeroGrad();
                Var y = layer.forward(tape, tape.input(x), null, null).output();
                tape.backward(Ops.mean(tape, Ops.mul(tape, y, y)));
                sgd.step();
            };
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 80 && best > target; round++) {
                for (int i = 0; i < 200; i++) {
                    step.run();
                }
                long before = THREADS.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 200; i++) {
                    step.run();
                }
                best = Math.min(best, (THREADS.getCurrentThreadAllocatedBytes() - before) / 200.0);
            }
            return best;
        }
    }
}
