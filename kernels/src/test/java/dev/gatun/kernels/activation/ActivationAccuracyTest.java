package dev.gatun.kernels.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.kernels.PanamaSpecies;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * Accuracy of the activations against double precision rounded to float ({@code (float) Math.tanh((double) x)}
 * etc.): every step of 1e-4 over [-20, 20] plus random points, through both the scalar functions and the vector ones
 * (different algorithms). The bounds asserted are the ones documented in {@link Activations} and
 * {@link PanamaActivations}.
 */
class ActivationAccuracyTest {
    static final double SIGMOID_MAX_ABS = 0x1p-24;   // 5.96e-8: 1 ulp of [0.5, 1)
    static final double TANH_MAX_ABS = 0x1p-24;

    static float refExp(float x) {
        return (float) Math.exp(x);
    }

    static float refSigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-(double) x)));
    }

    static float refTanh(float x) {
        return (float) Math.tanh(x);
    }

    /** The grid and the random points: 400001 + 1000000 floats in [-20, 20]. */
    static float[] points() {
        int grid = 400_001;
        float[] p = new float[grid + 1_000_000];
        for (int k = 0; k < grid; k++) {
            p[k] = (float) ((k - 200_000) * 1e-4);
        }
        Random r = new Random(20240613);
        for (int k = grid; k < p.length; k++) {
            p[k] = (float) (r.nextDouble() * 40 - 20);
        }
        return p;
    }

    private static float[] vectorised(float[] x, java.util.function.UnaryOperator<FloatVector> f) {
        float[] y = new float[x.length];
        int n = PanamaSpecies.LANES;
        int i = 0;
        for (; i + n <= x.length; i += n) {
            f.apply(FloatVector.fromArray(PanamaSpecies.FLOAT, x, i)).intoArray(y, i);
        }
        float[] last = new float[n];
        System.arraycopy(x, i, last, 0, x.length - i);
        f.apply(FloatVector.fromArray(PanamaSpecies.FLOAT, last, 0)).intoArray(last, 0);
        System.arraycopy(last, 0, y, i, x.length - i);
        return y;
    }

    private static double maxAbsError(float[] x, float[] y, DoubleUnaryOperator ref) {
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs(y[i] - (float) ref.applyAsDouble(x[i])));
        }
        return max;
    }

    @Test
    void sigmoidMaxAbsErrorOnTheGrid() {
        float[] x = points();
        float[] scalar = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            scalar[i] = Activations.sigmoid(x[i]);
        }
        double s = maxAbsError(x, scalar, v -> refSigmoid((float) v));
        double v = maxAbsError(x, vectorised(x, PanamaActivations::sigmoid), d -> refSigmoid((float) d));
        assertTrue(s <= SIGMOID_MAX_ABS, "scalar sigmoid max abs error " + s);
        assertTrue(v <= SIGMOID_MAX_ABS, "vector sigmoid max abs error " + v);
    }

    @Test
    void tanhMaxAbsErrorOnTheGrid() {
        float[] x = points();
        float[] scalar = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            scalar[i] = Activations.tanh(x[i]);
        }
        double s = maxAbsError(x, scalar, v -> refTanh((float) v));
        double v = maxAbsError(x, vectorised(x, PanamaActivations::tanh), d -> refTanh((float) d));
        assertTrue(s <= TANH_MAX_ABS, "scalar tanh max abs error " + s);
        assertTrue(v <= TANH_MAX_ABS, "vector tanh max abs error " + v);
    }

    @Test
    void tanhKeepsRelativeAccuracyNearZero() {
        // Every 101st float in [1e-30, 0.7]: within 1 ulp, not just 6e-8 absolute.
        int worst = 0;
        float at = 0;
        for (int bits = Float.floatToIntBits(1e-30f); bits <= Float.floatToIntBits(0.7f); bits += 101) {
            float x = Float.intBitsToFloat(bits);
            float[] got = both(2, x);
            int ulps = Math.max(Math.abs(Float.floatToIntBits(got[0]) - Float.floatToIntBits(refTanh(x))),
                    Math.abs(Float.floatToIntBits(got[1]) - Float.floatToIntBits(refTanh(x))));
            if (ulps > worst) {
                worst = ulps;
                at = x;
            }
        }
        assertTrue(worst <= 1, "tanh is " + worst + " ulps off at " + at);
    }

    @Test
    void expWithinOneUlpFromUnderflowToOverflow() {
        // The grid over [-20, 20], then random points over the whole range where the result is finite and nonzero,
        // subnormal results included.
        Random r = new Random(7);
        float[] x = points();
        float[] wide = new float[1_000_000];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = (float) (r.nextDouble() * (88.72 + 103.9) - 103.9);
        }
        for (float[] xs : new float[][] {x, wide}) {
            float[] v = vectorised(xs, PanamaActivations::exp);
            for (int i = 0; i < xs.length; i++) {
                float ref = refExp(xs[i]);
                int su = Math.abs(Float.floatToIntBits(Activations.exp(xs[i])) - Float.floatToIntBits(ref));
                int vu = Math.abs(Float.floatToIntBits(v[i]) - Float.floatToIntBits(ref));
                assertTrue(su <= 1 && vu <= 1, "exp(" + xs[i] + ") = " + Activations.exp(xs[i]) + " / " + v[i]
                        + ", expected " + ref);
            }
        }
    }

    /** The scalar function and lane 0 of the vector one. */
    private static float[] both(int op, float x) {
        FloatVector v = FloatVector.broadcast(PanamaSpecies.FLOAT, x);
        return switch (op) {
            case 0 -> new float[] {Activations.exp(x), PanamaActivations.exp(v).lane(0)};
            case 1 -> new float[] {Activations.sigmoid(x), PanamaActivations.sigmoid(v).lane(0)};
            case 2 -> new float[] {Activations.tanh(x), PanamaActivations.tanh(v).lane(0)};
            default -> new float[] {Activations.relu(x), PanamaActivations.relu(v).lane(0)};
        };
    }

    private static void assertBoth(float expected, int op, float x) {
        float[] got = both(op, x);
        String name = new String[] {"exp", "sigmoid", "tanh", "relu"}[op];
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got[0]), "scalar " + name + "(" + x + ")");
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got[1]), "vector " + name + "(" + x + ")");
    }

    @Test
    void saturatesExactly() {
        for (float x : new float[] {9.1f, 10f, 17f, 20f, 44f, 88f, 88.8f, 100f, 1000f, 1e30f, Float.MAX_VALUE,
                                    Float.POSITIVE_INFINITY}) {
            assertBoth(1f, 2, x);
            assertBoth(-1f, 2, -x);
            if (x >= 17f) {
                assertBoth(1f, 1, x);
            }
            if (x >= 88.8f) {
                assertBoth(0f, 1, -x);
                assertBoth(Float.POSITIVE_INFINITY, 0, x);
            }
            if (x >= 104f) {
                assertBoth(0f, 0, -x);
            }
        }
        assertBoth(Float.MIN_VALUE, 0, -103.28f);      // the smallest subnormal
        assertBoth(1f, 0, 0f);
        assertBoth(0.5f, 1, 0f);
        // Sigmoid below -88.7 is 0 where the true value is a subnormal < 1.2e-38.
        assertTrue(both(1, -88f)[0] > 0f && both(1, -88f)[1] > 0f);
    }

    @Test
    void nanInNanOut() {
        for (float nan : new float[] {Float.NaN, Float.intBitsToFloat(0xffc00001), Float.intBitsToFloat(0x7f800001)}) {
            for (int op = 0; op < 4; op++) {
                float[] got = both(op, nan);
                assertTrue(Float.isNaN(got[0]) && Float.isNaN(got[1]), "op " + op);
            }
        }
    }

    @Test
    void signedZerosAndInfinities() {
        assertBoth(-0f, 2, -0f);
        assertBoth(0f, 2, 0f);
        assertBoth(1f, 0, -0f);
        assertBoth(0.5f, 1, -0f);
        assertBoth(0f, 3, -3f);
        assertBoth(0f, 3, -0f);
        assertBoth(2.5f, 3, 2.5f);
        assertBoth(0f, 0, Float.NEGATIVE_INFINITY);
        assertBoth(Float.POSITIVE_INFINITY, 0, Float.POSITIVE_INFINITY);
        assertBoth(0f, 1, Float.NEGATIVE_INFINITY);
        assertBoth(1f, 1, Float.POSITIVE_INFINITY);
        assertBoth(-1f, 2, Float.NEGATIVE_INFINITY);
        assertBoth(Float.POSITIVE_INFINITY, 3, Float.POSITIVE_INFINITY);
    }

    @Test
    void symmetry() {
        // The scalar tanh is odd and sigmoid(-x) = 1 - sigmoid(x) up to rounding: catches a sign slip in a branch.
        Random r = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            float x = (float) (r.nextGaussian() * 4);
            assertEquals(-Activations.tanh(x), Activations.tanh(-x));
            assertEquals(1f - Activations.sigmoid(x), Activations.sigmoid(-x), 1.2e-7f);
        }
    }
}
