package dev.gatun.kernels.activation;

import dev.gatun.kernels.PanamaSpecies;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, sigmoid, tanh and relu on whole {@link PanamaSpecies#FLOAT} vectors, for Panama kernels to call inline, e.g.
 * {@code PanamaActivations.sigmoid(x)}, plus in-place loops over segments and arrays.
 *
 * <p>Each function is the scalar twin's algorithm ({@link ScalarActivations}) lane by lane, built only from
 * correctly rounded operations (add, mul, div, fma, min/max, integer and bit ops), so a lane gives the same bits as
 * the scalar function, in the interpreter, C1 and C2 alike, at every vector width. That is why the Vector API's own
 * {@code lanewise(EXP)} and {@code lanewise(TANH)} are not used: C2 turns them into Intel SVML calls while the
 * interpreter and C1 fall back to {@code Math.exp}/{@code Math.tanh} per lane, which differ in about 1% of lanes by
 * an ulp, so results would depend on whether a kernel had been compiled yet (measured on JDK 25: 537 of 65536
 * tanh values). Accuracy is the scalar twin's (see {@code ActivationAccuracyTest}).
 *
 * <p>Inlining: these cost about 20 (exp) to 40 (tanh) vector operations, roughly 400 C2 IR nodes each at parse time.
 * A kernel that calls several of them inline crosses C2's inlining budget (NodeCountInliningCutoff, about 18000
 * nodes); past it C2 leaves calls to these helpers (or any helper taking or returning vectors) out of line, and every
 * vector crossing such a call is boxed: an LSTM cell step with five inline activations measured 688 KB of garbage
 * per call. So kernels never call the vector functions here: they run the in-place loops below as passes over rows
 * they have just written. The vector functions serve tests and benchmarks.
 */
public final class PanamaActivations {
    private static final VectorSpecies<Float> S = PanamaSpecies.FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final FloatVector ZERO = FloatVector.zero(S);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector TWO = FloatVector.broadcast(S, 2f);
    private static final IntVector SIGN = IntVector.broadcast(PanamaSpecies.INT, 0x80000000);

    // The scalar twin's constants as vectors (fma takes no scalar-vector mix).
    private static final FloatVector LOG2E = v(ScalarActivations.LOG2E);
    private static final FloatVector ROUND = v(ScalarActivations.ROUND);
    private static final FloatVector NEG_LN2_HI = v(-ScalarActivations.LN2_HI);
    private static final FloatVector NEG_LN2_LO = v(-ScalarActivations.LN2_LO);
    private static final FloatVector E5 = v(ScalarActivations.E5);
    private static final FloatVector E4 = v(ScalarActivations.E4);
    private static final FloatVector E3 = v(ScalarActivations.E3);
    private static final FloatVector E2 = v(ScalarActivations.E2);
    private static final FloatVector E1 = v(ScalarActivations.E1);
    private static final FloatVector E0 = v(ScalarActivations.E0);
    private static final FloatVector T4 = v(ScalarActivations.T4);
    private static final FloatVector T3 = v(ScalarActivations.T3);
    private static final FloatVector T2 = v(ScalarActivations.T2);
    private static final FloatVector T1 = v(ScalarActivations.T1);
    private static final FloatVector T0 = v(ScalarActivations.T0);

    private PanamaActivations() {}

    private static FloatVector v(float c) {
        return FloatVector.broadcast(S, c);
    }

    /** e^x per lane; the same bits as {@code Activations.exp} on each lane. */
    public static FloatVector exp(FloatVector x) {
        x = x.max(ScalarActivations.EXP_LO).min(ScalarActivations.EXP_HI);          // NaN stays NaN
        FloatVector t = x.fma(LOG2E, ROUND);                                        // ROUND + n
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(NEG_LN2_HI, x);                                       // x - n ln2, Cody-Waite
        r = n.fma(NEG_LN2_LO, r);
        FloatVector p = r.fma(E5, E4);
        p = p.fma(r, E3);
        p = p.fma(r, E2);
        p = p.fma(r, E1);
        p = p.fma(r, E0);
        FloatVector y = p.fma(r.mul(r), r).add(ONE);                                // e^r
        IntVector ni = t.reinterpretAsInts().sub(ScalarActivations.ROUND_BITS);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(s1).mul(s2);                                                   // e^r 2^n1 2^n2
    }

    /** 1 / (1 + e^-x) per lane; the same bits as {@code Activations.sigmoid} on each lane. */
    public static FloatVector sigmoid(FloatVector x) {
        return ONE.div(exp(x.neg()).add(ONE));
    }

