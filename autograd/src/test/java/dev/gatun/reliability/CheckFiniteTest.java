package dev.gatun.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.nn.Recurrent;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** {@link Tape#checkFinite}: off by default, names the operation (forward or backward) where NaN/Inf first appear. */
class CheckFiniteTest {

    @Test
    void offByDefaultNaNFlowsThrough() {
        try (Tape tape = new Tape(); Arena arena = Arena.ofConfined()) {
            assertFalse(tape.checksFinite());
            Var x = tape.input(Tensor.of(arena, new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 1, 2));
            Var y = Ops.logSoftmax(tape, x);
            assertTrue(Float.isNaN(y.value().get(0, 0)));
        }
    }

    @Test
    void namesTheForwardOperation() {
        try (Tape tape = new Tape().checkFinite(true); Arena arena = Arena.ofConfined()) {
            Var x = tape.input(Tensor.of(arena, new float[] {1f, 2f, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY},
                    2, 2));
            Var t = Ops.tanh(tape, x); // tanh(-Inf) = -1: finite, passes
            assertEquals(-1f, t.value().get(1, 0));
            var e = assertThrows(ArithmeticException.class, () -> Ops.logSoftmax(tape, x));
            assertEquals("logSoftmax produced NaN at index 2 of its output [2, 2]", e.getMessage());
        }
    }

    @Test
    void namesTheFirstOperationThatOverflows() {
        try (Tape tape = new Tape().checkFinite(true); Arena arena = Arena.ofConfined()) {
            Var x = tape.leaf(Tensor.of(arena, new float[] {1f, 3e38f}, 2));
            Var y = Ops.mulScalar(tape, x, 0.5f);
            var e = assertThrows(ArithmeticException.class, () -> Ops.add(tape, y, x));
            assertEquals("add produced +Inf at index 1 of its output [2]", e.getMessage());
        }
    }

    @Test
    void namesTheBackwardOperation() {
        try (Tape tape = new Tape().checkFinite(true); Arena arena = Arena.ofConfined()) {
            // Forward stays finite (1e-30 * 1e30 * 1e30 = 1e30); backward overflows: d/dx = 1e60.
            Var x = tape.leaf(Tensor.of(arena, new float[] {1e-30f, 2e-30f}, 2));
            Var y = Ops.mulScalar(tape, x, 1e30f);
            Var z = Ops.mulScalar(tape, y, 1e30f);
            Var loss = Ops.sum(tape, z);
            var e = assertThrows(ArithmeticException.class, () -> tape.backward(loss));
            assertEquals("backward of mulScalar produced +Inf at index 0 in the gradient of its first input "
                    + "Var[2] (grad) [2]", e.getMessage());
        }
    }

    @Test
    void backwardWithoutChecksLetsInfThrough() {
        try (Tape tape = new Tape(); Arena arena = Arena.ofConfined()) {
            Var x = tape.leaf(Tensor.of(arena, new float[] {1e-30f}, 1));
            Var loss = Ops.sum(tape, Ops.mulScalar(tape, Ops.mulScalar(tape, x, 1e30f), 1e30f));
            tape.backward(loss);
            assertEquals(Float.POSITIVE_INFINITY, x.grad().get(0));
        }
    }

    @Test
    void systemPropertyTurnsChecksOnForNewTapes() {
        System.setProperty("gatun.checkFinite", "true");
        try (Tape tape = new Tape()) {
            assertTrue(tape.checksFinite());
        } finally {
            System.clearProperty("gatun.checkFinite");
        }
        try (Tape tape = new Tape()) {
            assertFalse(tape.checksFinite());
        }
    }

    @Test
    void namesTheRecurrentLayer() {
        StackShape shape = new StackShape(CellType.LSTM, 2, 3, 1, false, 0);
        try (Tape tape = new Tape().checkFinite(true); Arena arena = Arena.ofConfined();
             Recurrent lstm = new Recurrent(shape)) {
            Var x = tape.input(Tensor.of(arena, new float[] {1f, Float.NaN, 0.5f, 0.25f}, 2, 1, 2));
            var e = assertThrows(ArithmeticException.class, () -> lstm.forward(tape, x, null, null));
            assertTrue(e.getMessage().startsWith("recurrent LSTM (final state) produced NaN at index 0"),
                    e.getMessage());
        }
    }

    @Test
    void nullTapeIsAnIllegalArgument() {
        var e = assertThrows(IllegalArgumentException.class, () -> Ops.sum(null, null));
        assertEquals("sum: tape is null", e.getMessage());
    }
}
