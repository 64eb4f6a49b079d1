package dev.gatun.kernels.stream;

import dev.gatun.kernels.CellType;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gatun.kernels.Vectorization;
import dev.gatun.kernels.stream.TestModel.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cell against the double-precision PyTorch reference, the Vector API kernels against their scalar twin, and
 * two threads against one (bitwise); over awkward sizes, several steps with carried state, both step kinds and
 * both weight formats. The mutant tests prove the comparisons can fail.
 */
class StreamingCellTest {
    static final int[] SIZES = {1, 15, 16, 17, 37, 100};
    /** Hidden sizes: SIZES and 200 (13 blocks of 16: an fp32 one-gate panel runs passes of 8, 4 and 1). */
    static final int[] HIDDEN_SIZES = {1, 15, 16, 17, 37, 100, 200};
    static final int STEPS = 6;
    /** Kernels vs the double reference with the same (possibly bf16-rounded) weights. */
    static final double REF_TOL = 1e-5;
    /**
     * Vector kernels vs the scalar twin, relative: |a - b| / (1 + |b|). Pre-activations are bitwise equal (see
     * {@link #reluRnnVectorEqualsScalarBitwise}) and the vector activations are the scalar ones lane by lane.
     */
    static final double TWIN_TOL = 0;
    /** bf16 weights vs the fp32-weight reference, relative: |h - ref| / (1 + |ref|). */
    static final double BF16_TOL = 1e-2;

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (int hidden : HIDDEN_SIZES) {
                for (int in : SIZES) {
                    if (kind != Kind.LSTM_PROJ || hidden > 1) {
                        list.add(Arguments.of(kind, in, hidden));
                    }
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} I={1} H={2}")
    @MethodSource("cases")
    void matchesReferenceTwinAndThreads(Kind kind, int in, int hidden) {
        TestModel m = TestModel.random(kind, in, hidden, 1000L * hidden + 10L * in + kind.ordinal());
        for (WeightFormat format : WeightFormat.values()) {
            Errors e = compare(m, format, STEPS);
            assertTrue(e.ref <= REF_TOL, () -> format + ": kernel vs reference max error " + e.ref);
            assertTrue(e.twin <= TWIN_TOL, () -> format + ": vector vs scalar twin max error " + e.twin);
            if (format == WeightFormat.BF16) {
                assertTrue(e.bf16 <= BF16_TOL, () -> "bf16 vs fp32 reference max error " + e.bf16);
            }
        }
    }

    /** Many blocks: two-block and four-block passes, the two-thread split, both formats. */
    @ParameterizedTest(name = "{0} I=300 H=256")
    @EnumSource(Kind.class)
    void largeLayer(Kind kind) {
        TestModel m = TestModel.random(kind, 300, 256, 7 + kind.ordinal());
        for (WeightFormat format : WeightFormat.values()) {
            Errors e = compare(m, format, 3);
            assertTrue(e.ref <= REF_TOL, () -> format + ": kernel vs reference max error " + e.ref);
            assertTrue(e.twin <= TWIN_TOL, () -> format + ": vector vs scalar twin max error " + e.twin);
            if (format == WeightFormat.BF16) {
                assertTrue(e.bf16 <= BF16_TOL, () -> "bf16 vs fp32 reference max error " + e.bf16);
            }
        }
    }

    /** Exchanging two gates must break the comparison: the tests above can fail. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Kind.class, names = {"LSTM", "LSTM_PROJ", "GRU"})
    void swappedGatesAreDetected(Kind kind) {
        TestModel m = TestModel.random(kind, 17, 37, 99);
        for (int a = 0; a < kind.gates; a++) {
            for (int b = a + 1; b < kind.gates; b++) {
                for (WeightFormat format : WeightFormat.values()) {
                    double err = errorAgainst(m, format, m.swapGates(a, b));
                    int ga = a, gb = b;
                    assertTrue(err > 10 * REF_TOL, () -> format + ": swapping gates " + ga + " and " + gb
                            + " changed h by only " + err);
                }
            }
        }
    }

    /** Dropping b_hh, or the other RNN nonlinearity, must break the comparison. */
    @Test
    void otherMutantsAreDetected() {
        TestModel tanh = TestModel.random(Kind.RNN_TANH, 15, 17, 5);
        TestModel relu = TestModel.random(Kind.RNN_RELU, 15, 17, 5);
        assertTrue(errorAgainst(tanh, WeightFormat.FP32, relu) > 10 * REF_TOL, "tanh vs relu undetected");
        for (Kind kind : Kind.values()) {
            TestModel m = TestModel.random(kind, 16, 17, 6);
            assertTrue(errorAgainst(m, WeightFormat.FP32, m.withoutHiddenBias()) > 10 * REF_TOL,
                    kind + ": dropped b_hh undetected");
        }
    }

    /** A hand-computed LSTM: with zero weights the gates are the biases. */
    @Test
    void lstmFromBiasesOnly() {
        float[] bIh = {0.5f, -1f, 2f, 1f};
        float[] bHh = {0.25f, 0f, -0.5f, 0.5f};
        try (StreamingCell cell = StreamingCell.lstm(new float[4], new float[4], bIh, bHh, 1, 1, WeightFormat.FP32);
                StreamingStepper st = cell.newStepper()) {
            st.step(new float[] {3f});
            double i = 1 / (1 + Math.exp(-0.75)), f = 1 / (1 + Math.exp(1)), g = Math.tanh(1.5);
            double o = 1 / (1 + Math.exp(-1.5));
            double c = i * g;
            float[] h = new float[1], cs = new float[1];
            st.h(h);
            st.c(cs);
            assertEquals(c, cs[0], 1e-6);
            assertEquals(o * Math.tanh(c), h[0], 1e-6);
            st.step(new float[] {3f});
            st.h(h);
            double c2 = f * c + i * g;
            assertEquals(o * Math.tanh(c2), h[0], 1e-6);
        }
    }

    /**
     * The vector kernels and the scalar twin sum in the same order with the same fused multiply-adds: with relu
     * (exact in both) the outputs are bitwise equal, for every block-pass shape (up to 13 blocks).
     */
    @Test
    void reluRnnVectorEqualsScalarBitwise() {
        for (int hidden : HIDDEN_SIZES) {
            TestModel m = TestModel.random(Kind.RNN_RELU, 37, hidden, hidden);
            for (WeightFormat format : WeightFormat.values()) {
                try (StreamingCell cell = m.cell(format);
                        StreamingStepper v = cell.newStepper(1, StreamKernels.preferred());
                        StreamingStepper s = cell.newStepper(1, ScalarStreamKernels.INSTANCE)) {
                    Random r = new Random(hidden);
                    for (int t = 0; t < 4; t++) {
                        float[] x = TestModel.uniform(r, 37, 1f);
                        if (t == 2) {
                            v.stepProjected(m.project(x), 0);
                            s.stepProjected(m.project(x), 0);
                        } else {
                            v.step(x);
                            s.step(x);
                        }
                        assertArrayEquals(h(s, m.out), h(v, m.out), format + " H=" + hidden + " t=" + t);
                    }
                }
            }
        }
    }

    /** Unless the scalar twins were asked for, the Vector API must be on: else "vector" tests test the twin. */
    @Test
    void vectorPathIsTested() {
        if (!"false".equals(System.getProperty("gatun.vector"))) {
            assertTrue(Vectorization.enabled(), "the Vector API is off (" + Vectorization.describe()
                    + "): these tests would only compare the scalar twin with itself");
        }
    }

    // ---- the comparison -------------------------------------------------------------------------------------

    record Errors(double ref, double twin, double bf16) {}

    /**
     * Steps vector and scalar kernels with 1 and 2 threads from a random initial state; every third step uses
     * stepProjected. Asserts 2 threads == 1 thread bitwise (every unit is computed by the same code); returns the
     * largest differences between vector and scalar kernels and against the references.
     */
    static Errors compare(TestModel m, WeightFormat format, int steps) {
        TestModel stored = format == WeightFormat.BF16 ? m.bf16Weights() : m;
        TestModel.Reference exact = stored.new Reference();
        TestModel.Reference fp32 = m.new Reference();
        Random r = new Random(m.in * 31L + m.hidden);
        float[] h0 = TestModel.uniform(r, m.out, 0.5f);
        float[] c0 = TestModel.uniform(r, m.hidden, 0.5f);
        double refErr = 0, twinErr = 0, bf16Err = 0;
        try (StreamingCell cell = m.cell(format);
                StreamingStepper vec1 = cell.newStepper(1, StreamKernels.preferred());
                StreamingStepper vec2 = cell.newStepper(2, StreamKernels.preferred());
                StreamingStepper sca1 = cell.newStepper(1, ScalarStreamKernels.INSTANCE);
                StreamingStepper sca2 = cell.newStepper(2, ScalarStreamKernels.INSTANCE)) {
            StreamingStepper[] all = {vec1, vec2, sca1, sca2};
            for (StreamingStepper st : all) {
                st.setH(h0);
                if (m.hasC()) {
                    st.setC(c0);
                }
            }
            exact.set(h0, m.hasC() ? c0 : null);
            fp32.set(h0, m.hasC() ? c0 : null);
            for (int t = 0; t < steps; t++) {
                float[] x = TestModel.uniform(r, m.in, 1f);
                boolean projected = t % 3 == 2;
                float[] xp = stored.project(x);
                for (StreamingStepper st : all) {
                    if (projected) {
                        st.stepProjected(xp, 0);
                    } else {
                        st.step(x);
                    }
                }
                exact.step(x);
                fp32.step(x);
                String where = m.kind + " I=" + m.in + " H=" + m.hidden + " " + format + " step " + t;
                float[] hv = h(vec1, m.out), hs = h(sca1, m.out);
                assertArrayEquals(hv, h(vec2, m.out), where + ": vector, 2 threads != 1 thread");
                assertArrayEquals(hs, h(sca2, m.out), where + ": scalar, 2 threads != 1 thread");
                twinErr = Math.max(twinErr, maxRelDiff(hv, hs));
                refErr = Math.max(refErr, Math.max(maxDiff(hv, exact.h), maxDiff(hs, exact.h)));
                bf16Err = Math.max(bf16Err, maxRelDiff(hv, fp32.h));
                if (m.hasC()) {
                    float[] cv = c(vec1, m.hidden), cs = c(sca1, m.hidden);
                    assertArrayEquals(cv, c(vec2, m.hidden), where + ": c, 2 threads != 1 thread");
                    twinErr = Math.max(twinErr, maxRelDiff(cv, cs));
                    refErr = Math.max(refErr, Math.max(maxDiff(cv, exact.c), maxDiff(cs, exact.c)));
                    bf16Err = Math.max(bf16Err, maxRelDiff(cv, fp32.c));
                }
            }
        }
        return new Errors(refErr, twinErr, bf16Err);
    }

    /**
     * Largest |h - h_reference| over a few steps of the vector stepper against another model's reference (with
     * the weights rounded as the format stores them).
     */
    static double errorAgainst(TestModel m, WeightFormat format, TestModel other) {
        TestModel.Reference ref = (format == WeightFormat.BF16 ? other.bf16Weights() : other).new Reference();
        Random r = new Random(3);
        double err = 0;
        try (StreamingCell cell = m.cell(format); StreamingStepper st = cell.newStepper()) {
            for (int t = 0; t < 3; t++) {
                float[] x = TestModel.uniform(r, m.in, 1f);
                st.step(x);
                ref.step(x);
                err = Math.max(err, maxDiff(h(st, m.out), ref.h));
            }
        }
        return err;
    }

    static float[] h(StreamingStepper st, int n) {
        float[] h = new float[n];
        st.h(h);
        return h;
    }

    static float[] c(StreamingStepper st, int n) {
        float[] c = new float[n];
        st.c(c);
        return c;
    }

    static double maxDiff(float[] a, float[] b) {
        double[] d = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            d[i] = b[i];
        }
        return maxDiff(a, d);
    }

    static double maxRelDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]) / (1 + Math.abs(b[i])));
        }
        return m;
    }

    static double maxRelDiff(float[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
        }
        return m;
    }

    static double maxDiff(float[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            if (Double.isNaN(d)) {
                fail("NaN at " + i);
            }
            m = Math.max(m, d);
        }
        return m;
    }
}
