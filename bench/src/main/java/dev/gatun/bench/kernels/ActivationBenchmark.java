package dev.gatun.bench.kernels;

import dev.gatun.kernels.PanamaSpecies;
import dev.gatun.kernels.Vectorization;
import dev.gatun.kernels.activation.Activations;
import dev.gatun.kernels.activation.PanamaActivations;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
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
 * exp, sigmoid and tanh over {@code size} floats (src copied to dst, then in place; both in L1): the scalar twin
 * ({@code ...Scalar}), Gatun's vector loops ({@code ...Vector}, {@code PanamaActivations}' in-place loops, what the
 * kernels run: the scalar algorithm lane by lane, the same bits), and the Vector API's {@code lanewise(EXP)} /
 * {@code lanewise(TANH)} ({@code ...Svml}: SVML calls once C2 has compiled them, {@code Math} per lane before, so
 * their bits depend on JIT state; kept here as the measured and rejected alternative). Score: ns per call of
 * {@code size} floats. Inputs ~ N(0, 3), like gate pre-activations. Run with {@code -prof gc}: a vector variant that
 * allocates has hit C2's inlining limits.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ActivationBenchmark {
    private static final VectorSpecies<Float> S = PanamaSpecies.FLOAT;
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

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
        // Scalar and Vector must give the scalar twin's bits; the SVML variants must agree within 4 ulps.
        String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        for (int i = 0; i < size; i++) {
            float x = src[i];
            float want = name.startsWith("exp") ? Activations.exp(x)
                    : name.startsWith("sigmoid") ? Activations.sigmoid(x) : Activations.tanh(x);
            boolean ok = name.endsWith("Svml")
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
        System.arraycopy(src, 0, dst, 0, size);
        PanamaActivations.exp(dst, 0, size);
        return dst;
    }

    @Benchmark
    public float[] expSvml() {
        int i = 0;
        for (int bound = S.loopBound(size); i < bound; i += S.length()) {
            FloatVector.fromArray(S, src, i).lanewise(VectorOperators.EXP).intoArray(dst, i);
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
        System.arraycopy(src, 0, dst, 0, size);
        PanamaActivations.sigmoid(dst, 0, size);
        return dst;
    }

    @Benchmark
    public float[] sigmoidSvml() {
        int i = 0;
        for (int bound = S.loopBound(size); i < bound; i += S.length()) {
            ONE.div(FloatVector.fromArray(S, src, i).neg().lanewise(VectorOperators.EXP).add(ONE)).intoArray(dst, i);
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
        System.arraycopy(src, 0, dst, 0, size);
        PanamaActivations.tanh(dst, 0, size);
        return dst;
    }

    @Benchmark
    public float[] tanhSvml() {
        int i = 0;
        for (int bound = S.loopBound(size); i < bound; i += S.length()) {
            FloatVector.fromArray(S, src, i).lanewise(VectorOperators.TANH).intoArray(dst, i);
        }
        for (; i < size; i++) {
            dst[i] = Activations.tanh(src[i]);
        }
        return dst;
    }
}
