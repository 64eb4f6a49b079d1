package dev.gatun.kernels.stream;

import dev.gatun.kernels.CellType;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.kernels.stream.TestModel.Kind;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The stepper's API: argument checks, state access, sequences, segments, lifecycle and the worker thread. */
class StreamingStepperTest {

    @Test
    void factoriesNameTheBadArgumentAndSizes() {
        float[] w = new float[4 * 8 * 3];
        float[] u = new float[4 * 8 * 8];
        float[] b = new float[32];
        var e = assertThrows(IllegalArgumentException.class,
                () -> StreamingCell.lstm(w, u, b, b, 4, 8, WeightFormat.FP32));
        assertTrue(e.getMessage().contains("wIh") && e.getMessage().contains("96"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> StreamingCell.lstm(w, new float[5], b, b, 3, 8, WeightFormat.FP32));
        assertTrue(e.getMessage().contains("wHh") && e.getMessage().contains("5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> StreamingCell.lstm(w, u, new float[3], b, 3, 8, WeightFormat.FP32));
        assertTrue(e.getMessage().contains("bIh"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> StreamingCell.lstm(w, u, b, b, null, 3, 8, 8, WeightFormat.FP32));
        assertTrue(e.getMessage().contains("projSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> StreamingCell.lstm(w, u, b, b, new float[8], 3, 8, 0, WeightFormat.FP32));
        assertTrue(e.getMessage().contains("wHr"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StreamingCell.lstm(w, u, b, b, 3, 8, null));
        assertTrue(e.getMessage().contains("format"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> StreamingCell.gru(null, u, b, b, 3, 8, WeightFormat.FP32));
        assertTrue(e.getMessage().contains("wIh is null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> StreamingCell.rnn(new float[8], new float[64], null, null, 0, 8, Nonlinearity.TANH,
                        WeightFormat.FP32));
        assertTrue(e.getMessage().contains("inputSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> StreamingCell.rnn(new float[8], new float[64], null, null, 1, 8, null, WeightFormat.FP32));
        assertTrue(e.getMessage().contains("nonlinearity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StreamingCell.gru(MemorySegment.ofArray(new float[3]),
                MemorySegment.ofArray(u), null, null, 1, 8, WeightFormat.FP32));
        assertTrue(e.getMessage().contains("wIh has 3 floats"), e.getMessage());
    }

    @Test
    void stepperArgumentsAreChecked() {
        TestModel m = TestModel.random(Kind.GRU, 5, 7, 1);
        try (StreamingCell cell = m.cell(WeightFormat.FP32); StreamingStepper st = cell.newStepper()) {
            var e = assertThrows(IllegalArgumentException.class, () -> st.step(new float[4]));
            assertTrue(e.getMessage().contains("x has 4 floats, need inputSize=5"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> st.step(new float[6], 2));
            assertThrows(IllegalArgumentException.class, () -> st.step(new float[6], -1));
            assertThrows(IllegalArgumentException.class, () -> st.step((float[]) null));
            assertThrows(IllegalArgumentException.class, () -> st.step(MemorySegment.ofArray(new float[9]), 5));
            e = assertThrows(IllegalArgumentException.class, () -> st.stepProjected(new float[20], 0));
            assertTrue(e.getMessage().contains("gates*hiddenSize=21"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> st.h(new float[6]));
            assertThrows(IllegalArgumentException.class, () -> st.setH(new float[8]));
            assertThrows(IllegalArgumentException.class,
                    () -> st.run(MemorySegment.ofArray(new float[9]), 0, 2, null, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> st.run(MemorySegment.ofArray(new float[10]), 0, 2, MemorySegment.ofArray(new float[13]), 0));
            assertThrows(IllegalArgumentException.class,
                    () -> st.h(MemorySegment.ofArray(new float[7]).asReadOnly(), 0));
            assertThrows(UnsupportedOperationException.class, () -> st.c(new float[7]));
            assertThrows(UnsupportedOperationException.class, () -> st.setC(new float[7]));
            assertThrows(IllegalArgumentException.class, () -> cell.newStepper(3));
            assertThrows(IllegalArgumentException.class, () -> cell.newStepper(0));
        }
    }

    @Test
    void closedStepperAndClosedCellThrow() {
        TestModel m = TestModel.random(Kind.LSTM, 3, 4, 2);
        StreamingCell cell = m.cell(WeightFormat.BF16);
        StreamingStepper a = cell.newStepper();
        StreamingStepper b = cell.newStepper(2);
        a.step(new float[3]);
        a.close();
        a.close();
        var e = assertThrows(IllegalStateException.class, () -> a.step(new float[3]));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> a.h(new float[4]));
        cell.close();
        assertFalse(cell.isOpen());
        e = assertThrows(IllegalStateException.class, () -> b.step(new float[3]));
        assertTrue(e.getMessage().contains("LSTM") && e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, cell::newStepper);
        b.close();
        cell.close();
    }

    @Test
    void workerThreadParksWhenIdleAndStopsOnClose() throws InterruptedException {
        TestModel m = TestModel.random(Kind.LSTM, 64, 64, 3);
        try (StreamingCell cell = m.cell(WeightFormat.FP32)) {
            StreamingStepper st = cell.newStepper(2);
            st.step(new float[64]);
            Thread worker = workerOf(cell);
            assertTrue(worker != null && worker.isDaemon(), "a daemon worker thread exists");
            // Idle for much longer than the spin budget: the worker must be parked, not spinning.
            Thread.State state = null;
            for (int i = 0; i < 50 && state != Thread.State.TIMED_WAITING; i++) {
                Thread.sleep(20);
                state = worker.getState();
            }
            assertEquals(Thread.State.TIMED_WAITING, state, "idle worker parks");
            st.step(new float[64]);
            st.close();
            assertFalse(worker.isAlive(), "close() stops the worker");
        }
    }

    private static Thread workerOf(StreamingCell cell) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("gatun-stream-" + cell) && t.isAlive()) {
                return t;
            }
        }
        return null;
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void runAndSegmentsMatchSingleSteps(int threads) {
        for (Kind kind : Kind.values()) {
            TestModel m = TestModel.random(kind, 9, 20, 4);
            int steps = 5;
            Random r = new Random(5);
            float[] xs = TestModel.uniform(r, steps * m.in, 1f);
            float[] xps = new float[steps * m.kind.gates * m.hidden];
            for (int t = 0; t < steps; t++) {
                float[] xp = m.project(java.util.Arrays.copyOfRange(xs, t * m.in, (t + 1) * m.in));
                System.arraycopy(xp, 0, xps, t * xp.length, xp.length);
            }
            try (StreamingCell cell = m.cell(WeightFormat.FP32);
                    StreamingStepper one = cell.newStepper(threads);
                    StreamingStepper seq = cell.newStepper(threads);
                    StreamingStepper proj = cell.newStepper(threads);
                    Arena arena = Arena.ofConfined()) {
                // Native input at an offset, heap output at an offset.
                MemorySegment nativeXs = arena.allocate((steps * m.in + 3) * 4L, 4).asSlice(4);
                MemorySegment.copy(xs, 0, nativeXs, ValueLayout.JAVA_FLOAT_UNALIGNED, 8, xs.length);
                float[] hsArr = new float[1 + steps * m.out];
                seq.run(nativeXs, 2, steps, MemorySegment.ofArray(hsArr), 1);
                float[] hsProj = new float[steps * m.out];
                proj.runProjected(MemorySegment.ofArray(xps), 0, steps, MemorySegment.ofArray(hsProj), 0);
                float[] h = new float[m.out];
                for (int t = 0; t < steps; t++) {
                    one.step(xs, t * m.in);
                    one.h(h);
                    float[] hs = java.util.Arrays.copyOfRange(hsArr, 1 + t * m.out, 1 + (t + 1) * m.out);
                    assertArrayEquals(h, hs, kind + " run, step " + t);
                    float[] hp = java.util.Arrays.copyOfRange(hsProj, t * m.out, (t + 1) * m.out);
                    assertArrayEquals(h, hp, 1e-5f, kind + " runProjected, step " + t);
                }
                float[] viaSegment = new float[m.out + 2];
                one.h(MemorySegment.ofArray(viaSegment), 2);
                assertArrayEquals(h, java.util.Arrays.copyOfRange(viaSegment, 2, 2 + m.out));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void resetAndInitialStateBehaveLikeFresh(Kind kind) {
        TestModel m = TestModel.random(kind, 6, 17, 8);
        Random r = new Random(9);
        float[] x = TestModel.uniform(r, m.in, 1f);
        float[] h0 = TestModel.uniform(r, m.out, 1f);
        float[] c0 = TestModel.uniform(r, m.hidden, 1f);
        try (StreamingCell cell = m.cell(WeightFormat.FP32);
                StreamingStepper a = cell.newStepper();
                StreamingStepper fresh = cell.newStepper()) {
            a.step(x);
            a.step(x);
            a.reset();
            float[] h = new float[m.out];
            a.h(h);
            assertArrayEquals(new float[m.out], h, "reset zeroes h");
            a.step(x);
            fresh.step(x);
            assertArrayEquals(StreamingCellTest.h(fresh, m.out), StreamingCellTest.h(a, m.out));
            // Initial state: the stepper follows the reference started from (h0, c0).
            a.setH(h0);
            a.h(h);
            assertArrayEquals(h0, h, "setH then h");
            TestModel.Reference ref = m.new Reference();
            if (m.hasC()) {
                a.setC(c0);
                float[] c = new float[m.hidden];
                a.c(c);
                assertArrayEquals(c0, c, "setC then c");
            }
            ref.set(h0, m.hasC() ? c0 : null);
            for (int t = 0; t < 3; t++) {
                a.step(x);
                ref.step(x);
            }
            assertTrue(StreamingCellTest.maxDiff(StreamingCellTest.h(a, m.out), ref.h) < StreamingCellTest.REF_TOL);
        }
    }

    @Test
    void accessorsDescribeTheCell() {
        TestModel m = TestModel.random(Kind.LSTM_PROJ, 10, 32, 1);
        try (StreamingCell cell = m.cell(WeightFormat.BF16); StreamingStepper st = cell.newStepper(2)) {
            assertEquals(10, cell.inputSize());
            assertEquals(32, cell.hiddenSize());
            assertEquals(16, cell.projSize());
            assertEquals(16, cell.outputSize());
            assertEquals(128, cell.projectedInputSize());
            assertEquals(WeightFormat.BF16, cell.format());
            // bf16: 2 bytes per weight; no padding at these sizes (all even, 32 and 16 fill whole blocks)
            assertEquals(2L * (128 * (10 + 16) + 16 * 32), cell.packedBytes());
            assertEquals(2L * (128 * 16 + 16 * 32), cell.recurrentPackedBytes());
            assertEquals(2, st.threads());
            assertEquals(cell, st.cell());
            assertEquals("LSTM(inputSize=10, hiddenSize=32, projSize=16, BF16)", cell.toString());
        }
    }
}
