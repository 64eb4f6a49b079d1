package dev.gatun.model;

import static dev.gatun.model.Goldens.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.gatun.kernels.stream.WeightFormat;
import java.io.IOException;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gatun against PyTorch 1.13 on the golden cases: outputs, final states and every gradient (parameters, input, h0,
 * c0) within 1e-5 relative / 1e-6 absolute, through the whole-sequence API and, for unidirectional batch-1 cases,
 * the streaming session.
 */
class ConformanceTest {
    static Stream<Goldens.Case> cases() {
        return Goldens.cases().stream();
    }

    static Stream<Goldens.Case> streamable() {
        return cases().filter(c -> !c.bidirectional() && c.batch() == 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardAndGradientsMatchPyTorch(Goldens.Case c) throws IOException {
        Map<String, Values> io = Goldens.read(c.io());
        try (Model model = Model.load(c.model()); Session s = model.newSession()) {
            Architecture a = model.architecture();
            assertEquals(c.batchFirst(), a.batchFirst(), "batch_first from metadata");
            assertEquals(c.cell(), a.cell().name().toLowerCase(), "cell inferred");
            int in = a.stack().inputSize();
            float[] x = timeMajor(c, io.get("input").data(), in);
            float[] h0 = io.containsKey("h0") ? io.get("h0").data() : null;
            float[] c0 = io.containsKey("c0") ? io.get("c0").data() : null;

            SequenceOutput out = s.forward(x, c.steps(), c.batch(), h0, c0);
            int width = a.stack().outputSize();
            Goldens.assertMatchesPyTorch(c, "output", io.get("output").data(),
                    batchLayout(c, out.output().data(), width));
            Goldens.assertMatchesPyTorch(c, "h_n", io.get("h_n").data(), out.hN().data());
            if (io.containsKey("c_n")) {
                assertNotNull(out.cN(), "c_n");
                Goldens.assertMatchesPyTorch(c, "c_n", io.get("c_n").data(), out.cN().data());
            }

            float[] g = timeMajor(c, io.get("grad_output").data(), width);
            Map<String, Values> grads = s.gradients(x, c.steps(), c.batch(), h0, c0, g);
            TreeSet<String> expectedNames = new TreeSet<>();
            for (String k : io.keySet()) {
                if (k.startsWith("grad.")) {
                    expectedNames.add(k.substring(5));
                }
            }
            assertEquals(expectedNames, new TreeSet<>(grads.keySet()), "gradient names");
            for (String k : expectedNames) {
                float[] actual = grads.get(k).data();
                if (k.equals("input")) {
                    actual = batchLayout(c, actual, in);
                }
                Goldens.assertMatchesPyTorch(c, "grad." + k, io.get("grad." + k).data(), actual);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamable")
    void streamingSessionMatchesPyTorch(Goldens.Case c) throws IOException {
        Map<String, Values> io = Goldens.read(c.io());
        try (Model model = Model.load(c.model()); Session s = model.newSession()) {
            streamAndCompare(c, io, model, s, Goldens.RELATIVE, Goldens.ABSOLUTE);
            s.reset();
            streamAndCompare(c, io, model, s, Goldens.RELATIVE, Goldens.ABSOLUTE);   // reset restores the start
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamable")
    void bf16StreamingStaysNearPyTorch(Goldens.Case c) throws IOException {
        Map<String, Values> io = Goldens.read(c.io());
        LoadOptions bf16 = LoadOptions.DEFAULTS.withStreamingFormat(WeightFormat.BF16);
        try (Model model = Model.load(c.model(), bf16); Session s = model.newSession()) {
            assertEquals(WeightFormat.BF16, model.streamingFormat());
            streamAndCompare(c, io, model, s, 3e-2, 3e-2);
        }
    }

    private static void streamAndCompare(Goldens.Case c, Map<String, Values> io, Model model, Session s, double rel,
                                         double abs) {
        Architecture a = model.architecture();
        assertFalse(a.stack().bidirectional());
        int in = a.stack().inputSize();
        int hr = a.stack().stateSize();
        if (io.containsKey("h0")) {
            s.setState(io.get("h0").data(), io.containsKey("c0") ? io.get("c0").data() : null);
        }
        float[] x = io.get("input").data();     // batch 1: the same in both layouts
        float[] expected = io.get("output").data();
        float[] row = new float[in];
        for (int t = 0; t < c.steps(); t++) {
            System.arraycopy(x, t * in, row, 0, in);
            float[] h = s.step(row);
            float[] want = java.util.Arrays.copyOfRange(expected, t * hr, (t + 1) * hr);
            assertClose(c.name() + " step " + t, want, h, rel, abs);
        }
        assertClose(c.name() + " streamed h_n", io.get("h_n").data(), s.hidden(), rel, abs);
        if (io.containsKey("c_n")) {
            assertClose(c.name() + " streamed c_n", io.get("c_n").data(), s.cell(), rel, abs);
        }
    }

    private static float[] timeMajor(Goldens.Case c, float[] x, int features) {
        return c.batchFirst() ? Sequences.swapLeadingAxes(x, c.batch(), c.steps(), features) : x;
    }

    private static float[] batchLayout(Goldens.Case c, float[] x, int features) {
        return c.batchFirst() ? Sequences.swapLeadingAxes(x, c.steps(), c.batch(), features) : x;
    }
}
