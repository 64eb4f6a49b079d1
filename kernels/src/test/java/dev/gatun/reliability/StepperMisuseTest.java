package dev.gatun.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.kernels.stream.StreamingCell;
import dev.gatun.kernels.stream.StreamingStepper;
import dev.gatun.kernels.stream.WeightFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One {@link StreamingStepper} used by two threads at once is detected (IllegalStateException saying so; for a
 * two-thread stepper always, so its worker handshake can never hang), while handing a stepper from one thread to
 * another between calls is fine.
 */
class StepperMisuseTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void twoThreadsSteppingOneStepperAreDetected(int stepperThreads) throws Exception {
        try (StreamingCell cell = Workloads.cell("lstm", 64, 256, WeightFormat.FP32, 3);
             StreamingStepper st = cell.newStepper(stepperThreads)) {
            float[] x = Workloads.uniform(1, 64, 1f);
            AtomicReference<IllegalStateException> caught = new AtomicReference<>();
            AtomicBoolean stop = new AtomicBoolean();
            Runnable hammer = () -> {
                long end = System.nanoTime() + 10_000_000_000L;
                while (!stop.get() && System.nanoTime() < end) {
                    try {
                        st.step(x);
                    } catch (IllegalStateException e) {
                        caught.compareAndSet(null, e);
                        stop.set(true);
                    }
                }
            };
            Thread a = new Thread(hammer);
            Thread b = new Thread(hammer);
            a.start();
            b.start();
            a.join(30_000);
            b.join(30_000);
            assertFalse(a.isAlive() || b.isAlive(), "a stepping thread hung");
            IllegalStateException e = caught.get();
            assertNotNull(e, "10 s of two threads stepping one stepper went undetected");
            assertTrue(e.getMessage().contains("two threads at once"), e.getMessage());
            // The stepper is usable again once the other thread is done.
            st.reset();
            st.step(x);
        }
    }

    @Test
    void handingAStepperBetweenThreadsIsFine() throws Exception {
        try (StreamingCell cell = Workloads.cell("gru", 8, 16, WeightFormat.FP32, 3);
             StreamingStepper st = cell.newStepper()) {
            float[] expected = Workloads.stream(st, 5, 20);
            float[][] got = new float[1][];
            Thread t = new Thread(() -> got[0] = Workloads.stream(st, 5, 20));
            t.start();
            t.join();
            // Same values (not bitwise: the two runs may execute differently compiled code, see DeterminismTest).
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], got[0][i], 1e-6f);
            }
            Workloads.stream(st, 5, 20);
        }
    }
}
