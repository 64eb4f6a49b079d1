package dev.gatun.autograd.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** SGD and Adam against double-precision transcriptions of PyTorch's update rules, over several steps. */
class OptimizerTest {
    private static final int N = 37;
    private static final int STEPS = 6;

    @ParameterizedTest(name = "momentum={0} wd={1} nesterov={2}")
    @CsvSource({"0, 0, false", "0.9, 0, false", "0.9, 0.01, false", "0.5, 0.1, true", "0, 0.05, false"})
    void sgdFollowsPyTorch(float momentum, float wd, boolean nesterov) {
        float lr = 0.1f;
        Rng rng = new Rng(3);
        try (Arena arena = Arena.ofConfined()) {
            Parameter p = Parameter.allocate(arena, "w", N);
            double[] w = fill(p.value(), rng);
            double[] buf = new double[N];
            try (Sgd opt = new Sgd(List.of(p), lr, momentum, wd, nesterov)) {
                for (int s = 0; s < STEPS; s++) {
                    double[] g = fill(p.grad(), rng);
                    opt.step();
                    for (int i = 0; i < N; i++) {
                        double d = g[i] + wd * w[i];
                        if (momentum != 0) {
                            buf[i] = s == 0 ? d : momentum * buf[i] + d;
                            d = nesterov ? d + momentum * buf[i] : buf[i];
                        }
                        w[i] -= lr * d;
                    }
                    assertClose(w, p.value(), 1e-5, "sgd step " + s);
                }
            }
        }
    }

    @ParameterizedTest(name = "wd={0} decoupled={1}")
    @CsvSource({"0, false", "0.1, false", "0.1, true"})
    void adamFollowsPyTorch(float wd, boolean decoupled) {
        float lr = 0.01f;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        Rng rng = new Rng(4);
        try (Arena arena = Arena.ofConfined()) {
            Parameter p = Parameter.allocate(arena, "w", N);
            double[] w = fill(p.value(), rng);
            double[] m = new double[N];
            double[] v = new double[N];
            try (Adam opt = new Adam(List.of(p), lr, 0.9f, 0.999f, 1e-8f, wd, decoupled)) {
                for (int s = 1; s <= STEPS; s++) {
                    double[] g = fill(p.grad(), rng);
                    opt.step();
                    for (int i = 0; i < N; i++) {
                        if (decoupled) {
                            w[i] *= 1 - lr * wd;
                        } else {
                            g[i] += wd * w[i];
                        }
                        m[i] = b1 * m[i] + (1 - b1) * g[i];
                        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                        double mHat = m[i] / (1 - Math.pow(b1, s));
                        double vHat = v[i] / (1 - Math.pow(b2, s));
                        w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
                    }
                    assertClose(w, p.value(), 2e-5, "adam step " + s);
                }
            }
        }
    }

    @Test
    void frozenParametersAreNotUpdated() {
        try (Arena arena = Arena.ofConfined()) {
            Parameter p = Parameter.allocate(arena, "w", 3);
            p.value().copyFrom(new float[] {1, 2, 3});
            p.grad().copyFrom(new float[] {1, 1, 1});
            p.setRequiresGrad(false);
            try (Adam opt = new Adam(List.of(p), 0.1f)) {
                opt.step();
            }
            assertEquals(2f, p.value().get(1));
        }
    }

    @Test
    void badSettingsAreRejected() {
        try (Arena arena = Arena.ofConfined()) {
            List<Parameter> ps = List.of(Parameter.allocate(arena, "w", 1));
            assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, -1f));
            assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0.1f, 1f, 0f, false));
            assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0.1f, 0f, 0f, true));
            assertThrows(IllegalArgumentException.class, () -> new Adam(ps, 0.1f, 1f, 0.9f, 1e-8f, 0f, false));
            assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(), 0.1f));
        }
    }

    @Test
    void clippingScalesTheGlobalNormDownAndLeavesSmallGradientsAlone() {
        try (Arena arena = Arena.ofConfined()) {
            Parameter a = Parameter.allocate(arena, "a", 2);
            Parameter b = Parameter.allocate(arena, "b", 1);
            a.grad().copyFrom(new float[] {3f, 0f});
            b.grad().copyFrom(new float[] {4f});
            List<Parameter> ps = List.of(a, b);
            assertEquals(5.0, GradClip.clipGlobalNorm(ps, 10.0), 1e-12);
            assertEquals(3f, a.grad().get(0));
            assertEquals(5.0, GradClip.clipGlobalNorm(ps, 1.0), 1e-12);
            assertEquals(0.6f, a.grad().get(0), 1e-6f);
            assertEquals(0.8f, b.grad().get(0), 1e-6f);
            assertEquals(1.0, GradClip.globalNorm(ps), 1e-6);
        }
    }

    @Test
    void adamFitsALinearRegression() {
        // y = x . (1, -2, 3) + 0.5, learned from 64 samples by a Linear-like parameter pair.
        Rng rng = new Rng(11);
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape()) {
            Parameter w = Parameter.allocate(arena, "weight", 1, 3);
            Parameter b = Parameter.allocate(arena, "bias", 1);
            float[] xs = new float[64 * 3];
            float[] ys = new float[64];
            for (int i = 0; i < 64; i++) {
                float s = 0.5f;
                for (int j = 0; j < 3; j++) {
                    xs[i * 3 + j] = (float) rng.uniform(-1, 1);
                    s += xs[i * 3 + j] * new float[] {1, -2, 3}[j];
                }
                ys[i] = s;
            }
            Tensor x = Tensor.of(arena, xs, 64, 3);
            Tensor y = Tensor.of(arena, ys, 64, 1);
            float loss = Float.NaN;
            try (Adam opt = new Adam(List.of(w, b), 0.05f)) {
                for (int step = 0; step < 500; step++) {
                    tape.reset();
                    opt.zeroGrad();
                    Var l = Ops.mse(tape, Ops.linear(tape, tape.input(x), w, b), tape.input(y));
                    tape.backward(l);
                    GradClip.clipGlobalNorm(opt.parameters(), 5.0);
                    opt.step();
                    loss = l.value().get(0);
                }
            }
            assertTrue(loss < 1e-4, "final loss " + loss);
            assertEquals(-2f, w.value().get(0, 1), 1e-2f);
            assertEquals(0.5f, b.value().get(0), 1e-2f);
        }
    }

    private static double[] fill(Tensor t, Rng rng) {
        float[] f = new float[(int) t.size()];
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) rng.uniform(-2, 2);
            d[i] = f[i];
        }
        t.copyFrom(f);
        return d;
    }

    private static void assertClose(double[] expected, Tensor actual, double tol, String what) {
        float[] a = actual.toArray();
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], tol * (1 + Math.abs(expected[i])), what + " [" + i + "]");
        }
    }
}
