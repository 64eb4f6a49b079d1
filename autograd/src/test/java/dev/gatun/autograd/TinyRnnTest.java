package dev.gatun.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seed 002's TinyRNN demonstration of vanishing and exploding gradients, reproduced to the printed digit: a relu
 * cell with scalar weights {@code h = relu(wh*h + wx*x)}, {@code y = wy*h}, wx = 0, inputs of ones, MSE of the
 * last output against itself minus 1 (detached), in float32 as PyTorch computes it.
 *
 * <p>The last row of the wh = 10 table prints zeros. That is float32, not a bug: at L = 10 the output is
 * {@code y = 10^10}, and {@code y - 1} rounds back to {@code 10^10} (float32 spacing there is 1024), so the target
 * equals the prediction, the loss is exactly 0 and so is every gradient. In exact arithmetic the gradients would be
 * 2e10 (h_init), 2e10 (wh) and 2e10 (wy).
 */
class TinyRnnTest {
    private static final String EXPECTED = """
            wh_init = 0.1
            Length= 1 h_init.grad = 0.200000, wh.grad = 2.000000, wy.grad = 0.200000
            Length= 2 h_init.grad = 0.020000, wh.grad = 0.400000, wy.grad = 0.020000
            Length= 3 h_init.grad = 0.002000, wh.grad = 0.060000, wy.grad = 0.002000
            Length= 4 h_init.grad = 0.000200, wh.grad = 0.008000, wy.grad = 0.000200
            Length= 5 h_init.grad = 0.000020, wh.grad = 0.001000, wy.grad = 0.000020
            Length=10 h_init.grad = 0.000000, wh.grad = 0.000000, wy.grad = 0.000000
            wh_init = 1
            Length= 1 h_init.grad = 2.000000, wh.grad = 2.000000, wy.grad = 2.000000
            Length= 2 h_init.grad = 2.000000, wh.grad = 4.000000, wy.grad = 2.000000
            Length= 3 h_init.grad = 2.000000, wh.grad = 6.000000, wy.grad = 2.000000
            Length= 4 h_init.grad = 2.000000, wh.grad = 8.000000, wy.grad = 2.000000
            Length= 5 h_init.grad = 2.000000, wh.grad = 10.000000, wy.grad = 2.000000
            Length=10 h_init.grad = 2.000000, wh.grad = 20.000000, wy.grad = 2.000000
            wh_init = 10
            Length= 1 h_init.grad = 20.000000, wh.grad = 2.000000, wy.grad = 20.000000
            Length= 2 h_init.grad = 200.000000, wh.grad = 40.000000, wy.grad = 200.000000
            Length= 3 h_init.grad = 2000.000000, wh.grad = 600.000000, wy.grad = 2000.000000
            Length= 4 h_init.grad = 20000.000000, wh.grad = 8000.000000, wy.grad = 20000.000000
            Length= 5 h_init.grad = 200000.000000, wh.grad = 100000.000000, wy.grad = 200000.000000
            Length=10 h_init.grad = 0.000000, wh.grad = 0.000000, wy.grad = 0.000000
            """;

    /** The TinyRNN module of the notes: parameters h_init, wh, wy (named_parameters order); wx = 0 is a constant. */
    static final class TinyRnn implements AutoCloseable {
        final Arena arena = Arena.ofConfined();
        final Parameter hInit = Parameter.allocate(arena, "h_init", 1);
        final Parameter wh = Parameter.allocate(arena, "wh", 1);
        final Parameter wy = Parameter.allocate(arena, "wy", 1);

        TinyRnn(float whInit) {
            hInit.value().set(0, 1f);
            wh.value().set(0, whInit);
            wy.value().set(0, 1f);
        }

        /** The last output y_L for an input sequence of {@code length} ones. */
        Var forward(Tape t, int length) {
            Var wx = t.scalar(0f);
            Var h = hInit;
            Var y = null;
            for (int i = 0; i < length; i++) {
                Var x = t.scalar(1f);
                h = Ops.relu(t, Ops.add(t, Ops.mul(t, wh, h), Ops.mul(t, wx, x)));
                y = Ops.mul(t, wy, h);
            }
            return y;
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    @Test
    void reproducesTheVanishingAndExplodingGradientTable() {
        List<String> lines = new ArrayList<>();
        try (Tape tape = new Tape()) {
            for (float whInit : new float[] {0.1f, 1f, 10f}) {
                lines.add("wh_init = " + (whInit == 0.1f ? "0.1" : String.valueOf((int) whInit)));
                for (int length : new int[] {1, 2, 3, 4, 5, 10}) {
                    tape.reset();
                    try (TinyRnn rnn = new TinyRnn(whInit)) {
                        Var y = rnn.forward(tape, length);
                        Var target = Ops.addScalar(tape, Ops.detach(tape, y), -1f);   // y.detach() - 1
                        tape.backward(Ops.mse(tape, y, target));
                        lines.add(String.format("Length=%2d h_init.grad = %s, wh.grad = %s, wy.grad = %s", length,
                                f6(rnn.hInit), f6(rnn.wh), f6(rnn.wy)));
                    }
                }
            }
        }
        assertEquals(EXPECTED, String.join("\n", lines) + "\n");
    }

    @Test
    void theZeroRowIsFloat32RoundingOfTheTarget() {
        try (Tape tape = new Tape(); TinyRnn rnn = new TinyRnn(10f)) {
            Var y = rnn.forward(tape, 10);
            Var target = Ops.addScalar(tape, Ops.detach(tape, y), -1f);
            assertEquals(1e10f, y.value().get(0));
            assertEquals(1e10f, target.value().get(0), "1e10 - 1 rounds to 1e10 in float32");
            Var loss = Ops.mse(tape, y, target);
            assertEquals(0f, loss.value().get(0));
            tape.backward(loss);
            assertEquals(0f, rnn.wh.grad().get(0));
        }
    }

    /** Python's {@code f"{x:6.6f}"}: the exact binary value rounded half-even to 6 decimals. */
    private static String f6(Parameter p) {
        return new BigDecimal(p.grad().get(0)).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
    }
}
