package dev.gatun.kernels.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.kernels.PanamaSpecies;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The vector activations against their scalar twins, bitwise (the same algorithm lane by lane), lane by lane and
 * through the in-place entry points over awkward lengths and offsets; cold (interpreted) and after the JIT has
 * compiled them; and argument validation.
 */
public class ActivationTwinTest {
    private static final int[] SIZES = {0, 1, 15, 16, 17, 37, 64, 1000};
    private static final float[] SPECIAL = {0f, -0f, 1e-30f, -1e-30f, Float.MIN_VALUE, 0.625f, -0.625f,
        0.62499994f, 9f, -9f, 17f, -17f, 88.7f, -87.4f, 88.73f, -88.73f, -103.9f, -104.1f, 1000f, -1000f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};

    /** Runs every comparison on {@code count} random values; also called by the narrow-width check in a child JVM. */
    public static void checkTwins(int count) {
        float[] x = values(count, new Random(11));
        int lanes = PanamaSpecies.LANES;
        float[] lane = new float[lanes];
        for (int i = 0; i + lanes <= x.length; i += lanes) {
            FloatVector v = FloatVector.fromArray(PanamaSpecies.FLOAT, x, i);
            for (int op = 0; op < 4; op++) {
                vector(op, v).intoArray(lane, 0);
                for (int k = 0; k < lanes; k++) {
                    float want = scalar(op, x[i + k]);
                    assertTrue(close(op, want, lane[k]), NAMES[op] + "(" + x[i + k] + "): vector " + lane[k]
                            + ", scalar " + want);
                }
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            for (int n : SIZES) {
                for (int off : new int[] {0, 3}) {
                    for (int op = 0; op < 4; op++) {
                        float[] a = new float[off + n + 2];
                        System.arraycopy(x, 0, a, off, Math.min(n, x.length));
                        MemorySegment s = arena.allocate((long) a.length * Float.BYTES);
                        MemorySegment.copy(a, 0, s, ValueLayout.JAVA_FLOAT, 0, a.length);
                        float[] want = a.clone();
                        for (int i = off; i < off + n; i++) {
                            want[i] = scalar(op, want[i]);
                        }
                        inPlace(op, a, off, n);
                        inPlace(op, s, off, n);
                        float[] fromSegment = s.toArray(ValueLayout.JAVA_FLOAT);
                        for (int i = 0; i < a.length; i++) {
                            assertTrue(close(op, want[i], a[i]), NAMES[op] + "InPlace(float[], n=" + n + ", off=" + off
                                    + ") element " + i);
                            assertTrue(close(op, want[i], fromSegment[i]), NAMES[op] + "InPlace(segment, n=" + n
                                    + ", off=" + off + ") element " + i);
                        }
                    }
                }
            }
        }
    }

    /** After the JIT has compiled the vector functions (C2 at this trip count), still the scalar bits. */
    @Test
    void compiledVectorsGiveScalarBits() {
        float[] x = values(4096 - SPECIAL.length, new Random(5));
        float[] y = new float[x.length];
        int lanes = PanamaSpecies.LANES;
        for (int op = 0; op < 3; op++) {
            for (int rep = 0; rep < 400; rep++) {
                for (int i = 0; i + lanes <= x.length; i += lanes) {
                    vector(op, FloatVector.fromArray(PanamaSpecies.FLOAT, x, i)).intoArray(y, i);
                }
            }
            for (int i = 0; i < x.length / lanes * lanes; i++) {
                float want = scalar(op, x[i]);
                assertTrue(same(want, y[i]), NAMES[op] + "(" + x[i] + "): compiled vector " + y[i] + ", scalar " + want);
            }
        }
    }

    private static final String[] NAMES = {"exp", "sigmoid", "tanh", "relu"};

    private static FloatVector vector(int op, FloatVector v) {
        return switch (op) {
            case 0 -> PanamaActivations.exp(v);
            case 1 -> PanamaActivations.sigmoid(v);
            case 2 -> PanamaActivations.tanh(v);
            default -> PanamaActivations.relu(v);
        };
    }

    private static float scalar(int op, float x) {
        return switch (op) {
            case 0 -> Activations.exp(x);
            case 1 -> Activations.sigmoid(x);
            case 2 -> Activations.tanh(x);
            default -> Activations.relu(x);
        };
    }

    private static void inPlace(int op, float[] a, int off, int n) {
        switch (op) {
            case 0 -> PanamaActivations.exp(a, off, n);
            case 1 -> PanamaActivations.sigmoid(a, off, n);
            case 2 -> PanamaActivations.tanh(a, off, n);
            default -> PanamaActivations.relu(a, off, n);
        }
    }

    private static void inPlace(int op, MemorySegment s, int off, int n) {
        switch (op) {
            case 0 -> PanamaActivations.exp(s, off, n);
            case 1 -> PanamaActivations.sigmoid(s, off, n);
            case 2 -> PanamaActivations.tanh(s, off, n);
            default -> PanamaActivations.relu(s, off, n);
        }
    }

    /** Bitwise equal, or both NaN. */
    private static boolean same(float a, float b) {
        return Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b) || (Float.isNaN(a) && Float.isNaN(b));
    }