    /** tanh(x) per lane; the same bits as {@code Activations.tanh} on each lane. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector z = ax.mul(ax);
        FloatVector p = z.fma(T4, T3);
        p = p.fma(z, T2);
        p = p.fma(z, T1);
        p = p.fma(z, T0);
        FloatVector small = p.mul(z).fma(ax, ax);
        FloatVector large = ONE.sub(TWO.div(exp(ax.add(ax)).add(ONE)));
        FloatVector t = large.blend(small, ax.lt(ScalarActivations.TANH_SMALL));
        // t >= 0 (or NaN): copySign(t, x) is t with x's sign bit.
        return t.reinterpretAsInts().or(x.reinterpretAsInts().and(SIGN)).reinterpretAsFloats();
    }

    /** max(x, 0) per lane (NaN stays NaN). */
    public static FloatVector relu(FloatVector x) {
        return x.max(ZERO);
    }

    // In place over n floats (segment offsets in floats): a vector body, then the scalar twin for the tail. Each body
    // spells its function out instead of calling the FloatVector functions above: a call C2 declines to inline (past
    // its node budget, or once the callee has been compiled on its own) passes boxed vectors, while the Vector API's
    // own methods are force-inlined, so these loops compile to straight vector code wherever they are inlined.
    // Kernels call them as passes over rows they have just written (CellAllocationTest and StreamingAllocationTest
    // check that nothing is boxed). Segment accesses are bounds-checked, so these need no checks of their own to be
    // memory-safe; Activations' entry points add argument checks with clear messages.

