package dev.gatun.bench.kernels;

import dev.gatun.kernels.PanamaSpecies;
import dev.gatun.kernels.Vectorization;
import dev.gatun.kernels.activation.Activations;
import dev.gatun.kernels.activation.PanamaActivations;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * exp, sigmoid and tanh over {@code size} floats (src to dst, both in L1): Gatun's vector functions
 * ({@code ...Vector}: the Vector API's {@code lanewise(EXP)} / {@code lanewise(TANH)}, SVML or SLEEF calls), the scalar
 * twin ({@code ...Scalar}), and the scalar twin's polynomial written with the Vector API ({@code ...Polynomial}, kept
 * here as the alternative that was measured and rejected: see {@code PanamaActivations} for why). Score: ns per call of
 * {@code size} floats. Inputs ~ N(0, 3), like gate pre-activations. Run with {@code -prof gc}: a Polynomial variant
 * that allocates has hit C2's inlining cutoff.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ActivationBenchmark {
    private static final VectorSpecies<Float> S = PanamaSpecies.FLOAT;

    @Param({"4096"})
    public int size;

    private float[] src;
    private float[] dst;

    @Setup(Level.Trial)
    public void setUp() {
        if (!Vectorization.enabled()) {
            throw new IllegalStateException("the Vector API is off (" + Vectorization.describe() + ")");
        }
        Random r = new Random(1);
        src = new float[size];
        dst = new float[size];
        for (int i = 0; i < size; i++) {
            src[i] = (float) (r.nextGaussian() * 3);
        }
    }

    @TearDown(Level.Trial)
    public void check(BenchmarkParams params) {
        // The polynomial runs the scalar twin's operations, so it must equal it bitwise; the vector functions must agree
        // within 4 ulps.
        String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        for (int i = 0; i < size; i++) {
            float x = src[i];
            float want = name.startsWith("exp") ? Activations.exp(x)
                    : name.startsWith("sigmoid") ? Activations.sigmoid(x) : Activations.tanh(x);
            boolean ok = name.endsWith("Vector")
                    ? Math.abs(Float.floatToIntBits(dst[i]) - Float.floatToIntBits(want)) <= 4
                    : Float.floatToIntBits(dst[i]) == Float.floatToIntBits(want);
            if (!ok) {
                throw new IllegalStateException(name + ": " + dst[i] + " for " + x + ", expected " + want);
            }
        }
    }

    @Benchmark
    public float[] expScalar() {
        for (int i = 0; i < size; i++) {
            dst[i] = Activations.exp(src[i]);
        }
        return dst;
    }

    @Benchmark
    public float[] expVector() {
        int i = 0;
        for (int bound = S.loopBound(size); i < bound; i += S.length()) {
            PanamaActivations.exp(FloatVector.fromArray(S, src, i)).intoArray(dst, i);
        }
        for (; i < size; i++) {
            dst[i] = Activations.exp(src[i]);
        }
        return dst;
    }

    @Benchmark
    public float[] expPolynomial() {
        int i = 0;
        for (int bound = S.loopBound(size); i < bound; i += S.length()) {
            Polynomial.exp(FloatVector.fromArray(S, src, i)).intoArray(dst, i);
        }
        for (; i < size; i++) {
            dst[i] = Activations.exp(src[i]);
        }
        return dst;
    }

    @Benchmark
    public float[] sigmoidScalar() {
        for (int i = 0; i < size; i++) {
            dst[i] = Activations.sigmoid(src[i]);
        }
        return dst;
    }

    @Benchmark
    public float[] sigmoidVector() {
        int i = 0;
        for (int bound = S.loopBound(size); i < bound; i += S.length()) {
            PanamaActivations.sigmoid(FloatVector.fromArray(S, src, i)).intoArray(dst, i);
        }
        for (; i < size; i++) {
            dst[i] = Activations.sigmoid(src[i]);
        }
        return dst;
    }

    @Benchmark
    public float[] sigmoidPolynomial() {
        int i = 0;
        for (int bound = S.loopBound(size); i < bound; i += S.length()) {
            Polynomial.sigmoid(FloatVector.fromArray(S, src, i)).intoArray(dst, i);
        }
        for (; i < size; i++) {
            dst[i] = Activations.sigmoid(src[i]);
        }
        return dst;
    }

    @Benchmark
    public float[] tanhScalar() {
        for (int i = 0; i < size; i++) {
            dst[i] = Activations.tanh(src[i]);
        }
        return dst;
    }

    @Benchmark
    public float[] tanhVector() {
        int i = 0;
        for (int bound = S.loopBound(size); i < bound; i += S.length()) {
            PanamaActivations.tanh(FloatVector.fromArray(S, src, i)).intoArray(dst, i);
        }
        for (; i < size; i++) {
            dst[i] = Activations.tanh(src[i]);
        }
        return dst;
    }

    @Benchmark
    public float[] tanhPolynomial() {
        int i = 0;
        for (int bound = S.loopBound(size); i < bound; i += S.length()) {
            Polynomial.tanh(FloatVector.fromArray(S, src, i)).intoArray(dst, i);
        }
        for (; i < size; i++) {
            dst[i] = Activations.tanh(src[i]);
        }
        return dst;
    }

    /** The scalar twin's algorithms (Cody-Waite exp with Cephes' polynomials) on vectors, operation for operation. */
    static final class Polynomial {
        private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
        private static final FloatVector TWO = FloatVector.broadcast(S, 2f);
        private static final FloatVector LO = FloatVector.broadcast(S, -104f);
        private static final FloatVector HI = FloatVector.broadcast(S, 89f);
        private static final FloatVector LOG2E = FloatVector.broadcast(S, 1.44269504088896341f);
        private static final FloatVector ROUND = FloatVector.broadcast(S, 12582912f);
        private static final FloatVector NEG_LN2_HI = FloatVector.broadcast(S, -0.693359375f);
        private static final FloatVector NEG_LN2_LO = FloatVector.broadcast(S, 2.12194440e-4f);
        private static final FloatVector E5 = FloatVector.broadcast(S, 1.9875691500e-4f);
        private static final FloatVector E4 = FloatVector.broadcast(S, 1.3981999507e-3f);
        private static final FloatVector E3 = FloatVector.broadcast(S, 8.3334519073e-3f);
        private static final FloatVector E2 = FloatVector.broadcast(S, 4.1665795894e-2f);
        private static final FloatVector E1 = FloatVector.broadcast(S, 1.6666665459e-1f);
        private static final FloatVector E0 = FloatVector.broadcast(S, 5.0000001201e-1f);
        private static final FloatVector SMALL = FloatVector.broadcast(S, 0.625f);
        private static final FloatVector T4 = FloatVector.broadcast(S, -5.70498872745e-3f);
        private static final FloatVector T3 = FloatVector.broadcast(S, 2.06390887954e-2f);
        private static final FloatVector T2 = FloatVector.broadcast(S, -5.37397155531e-2f);
        private static final FloatVector T1 = FloatVector.broadcast(S, 1.33314422036e-1f);
        private static final FloatVector T0 = FloatVector.broadcast(S, -3.33332819422e-1f);

        private Polynomial() {}

        static FloatVector exp(FloatVector x) {
            x = x.max(LO).min(HI);
            FloatVector t = x.fma(LOG2E, ROUND);
            FloatVector n = t.sub(ROUND);
            FloatVector r = n.fma(NEG_LN2_HI, x);
            r = n.fma(NEG_LN2_LO, r);
            FloatVector p = r.fma(E5, E4);
            p = p.fma(r, E3);
            p = p.fma(r, E2);
            p = p.fma(r, E1);
            p = p.fma(r, E0);
            FloatVector y = p.fma(r.mul(r), r).add(ONE);
            IntVector ni = t.reinterpretAsInts().sub(0x4B400000);
            IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
            IntVector n2 = ni.sub(n1);
            FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            return y.mul(s1).mul(s2);
        }

        static FloatVector sigmoid(FloatVector x) {
            return ONE.div(exp(x.neg()).add(ONE));
        }

        static FloatVector tanh(FloatVector x) {
            FloatVector a = x.abs();
            FloatVector z = a.mul(a);
            FloatVector p = z.fma(T4, T3);
            p = p.fma(z, T2);
            p = p.fma(z, T1);
            p = p.fma(z, T0);
            FloatVector small = p.mul(z).fma(a, a);
            FloatVector large = ONE.sub(TWO.div(exp(a.add(a)).add(ONE)));
            FloatVector t = large.blend(small, a.compare(VectorOperators.LT, SMALL));
            IntVector sign = x.reinterpretAsInts().and(0x80000000);
            return t.reinterpretAsInts().or(sign).reinterpretAsFloats();
        }
    }
}
