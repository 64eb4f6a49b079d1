package dev.gatun.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** The tape itself: accumulation, reuse across steps, no-grad mode, misuse. */
class TapeTest {

    @Test
    void parameterGradientsAccumulateAcrossUsesAndBackwardCalls() {
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape()) {
            Parameter w = Parameter.allocate(arena, "w", 2);
            w.value().copyFrom(new float[] {3f, -2f});
            // loss = sum(w * w * x) with w used twice: d/dw = 2 w x.
            Var x = tape.input(Tensor.of(arena, new float[] {1f, 0.5f}, 2));
            Var loss = Ops.sum(tape, Ops.mul(tape, Ops.mul(tape, w, w), x));
            tape.backward(loss);
            assertArrayEquals(new float[] {6f, -2f}, w.grad().toArray());
            tape.backward(loss);   // intermediates are recomputed from scratch; the parameter sums both passes
            assertArrayEquals(new float[] {12f, -4f}, w.grad().toArray());
            w.zeroGrad();
            assertArrayEquals(new float[] {0f, 0f}, w.grad().toArray());
        }
    }

    @Test
    void backpropagationThroughTimeSumsTheSharedWeight() {
        // h_t = w * h_{t-1}, h_0 = 1, loss = h_3 = w^3: d/dw = 3 w^2.
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape()) {
            Parameter w = Parameter.allocate(arena, "w", 1);
            w.value().set(0, 1.5f);
            Var h = tape.scalar(1f);
            for (int t = 0; t < 3; t++) {
                h = Ops.mul(tape, w, h);
            }
            tape.backward(h);
            assertEquals(3 * 1.5f * 1.5f, w.grad().get(0), 1e-6f);
        }
    }

    @Test
    void noGradRecordsNothing() {
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape()) {
            Parameter w = Parameter.allocate(arena, "w", 1);
            Var y;
            try (var g = tape.noGrad()) {
                assertFalse(tape.recording());
                y = Ops.tanh(tape, Ops.mul(tape, w, tape.scalar(2f)));
            }
            assertTrue(tape.recording());
            assertFalse(y.requiresGrad());
            Var z = y;
            assertThrows(IllegalArgumentException.class, () -> tape.backward(z));
        }
    }

    @Test
    void frozenParametersGetNoGradient() {
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape()) {
            Parameter w = Parameter.allocate(arena, "w", 1);
            Parameter v = Parameter.allocate(arena, "v", 1);
            w.value().set(0, 2f);
            v.value().set(0, 5f);
            v.setRequiresGrad(false);
            tape.backward(Ops.mul(tape, w, v));
            assertEquals(5f, w.grad().get(0));
            assertEquals(0f, v.grad().get(0));
        }
    }

    @Test
    void unusedBranchesGetNoGradient() {
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape()) {
            Var a = tape.leaf(Tensor.of(arena, new float[] {1f}, 1));
            Var b = tape.leaf(Tensor.of(arena, new float[] {2f}, 1));
            Ops.exp(tape, b);   // recorded but not part of the loss
            tape.backward(Ops.mulScalar(tape, a, 3f));
            assertEquals(3f, a.grad().get(0));
            assertNull(b.grad());
        }
    }

    @Test
    void nodesAndTheirBuffersAreReusedAfterReset() {
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape()) {
            Tensor data = Tensor.of(arena, new float[] {1, 2, 3, 4}, 2, 2);
            Var first = Ops.tanh(tape, tape.input(data));
            Tensor firstValue = first.value();
            tape.reset();
            Var second = Ops.tanh(tape, tape.input(data));
            assertSame(first, second, "the same pooled node");
            assertSame(firstValue, second.value(), "the same value tensor while the shape is unchanged");
            assertEquals(2, tape.size());
        }
    }

    @Test
    void nodesFromAnEarlierStepAreRejected() {
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape()) {
            Var stale = Ops.exp(tape, tape.input(Tensor.of(arena, new float[] {1, 2, 3}, 3)));
            tape.reset();
            assertThrows(IllegalStateException.class, () -> Ops.tanh(tape, stale));
        }
    }

    @Test
    void nodesOfAnotherTapeAreRejected() {
        try (Arena arena = Arena.ofConfined(); Tape a = new Tape(); Tape b = new Tape()) {
            Var x = a.input(Tensor.of(arena, new float[] {1}, 1));
            assertThrows(IllegalArgumentException.class, () -> Ops.exp(b, x));
        }
    }

    @Test
    void shapesThatDoNotFitAreNamedInTheError() {
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape()) {
            Var a = tape.input(Tensor.allocate(arena, 2, 3));
            Var b = tape.input(Tensor.allocate(arena, 4, 2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.matmul(tape, a, b));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
        }
    }

    @Test
    void aSteadyStateStepOfGenericOpsAllocatesNothing() {
        // Operations implemented in this module only (GEMM-based ones are measured against their kernels in
        // TrainingStepAllocationTest): after warm-up a step allocates no Java objects at all.
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape()) {
            Parameter table = Parameter.allocate(arena, "table", 7, 6);
            Parameter scale = Parameter.allocate(arena, "scale", 6);
            Parameter bias = Parameter.allocate(arena, "bias", 12);
            Rng rng = new Rng(1);
            table.value().copyFrom(random(rng, 42));
            scale.value().copyFrom(random(rng, 6));
            int[] tokens = {1, 4, 6, 0, 2, 2, 5, 3};
            int[] targets = {0, 3, 11, 1};
            Rng dropoutRng = new Rng(2);
            Var[] parts = new Var[2];
            int[] rows = {4, 12};     // a constant shape: a varargs call would allocate its array every step
            Runnable step = () -> {
                tape.reset();
                table.zeroGrad();
                scale.zeroGrad();
                bias.zeroGrad();
                Var e = Ops.embedding(tape, table, tokens, 2, 4);                 // (2, 4, 6)
                Var h = Ops.tanh(tape, Ops.mul(tape, e, scale));
                parts[0] = Ops.slice(tape, h, 0, 0, 1);
                parts[1] = Ops.sigmoid(tape, Ops.slice(tape, h, 0, 1, 2));
                Var joined = Ops.reshape(tape, Ops.concat(tape, 2, parts, 2), rows);
                Var logits = Ops.add(tape, Ops.dropout(tape, joined, 0.2f, dropoutRng), bias);
                Var loss = Ops.add(tape, Ops.crossEntropy(tape, logits, targets),
                        Ops.mean(tape, Ops.exp(tape, Ops.logSoftmax(tape, logits, 2f))));
                tape.backward(loss);
            };
            double bytes = Allocation.steadyState(step, 2_000, 100, 0);
            assertTrue(bytes == 0, "a steady-state step allocated " + bytes + " bytes");
        }
    }

    static float[] random(Rng rng, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) rng.uniform(-1, 1);
        }
        return f;
    }
}