    /** The same bits, or both NaN: the vector functions are the scalar algorithm lane by lane. */
    private static boolean close(int op, float a, float b) {
        return same(a, b);
    }

    /** Special values first, then normal(0, 3), normal(0, 40) and log-uniform magnitudes of both signs. */
    private static float[] values(int count, Random r) {
        float[] x = new float[SPECIAL.length + count];
        System.arraycopy(SPECIAL, 0, x, 0, SPECIAL.length);
        for (int i = SPECIAL.length; i < x.length; i++) {
            x[i] = switch (i % 3) {
                case 0 -> (float) (r.nextGaussian() * 3);
                case 1 -> (float) (r.nextGaussian() * 40);
                default -> (float) ((r.nextBoolean() ? 1 : -1) * Math.pow(10, r.nextDouble() * 12 - 9));
            };
        }
        return x;
    }

    @Test
    void vectorMatchesScalarWithinFourUlps() {
        checkTwins(400_000);
    }

    @Test
    void facadeInPlaceMatchesScalarFunctions() {
        float[] x = values(1000, new Random(5));
        float[] a = x.clone();
        Activations.tanhInPlace(a, 0, a.length);
        for (int i = 0; i < x.length; i++) {
            assertTrue(close(2, Activations.tanh(x[i]), a[i]));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
            Activations.sigmoidInPlace(s, 1, x.length - 1);
            Activations.expInPlace(s, 0, 1);
            assertTrue(close(0, Activations.exp(x[0]), s.getAtIndex(ValueLayout.JAVA_FLOAT, 0)));
            for (int i = 1; i < x.length; i++) {
                assertTrue(close(1, Activations.sigmoid(x[i]), s.getAtIndex(ValueLayout.JAVA_FLOAT, i)));
            }
            Activations.reluInPlace(s, 0, x.length);
            assertTrue(s.getAtIndex(ValueLayout.JAVA_FLOAT, 0) >= 0f);
        }
    }

    @Test
    void inPlaceValidatesArguments() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(10 * Float.BYTES);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Activations.tanhInPlace(s, 4, 7));
            assertEquals("tanhInPlace: segment holds 10 floats, needs offset + n = 11 (offset 4, n 7)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Activations.sigmoidInPlace(s, 0, -1));
            assertEquals("sigmoidInPlace: offset 0 and count -1 must be >= 0", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Activations.expInPlace(s, -1, 2));
            assertThrows(IllegalArgumentException.class, () -> Activations.reluInPlace((MemorySegment) null, 0, 1));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Activations.expInPlace(new float[3], 1, 3));
        assertEquals("expInPlace: array holds 3 floats, needs offset + n = 4 (offset 1, n 3)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Activations.reluInPlace((float[]) null, 0, 0));
        Activations.tanhInPlace(new float[0], 0, 0);     // empty is fine
    }
}
