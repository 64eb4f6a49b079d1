package dev.gatun.kernels.activation;

import dev.gatun.kernels.PanamaSpecies;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, sigmoid, tanh and relu on whole {@link PanamaSpecies#FLOAT} vectors, for Panama kernels to call inline, e.g.
 * {@code PanamaActivations.sigmoid(x)}, plus in-place loops over segments and arrays.
 *
 * <p>exp and tanh are the Vector API's {@code lanewise(EXP)} and {@code lanewise(TANH)}, which C2 turns into calls
 * to the JDK's vector math library (Intel SVML on x64, SLEEF on AArch64); sigmoid is {@code 1 / (1 + exp(-x))}.
 * Measured against the double-precision functions rounded to float ({@code ActivationAccuracyTest}, every step of
 * 1e-4 over [-20, 20] plus 10^6 random points, at 128, 256 and 512 bits): exp within 1 ulp over its whole range
 * (subnormal results included), sigmoid and tanh within 6.0e-8 absolute (1 ulp of [0.5, 1)), tanh within 1 ulp near
 * 0. Saturation is exact ({@code tanh = ±1}, {@code sigmoid = 0 or 1}, {@code exp = +Inf or 0}, at ±Inf too), NaN
 * gives NaN, {@code tanh(-0) = -0}. The scalar twin in {@link Activations} is a different algorithm of the same
 * accuracy; the two agree within 2 ulps.
 *
 * <p>Why not a hand-written polynomial here (the scalar twin's): C2 stops inlining into a compilation unit once it
 * has created about 18000 IR nodes (NodeCountInliningCutoff), and every Vector API call costs roughly 400 of them at
 * parse time, so a 20-call polynomial exp (8000 nodes) fits about twice in a kernel. Past the cutoff, or once such a
 * helper has been compiled on its own ("already compiled into a big method"), the call stays out of line and every
 * vector crossing it is boxed on the heap: a fused LSTM step (B=32, H=256) measured 835 KB of garbage and 3.4 times
 * the time. A {@code lanewise(EXP)} costs what an {@code add} costs, so fused kernels with five activations compile to
 * straight vector code. It is also faster on its own (AVX-512, {@code ActivationBenchmark}, ns per float: exp 1.3 vs
 * 2.7, sigmoid 0.7 vs 1.9, tanh 1.7 vs 2.6). On a platform without these vector math stubs the Vector API falls back
 * to per-lane Java math: still correct, but slow.
 */
public final class PanamaActivations {
    private static final VectorSpecies<Float> S = PanamaSpecies.FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final FloatVector ZERO = FloatVector.zero(S);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    private PanamaActivations() {}

    /** e^x per lane. */
    public static FloatVector exp(FloatVector x) {
        return x.lanewise(VectorOperators.EXP);
    }

    /** 1 / (1 + e^-x) per lane. */
    public static FloatVector sigmoid(FloatVector x) {
        return ONE.div(x.neg().lanewise(VectorOperators.EXP).add(ONE));
    }

    /** tanh(x) per lane. */
    public static FloatVector tanh(FloatVector x) {
        return x.lanewise(VectorOperators.TANH);
    }

    /** max(x, 0) per lane (NaN stays NaN). */
    public static FloatVector relu(FloatVector x) {
        return x.max(ZERO);
    }

    // In place over n floats (segment offsets in floats): a vector body, then the scalar twin for the tail.

    static void exp(MemorySegment s, long off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            long at = (off + i) * Float.BYTES;
            exp(FloatVector.fromMemorySegment(S, s, at, NATIVE)).intoMemorySegment(s, at, NATIVE);
        }
        ScalarActivations.exp(s, off + i, n - i);
    }

    static void sigmoid(MemorySegment s, long off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            long at = (off + i) * Float.BYTES;
            sigmoid(FloatVector.fromMemorySegment(S, s, at, NATIVE)).intoMemorySegment(s, at, NATIVE);
        }
        ScalarActivations.sigmoid(s, off + i, n - i);
    }

    static void tanh(MemorySegment s, long off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            long at = (off + i) * Float.BYTES;
            tanh(FloatVector.fromMemorySegment(S, s, at, NATIVE)).intoMemorySegment(s, at, NATIVE);
        }
        ScalarActivations.tanh(s, off + i, n - i);
    }

    static void relu(MemorySegment s, long off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            long at = (off + i) * Float.BYTES;
            relu(FloatVector.fromMemorySegment(S, s, at, NATIVE)).intoMemorySegment(s, at, NATIVE);
        }
        ScalarActivations.relu(s, off + i, n - i);
    }

    static void exp(float[] a, int off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            exp(FloatVector.fromArray(S, a, off + i)).intoArray(a, off + i);
        }
        ScalarActivations.exp(a, off + i, n - i);
    }

    static void sigmoid(float[] a, int off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            sigmoid(FloatVector.fromArray(S, a, off + i)).intoArray(a, off + i);
        }
        ScalarActivations.sigmoid(a, off + i, n - i);
    }

    static void tanh(float[] a, int off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            tanh(FloatVector.fromArray(S, a, off + i)).intoArray(a, off + i);
        }
        ScalarActivations.tanh(a, off + i, n - i);
    }

    static void relu(float[] a, int off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            relu(FloatVector.fromArray(S, a, off + i)).intoArray(a, off + i);
        }
        ScalarActivations.relu(a, off + i, n - i);
    }
}
