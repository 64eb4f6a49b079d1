package dev.gatun.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.kernels.CellType;
import dev.gatun.kernels.stream.StreamingCell;
import dev.gatun.kernels.stream.StreamingStepper;
import dev.gatun.kernels.stream.WeightFormat;
import java.lang.foreign.Arena;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * N threads sharing one immutable model, each with its own mutable state, get results bitwise identical to a
 * single-threaded run (see {@link ConcurrencyHarness}): a shared {@link StreamingCell} with one
 * {@link StreamingStepper} per thread (1- and 2-thread steppers, fp32 and bf16), a shared set of weights with one
 * {@code RecurrentStack} per thread (forward and backward), and GEMM from several threads.
 */
class ConcurrencyTest {
    private static final int THREADS = 4;

    @ParameterizedTest
    @CsvSource({"lstm, FP32, 1", "lstm-proj, BF16, 1", "gru, FP32, 2", "rnn, BF16, 1"})
    void sharedStreamingCellOneStepperPerThread(String kind, WeightFormat format, int stepperThreads)
            throws Exception {
        try (StreamingCell cell = Workloads.cell(kind, 24, 48, format, 7)) {
            var report = ConcurrencyHarness.run(THREADS, 12, 2, () -> {
                StreamingStepper st = cell.newStepper(stepperThreads);
                return new ConcurrencyHarness.Worker() {
                    @Override
                    public float[] apply(int input) {
                        return Workloads.stream(st, input, 16);
                    }

                    @Override
                    public void close() {
                        st.close();
                    }
                };
            });
            report.assertIdentical();
            assertEquals(THREADS * 12 * 2, report.compared());
        }
    }

    @ParameterizedTest
    @CsvSource({"LSTM, true", "GRU, false", "GRU_CLASSIC, true", "RNN_TANH, false"})
    void sharedWeightsOneRecurrentStackPerThread(CellType cell, boolean backward) throws Exception {
        try (Arena shared = Arena.ofShared()) {
            Workloads.Stack net = new Workloads.Stack(shared, cell, 6, 12, 2, true, 11);
            var report = ConcurrencyHarness.run(THREADS, 6, 2, () -> {
                Workloads.Stack.Runner r = net.new Runner(5, 3, backward);
                return new ConcurrencyHarness.Worker() {
                    @Override
                    public float[] apply(int input) {
                        return r.apply(input);
                    }

                    @Override
                    public void close() {
                        r.close();
                    }
                };
            });
            report.assertIdentical();
        }
    }

    @Test
    void gemmFromManyThreads() throws Exception {
        ConcurrencyHarness.run(THREADS, 8, 2, () -> {
            Arena arena = Arena.ofConfined();
            return new ConcurrencyHarness.Worker() {
                @Override
                public float[] apply(int input) {
                    return Workloads.gemm(arena, input, 37, 29, 65);
                }

                @Override
                public void close() {
                    arena.close();
                }
            };
        }).assertIdentical();
    }
}