    /** s[off, off+n) = e^x, in place (offset and count in floats). */
    public static void exp(MemorySegment s, long off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            long at = (off + i) * Float.BYTES;
            FloatVector x = FloatVector.fromMemorySegment(S, s, at, NATIVE);
            x = x.max(ScalarActivations.EXP_LO).min(ScalarActivations.EXP_HI);
            FloatVector t = x.fma(LOG2E, ROUND);
            FloatVector k = t.sub(ROUND);
            FloatVector r = k.fma(NEG_LN2_HI, x);
            r = k.fma(NEG_LN2_LO, r);
            FloatVector p = r.fma(E5, E4);
            p = p.fma(r, E3);
            p = p.fma(r, E2);
            p = p.fma(r, E1);
            p = p.fma(r, E0);
            IntVector ni = t.reinterpretAsInts().sub(ScalarActivations.ROUND_BITS);
            IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.fma(r.mul(r), r).add(ONE).mul(s1).mul(s2);
            e.intoMemorySegment(s, at, NATIVE);
        }
        ScalarActivations.exp(s, off + i, n - i);
    }

    /** s[off, off+n) = sigmoid(x), in place (offset and count in floats). */
    public static void sigmoid(MemorySegment s, long off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            long at = (off + i) * Float.BYTES;
            FloatVector x = FloatVector.fromMemorySegment(S, s, at, NATIVE);
            FloatVector m = x.neg();
            m = m.max(ScalarActivations.EXP_LO).min(ScalarActivations.EXP_HI);
            FloatVector t = m.fma(LOG2E, ROUND);
            FloatVector k = t.sub(ROUND);
            FloatVector r = k.fma(NEG_LN2_HI, m);
            r = k.fma(NEG_LN2_LO, r);
            FloatVector p = r.fma(E5, E4);
            p = p.fma(r, E3);
            p = p.fma(r, E2);
            p = p.fma(r, E1);
            p = p.fma(r, E0);
            IntVector ni = t.reinterpretAsInts().sub(ScalarActivations.ROUND_BITS);
            IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.fma(r.mul(r), r).add(ONE).mul(s1).mul(s2);
            ONE.div(e.add(ONE)).intoMemorySegment(s, at, NATIVE);
        }
        ScalarActivations.sigmoid(s, off + i, n - i);
    }

    /** s[off, off+n) = tanh(x), in place (offset and count in floats). */
    public static void tanh(MemorySegment s, long off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            long at = (off + i) * Float.BYTES;
            FloatVector x = FloatVector.fromMemorySegment(S, s, at, NATIVE);
            FloatVector ax = x.abs();
            FloatVector z = ax.mul(ax);
            FloatVector q = z.fma(T4, T3);
            q = q.fma(z, T2);
            q = q.fma(z, T1);
            q = q.fma(z, T0);
            FloatVector small = q.mul(z).fma(ax, ax);
            FloatVector a2 = ax.add(ax);
            a2 = a2.max(ScalarActivations.EXP_LO).min(ScalarActivations.EXP_HI);
            FloatVector t = a2.fma(LOG2E, ROUND);
            FloatVector k = t.sub(ROUND);
            FloatVector r = k.fma(NEG_LN2_HI, a2);
            r = k.fma(NEG_LN2_LO, r);
            FloatVector p = r.fma(E5, E4);
            p = p.fma(r, E3);
            p = p.fma(r, E2);
            p = p.fma(r, E1);
            p = p.fma(r, E0);
            IntVector ni = t.reinterpretAsInts().sub(ScalarActivations.ROUND_BITS);
            IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.fma(r.mul(r), r).add(ONE).mul(s1).mul(s2);
            FloatVector large = ONE.sub(TWO.div(e.add(ONE)));
            FloatVector y = large.blend(small, ax.lt(ScalarActivations.TANH_SMALL));
            y.reinterpretAsInts().or(x.reinterpretAsInts().and(SIGN)).reinterpretAsFloats().intoMemorySegment(s, at, NATIVE);
        }
        ScalarActivations.tanh(s, off + i, n - i);
    }

    /** s[off, off+n) = max(x, 0), in place (offset and count in floats). */
    public static void relu(MemorySegment s, long off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            long at = (off + i) * Float.BYTES;
            FloatVector x = FloatVector.fromMemorySegment(S, s, at, NATIVE);
            x.max(ZERO).intoMemorySegment(s, at, NATIVE);
        }
        ScalarActivations.relu(s, off + i, n - i);
    }

    /** a[off, off+n) = e^x, in place (offset and count in floats). */
    public static void exp(float[] a, int off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, a, off + i);
            x = x.max(ScalarActivations.EXP_LO).min(ScalarActivations.EXP_HI);
            FloatVector t = x.fma(LOG2E, ROUND);
            FloatVector k = t.sub(ROUND);
            FloatVector r = k.fma(NEG_LN2_HI, x);
            r = k.fma(NEG_LN2_LO, r);
            FloatVector p = r.fma(E5, E4);
            p = p.fma(r, E3);
            p = p.fma(r, E2);
            p = p.fma(r, E1);
            p = p.fma(r, E0);
            IntVector ni = t.reinterpretAsInts().sub(ScalarActivations.ROUND_BITS);
            IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.fma(r.mul(r), r).add(ONE).mul(s1).mul(s2);
            e.intoArray(a, off + i);
        }
        ScalarActivations.exp(a, off + i, n - i);
    }

    /** a[off, off+n) = sigmoid(x), in place (offset and count in floats). */
    public static void sigmoid(float[] a, int off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, a, off + i);
            FloatVector m = x.neg();
            m = m.max(ScalarActivations.EXP_LO).min(ScalarActivations.EXP_HI);
            FloatVector t = m.fma(LOG2E, ROUND);
            FloatVector k = t.sub(ROUND);
            FloatVector r = k.fma(NEG_LN2_HI, m);
            r = k.fma(NEG_LN2_LO, r);
            FloatVector p = r.fma(E5, E4);
            p = p.fma(r, E3);
            p = p.fma(r, E2);
            p = p.fma(r, E1);
            p = p.fma(r, E0);
            IntVector ni = t.reinterpretAsInts().sub(ScalarActivations.ROUND_BITS);
            IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.fma(r.mul(r), r).add(ONE).mul(s1).mul(s2);
            ONE.div(e.add(ONE)).intoArray(a, off + i);
        }
        ScalarActivations.sigmoid(a, off + i, n - i);
    }

    /** a[off, off+n) = tanh(x), in place (offset and count in floats). */
    public static void tanh(float[] a, int off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, a, off + i);
            FloatVector ax = x.abs();
            FloatVector z = ax.mul(ax);
            FloatVector q = z.fma(T4, T3);
            q = q.fma(z, T2);
            q = q.fma(z, T1);
            q = q.fma(z, T0);
            FloatVector small = q.mul(z).fma(ax, ax);
            FloatVector a2 = ax.add(ax);
            a2 = a2.max(ScalarActivations.EXP_LO).min(ScalarActivations.EXP_HI);
            FloatVector t = a2.fma(LOG2E, ROUND);
            FloatVector k = t.sub(ROUND);
            FloatVector r = k.fma(NEG_LN2_HI, a2);
            r = k.fma(NEG_LN2_LO, r);
            FloatVector p = r.fma(E5, E4);
            p = p.fma(r, E3);
            p = p.fma(r, E2);
            p = p.fma(r, E1);
            p = p.fma(r, E0);
            IntVector ni = t.reinterpretAsInts().sub(ScalarActivations.ROUND_BITS);
            IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.fma(r.mul(r), r).add(ONE).mul(s1).mul(s2);
            FloatVector large = ONE.sub(TWO.div(e.add(ONE)));
            FloatVector y = large.blend(small, ax.lt(ScalarActivations.TANH_SMALL));
            y.reinterpretAsInts().or(x.reinterpretAsInts().and(SIGN)).reinterpretAsFloats().intoArray(a, off + i);
        }
        ScalarActivations.tanh(a, off + i, n - i);
    }

    /** a[off, off+n) = max(x, 0), in place (offset and count in floats). */
    public static void relu(float[] a, int off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, a, off + i);
            x.max(ZERO).intoArray(a, off + i);
        }
        ScalarActivations.relu(a, off + i, n - i);
    }
}
