package dev.gatun.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.gatun.autograd.nn.Recurrent;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One model, several threads each with its own session: the shared weights give every thread the same numbers. */
class ConcurrentSessionsTest {
    @Test
    void sessionsOnManyThreadsShareOneModel() throws Exception {
        StackShape shape = new StackShape(CellType.LSTM, 5, 16, 2, false, 0);
        int steps = 200;
        float[] x = new float[steps * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.11);
        }
        try (Recurrent rnn = new Recurrent(shape, 0f, true, 5); Model model = Model.of(rnn)) {
            float[] expected = run(model, x, steps);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    results.add(pool.submit(() -> run(model, x, steps)));
                }
                for (Future<float[]> f : results) {
                    assertArrayEquals(expected, f.get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void twoThreadStreamingAgreesWithOneThread() {
        StackShape shape = new StackShape(CellType.GRU, 7, 64, 2, false, 0);
        float[] row = new float[7];
        try (Recurrent rnn = new Recurrent(shape, 0f, true, 6); Model model = Model.of(rnn);
             Session one = model.newSession(1); Session two = model.newSession(2)) {
            for (int t = 0; t < 50; t++) {
                row[t % 7] = (float) Math.cos(t);
                float[] a = one.step(row).clone();
                Goldens.assertClose("step " + t, a, two.step(row));
            }
        }
    }

    /** Streams the sequence and then runs it whole; returns the streamed outputs followed by the whole-run ones. */
    private static float[] run(Model model, float[] x, int steps) {
        try (Session s = model.newSession()) {
            float[] out = new float[2 * steps * 16];
            float[] row = new float[5];
            for (int t = 0; t < steps; t++) {
                System.arraycopy(x, t * 5, row, 0, 5);
                System.arraycopy(s.step(row), 0, out, t * 16, 16);
            }
            float[] whole = s.forward(x, steps, 1, null, null).output().data();
            System.arraycopy(whole, 0, out, steps * 16, whole.length);
            return out;
        }
    }
}
