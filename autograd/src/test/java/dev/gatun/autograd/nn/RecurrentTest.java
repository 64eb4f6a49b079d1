package dev.gatun.autograd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused recurrent layers against the same networks composed step by step from generic operations
 * ({@link ComposedRecurrent}): outputs, final states, and the gradients of every parameter, input and initial
 * state.
 */
class RecurrentTest {

    static List<Arguments> configurations() {
        List<Arguments> a = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            a.add(Arguments.of(cell, 1, false, 0, true));
            a.add(Arguments.of(cell, 2, true, 0, true));
            a.add(Arguments.of(cell, 2, false, 0, false));
        }
        a.add(Arguments.of(CellType.LSTM, 2, true, 3, true));
        a.add(Arguments.of(CellType.LSTM, 1, false, 2, false));
        return a;
    }

    @ParameterizedTest(name = "{0} layers={1} bidir={2} proj={3} h0={4}")
    @MethodSource("configurations")
    void fusedMatchesComposition(CellType cell, int layers, boolean bidir, int proj, boolean withH0) {
        StackShape shape = new StackShape(cell, 3, 5, layers, bidir, proj);
        compare(shape, 0f, withH0, 4, 2);
    }

    @Test
    void dropoutBetweenLayersMatchesCompositionWithTheSameMasks() {
        compare(new StackShape(CellType.LSTM, 3, 4, 3, true, 0), 0.4f, true, 5, 2);
        compare(new StackShape(CellType.GRU, 3, 4, 2, false, 0), 0.25f, false, 3, 3);
    }

    private static void compare(StackShape shape, float dropout, boolean withH0, int steps, int batch) {
        long seed = shape.hashCode() + (long) (dropout * 100);
        Rng data = new Rng(seed);
        int states = shape.layers() * shape.directions();
        boolean lstm = shape.cell() == CellType.LSTM;
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape();
             Recurrent rnn = new Recurrent(shape, dropout, true, seed)) {
            Tensor x = random(arena, data, steps, batch, shape.inputSize());
            Tensor h0 = withH0 ? random(arena, data, states, batch, shape.stateSize()) : null;
            Tensor c0 = withH0 && lstm ? random(arena, data, states, batch, shape.hiddenSize()) : null;
            Tensor wOut = random(arena, data, steps, batch, shape.outputSize());
            Tensor wH = random(arena, data, states, batch, shape.stateSize());
            Tensor wC = random(arena, data, states, batch, shape.hiddenSize());

            // Fused.
            Var[] in = inputs(tape, x, h0, c0);
            RecurrentOutput out = rnn.forward(tape, in[0], in[1], in[2]);
            tape.backward(loss(tape, out.output(), out.hidden(), out.cell(), wOut, wH, wC));
            Map<String, float[]> fused = snapshot(rnn, out.output(), out.hidden(), out.cell(), in);

            // Composed, from the same parameters (and the same dropout masks: Rng(seed + 1), layer by layer).
            tape.reset();
            rnn.zeroGrad();
            in = inputs(tape, x, h0, c0);
            Var[] ref = ComposedRecurrent.forward(tape, rnn, in[0], in[1], in[2], dropout, new Rng(seed + 1));
            tape.backward(loss(tape, ref[0], ref[1], ref[2], wOut, wH, wC));
            Map<String, float[]> composed = snapshot(rnn, ref[0], ref[1], ref[2], in);

            assertEquals(composed.keySet(), fused.keySet());
            for (String k : fused.keySet()) {
                assertClose(k, composed.get(k), fused.get(k));
            }
        }
    }

    @Test
    void parametersHavePyTorchNamesShapesAndOrder() {
        try (Recurrent lstm = new Recurrent(new StackShape(CellType.LSTM, 10, 8, 2, true, 4))) {
            Map<String, String> expected = new LinkedHashMap<>();
            for (int l = 0; l < 2; l++) {
                int in = l == 0 ? 10 : 8;
                for (String sfx : new String[] {"_l" + l, "_l" + l + "_reverse"}) {
                    expected.put("weight_ih" + sfx, "[32, " + in + "]");
                    expected.put("weight_hh" + sfx, "[32, 4]");
                    expected.put("bias_ih" + sfx, "[32]");
                    expected.put("bias_hh" + sfx, "[32]");
                    expected.put("weight_hr" + sfx, "[4, 8]");
                }
            }
            Map<String, String> actual = new LinkedHashMap<>();
            lstm.namedParameters().forEach((k, v) -> actual.put(k, v.value().shapeString()));
            assertEquals(List.copyOf(expected.entrySet()), List.copyOf(actual.entrySet()));
        }
        try (Recurrent gru = new Recurrent(new StackShape(CellType.GRU, 2, 3, 1, false, 0), 0f, false, 1)) {
            assertEquals(List.of("weight_ih_l0", "weight_hh_l0"), List.copyOf(gru.namedParameters().keySet()));
        }
    }

    @Test
    void defaultInitializationIsUniformInOneOverSqrtH() {
        try (Recurrent rnn = new Recurrent(new StackShape(CellType.RNN_TANH, 7, 16, 1, false, 0))) {
            double bound = 0.25;
            double max = 0;
            for (Parameter p : rnn.parameters()) {
                for (float v : p.value().toArray()) {
                    max = Math.max(max, Math.abs(v));
                }
            }
            assertEquals(true, max <= bound && max > 0.9 * bound, "max |w| " + max);
        }
    }

    @Test
    void aLayerCalledTwicePerStepGetsTheSumOfBothGradients() {
        StackShape shape = new StackShape(CellType.GRU, 2, 3, 1, false, 0);
        Rng data = new Rng(5);
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape(); Recurrent rnn = new Recurrent(shape)) {
            Tensor a = random(arena, data, 3, 2, 2);
            Tensor b = random(arena, data, 4, 2, 2);
            // Encoder-decoder style: the final state of the first call starts the second.
            RecurrentOutput first = rnn.forward(tape, tape.input(a), null, null);
            RecurrentOutput second = rnn.forward(tape, tape.input(b), first.hidden(), null);
            tape.backward(Ops.sum(tape, second.output()));
            Map<String, float[]> fused = snapshot(rnn, second.output(), second.hidden(), null, new Var[0]);

            tape.reset();
            rnn.zeroGrad();
            Var[] r1 = ComposedRecurrent.forward(tape, rnn, tape.input(a), null, null, 0f, null);
            Var[] r2 = ComposedRecurrent.forward(tape, rnn, tape.input(b), r1[1], null, 0f, null);
            tape.backward(Ops.sum(tape, r2[0]));
            Map<String, float[]> composed = snapshot(rnn, r2[0], r2[1], null, new Var[0]);
            for (String k : fused.keySet()) {
                assertClose(k, composed.get(k), fused.get(k));
            }
        }
    }

    @Test
    void evaluationModeSkipsDropoutAndNoGradRecordsNothing() {
        StackShape shape = new StackShape(CellType.LSTM, 2, 3, 2, false, 0);
        Rng data = new Rng(6);
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape();
             Recurrent withDropout = new Recurrent(shape, 0.5f, true, 9);
             Recurrent without = new Recurrent(shape, 0f, true, 9)) {
            Tensor x = random(arena, data, 3, 2, 2);
            withDropout.train(false);
            float[] a;
            float[] b;
            try (var g = tape.noGrad()) {
                RecurrentOutput out = withDropout.forward(tape, tape.input(x), null, null);
                a = out.output().value().toArray();
                assertEquals(false, out.output().requiresGrad());
                b = without.forward(tape, tape.input(x), null, null).output().value().toArray();
            }
            assertEquals(java.util.Arrays.toString(b), java.util.Arrays.toString(a));
            withDropout.train(true);
            tape.reset();
            float[] c = withDropout.forward(tape, tape.input(x), null, null).output().value().toArray();
            assertNotEquals(java.util.Arrays.toString(b), java.util.Arrays.toString(c));
        }
    }

    @Test
    void truncatedBpttCarriesTheStateAndStopsTheGradient() {
        StackShape shape = new StackShape(CellType.LSTM, 2, 4, 2, false, 0);
        Rng data = new Rng(7);
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape(); Recurrent rnn = new Recurrent(shape);
             RecurrentState state = new RecurrentState(shape, 3)) {
            Tensor x = random(arena, data, 8, 3, 2);
            float[] full;
            try (var g = tape.noGrad()) {
                full = rnn.forward(tape, tape.input(x), null, null).output().value().toArray();
            }
            int chunk = 4;
            int row = 3 * shape.outputSize();
            for (int start = 0; start < 8; start += chunk) {
                tape.reset();
                rnn.zeroGrad();
                Var h0 = state.h0(tape);
                Var c0 = state.c0(tape);
                RecurrentOutput out = rnn.forward(tape, tape.input(x.slice(0, start, start + chunk)), h0, c0);
                tape.backward(Ops.sum(tape, out.output()));
                state.carry(out);
                float[] part = out.output().value().toArray();
                for (int i = 0; i < part.length; i++) {
                    assertEquals(full[start * row + i], part[i], 1e-6f, "chunk at " + start + ", element " + i);
                }
                assertNull(h0.grad(), "no gradient crosses the chunk boundary");
            }
        }
    }

    @Test
    void shapesAreChecked() {
        StackShape shape = new StackShape(CellType.RNN_TANH, 2, 3, 1, false, 0);
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape(); Recurrent rnn = new Recurrent(shape)) {
            Var bad = tape.input(Tensor.allocate(arena, 4, 2, 5));
            assertThrows(IllegalArgumentException.class, () -> rnn.forward(tape, bad, null, null));
            Var x = tape.input(Tensor.allocate(arena, 4, 2, 2));
            Var c0 = tape.input(Tensor.allocate(arena, 1, 2, 3));
            assertThrows(IllegalArgumentException.class, () -> rnn.forward(tape, x, null, c0));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static Var[] inputs(Tape tape, Tensor x, Tensor h0, Tensor c0) {
        return new Var[] {tape.leaf(x), h0 == null ? null : tape.leaf(h0), c0 == null ? null : tape.leaf(c0)};
    }

    private static Var loss(Tape t, Var out, Var hN, Var cN, Tensor wOut, Tensor wH, Tensor wC) {
        Var l = Ops.add(t, Ops.sum(t, Ops.mul(t, out, t.input(wOut))), Ops.sum(t, Ops.mul(t, hN, t.input(wH))));
        return cN == null ? l : Ops.add(t, l, Ops.sum(t, Ops.mul(t, cN, t.input(wC))));
    }

    private static Map<String, float[]> snapshot(Recurrent rnn, Var out, Var hN, Var cN, Var[] in) {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("output", out.value().toArray());
        m.put("hidden", hN.value().toArray());
        if (cN != null) {
            m.put("cell", cN.value().toArray());
        }
        String[] names = {"dx", "dh0", "dc0"};
        for (int i = 0; i < in.length; i++) {
            if (in[i] != null) {
                m.put(names[i], in[i].grad().toArray());
            }
        }
        rnn.namedParameters().forEach((k, p) -> m.put("d" + k, p.grad().toArray()));
        return m;
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= 2e-5 + 2e-4 * Math.abs(expected[i]))) {
                fail(what + "[" + i + "]: composed " + expected[i] + ", fused " + actual[i]);
            }
        }
    }

    static Tensor random(Arena arena, Rng rng, int... shape) {
        Tensor t = Tensor.allocate(arena, shape);
        float[] f = new float[(int) t.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) rng.uniform(-1, 1);
        }
        t.copyFrom(f);
        return t;
    }
}
