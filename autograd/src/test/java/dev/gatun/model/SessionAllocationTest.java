package dev.gatun.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.autograd.nn.Embedding;
import dev.gatun.autograd.nn.Linear;
import dev.gatun.autograd.nn.Recurrent;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.kernels.stream.WeightFormat;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** After warm-up, {@link Session#step} allocates nothing (HotSpot's per-thread allocated-bytes counter). */
class SessionAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @EnumSource(CellType.class)
    void steadyStateStepAllocatesNothing(CellType cell) {
        int proj = cell == CellType.LSTM ? 5 : 0;
        StackShape shape = new StackShape(cell, 6, 12, 3, false, proj);
        try (Embedding emb = new Embedding(10, 6, 1);
             Recurrent rnn = new Recurrent(shape, 0f, true, 2);
             Linear head = new Linear(shape.outputSize(), 10, 3);
             Model model = Model.of(emb, rnn, head, false, List.of(), WeightFormat.FP32);
             Session s = model.newSession()) {
            float[] x = new float[6];
            int[] token = {0};
            Runnable vectorStep = () -> {
                x[token[0] % 6] += 0.25f;
                s.step(x);
                token[0]++;
            };
            Runnable tokenStep = () -> s.step(token[0]++ % 10);
            assertEquals(0.0, steadyState(vectorStep), cell + ": bytes per step(float[])");
            assertEquals(0.0, steadyState(tokenStep), cell + ": bytes per step(int)");
        }
    }

    /**
     * Smallest per-call average over rounds of warm-up plus measurement, until one allocates nothing or 30 s have
     * passed (C2 needs a while on a busy machine, and may recompile a stage after new receiver types show up).
     */
    private static double steadyState(Runnable step) {
        double best = Double.MAX_VALUE;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (best > 0 && System.nanoTime() < deadline) {
            for (int i = 0; i < 2000; i++) {
                step.run();
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 2000; i++) {
                step.run();
            }
            best = Math.min(best, (THREADS.getCurrentThreadAllocatedBytes() - before) / 2000.0);
        }
        return best;
    }
}
