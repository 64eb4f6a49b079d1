package dev.gatun.kernels.sequence;

import static org.junit.jupiter.api.Assertions.*;

import dev.gatun.kernels.CellType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused sequence forward/backward against a double-precision reference of the PyTorch equations, and its
 * gradients against central finite differences of that reference.
 */
class RecurrentStackTest {

    static List<Arguments> configurations() {
        List<Arguments> a = new ArrayList<>();
        long seed = 1;
        for (CellType cell : CellType.values()) {
            a.add(Arguments.of(cell, 3, 5, 1, false, 0, 4, 2, seed++));
            a.add(Arguments.of(cell, 4, 17, 2, true, 0, 3, 3, seed++));
            a.add(Arguments.of(cell, 1, 1, 1, false, 0, 1, 1, seed++));
            a.add(Arguments.of(cell, 6, 3, 2, false, 0, 5, 1, seed++));
            a.add(Arguments.of(cell, 3, 19, 1, true, 0, 3, 5, seed++));   // B >= 4: the packed W_hh step
        }
        a.add(Arguments.of(CellType.LSTM, 5, 6, 2, true, 3, 3, 2, seed++));
        a.add(Arguments.of(CellType.LSTM, 2, 4, 1, false, 1, 4, 1, seed++));
        a.add(Arguments.of(CellType.LSTM, 4, 6, 2, false, 5, 2, 4, seed++));  // packed step with projection
        return a;
    }

    @ParameterizedTest(name = "{0} I={1} H={2} L={3} bidir={4} P={5} T={6} B={7}")
    @MethodSource("configurations")
    void forwardAndGradientsMatchTheReference(CellType cell, int I, int H, int L, boolean bidir, int P, int T, int B,
                                              long seed) {
        StackShape s = new StackShape(cell, I, H, L, bidir, P);
        Random rnd = new Random(seed);
        int D = s.directions();
        int Hr = s.stateSize();
        int n = L * D;
        double[][] wIh = new double[n][];
        double[][] wHh = new double[n][];
        double[][] bIh = new double[n][];
        double[][] bHh = new double[n][];
        double[][] wHr = new double[n][];
        for (int i = 0; i < n; i++) {
            LayerShape ls = s.layer(i / D);
            wIh[i] = rand(rnd, ls.gateRows() * ls.inputSize(), 0.6);
            wHh[i] = rand(rnd, ls.gateRows() * Hr, 0.6);
            bIh[i] = rand(rnd, ls.gateRows(), 0.5);
            bHh[i] = rand(rnd, ls.gateRows(), 0.5);
            wHr[i] = P > 0 ? rand(rnd, P * H, 0.6) : new double[0];
        }
        double[] x = rand(rnd, T * B * I, 1.0);
        double[] h0 = rand(rnd, n * B * Hr, 0.5);
        double[] c0 = rand(rnd, n * B * H, 0.5);
        double[] gy = rand(rnd, T * B * D * Hr, 1.0);
        double[] ghN = rand(rnd, n * B * Hr, 1.0);
        double[] gcN = rand(rnd, n * B * H, 1.0);
        boolean hasC = cell.hasCellState();

        ReferenceRnn ref = new ReferenceRnn(s, wIh, wHh, bIh, bHh, wHr);
        ReferenceRnn.Out expected = ref.forward(T, B, x, h0, hasC ? c0 : null);

        try (Arena arena = Arena.ofConfined(); RecurrentStack stack = new RecurrentStack(s)) {
            LayerWeights[] w = new LayerWeights[n];
            LayerWeights[] g = new LayerWeights[n];
            for (int i = 0; i < n; i++) {
                LayerShape ls = s.layer(i / D);
                w[i] = LayerWeights.allocate(arena, ls);
                w[i].wIh().copyFrom(f(wIh[i]));
                w[i].wHh().copyFrom(f(wHh[i]));
                w[i].bIh().copyFrom(f(bIh[i]));
                w[i].bHh().copyFrom(f(bHh[i]));
                if (P > 0) {
                    w[i].wHr().copyFrom(f(wHr[i]));
                }
                g[i] = LayerWeights.allocate(arena, ls);
            }
            Tensor tx = Tensor.of(arena, f(x), T, B, I);
            Tensor th0 = Tensor.of(arena, f(h0), n, B, Hr);
            Tensor tc0 = Tensor.of(arena, f(c0), n, B, H);
            Tensor ty = Tensor.allocate(arena, T, B, D * Hr);
            Tensor thN = Tensor.allocate(arena, n, B, Hr);
            Tensor tcN = Tensor.allocate(arena, n, B, H);
            MemorySegment c0s = hasC ? tc0.segment() : null;
            MemorySegment cNs = hasC ? tcN.segment() : null;
            stack.forward(T, B, tx.segment(), 0, w, th0.segment(), 0, c0s, 0, ty.segment(), 0,
                    thN.segment(), 0, cNs, 0);
            assertClose("y", expected.y(), ty.toArray(), 2e-5);
            assertClose("hN", expected.hN(), thN.toArray(), 2e-5);
            if (hasC) {
                assertClose("cN", expected.cN(), tcN.toArray(), 2e-5);
            }

            Tensor tgy = Tensor.of(arena, f(gy), T, B, D * Hr);
            Tensor tghN = Tensor.of(arena, f(ghN), n, B, Hr);
            Tensor tgcN = Tensor.of(arena, f(gcN), n, B, H);
            Tensor dx = Tensor.allocate(arena, T, B, I);
            Tensor dh0 = Tensor.allocate(arena, n, B, Hr);
            Tensor dc0 = Tensor.allocate(arena, n, B, H);
            stack.backward(T, B, tx.segment(), 0, w, th0.segment(), 0, c0s, 0, ty.segment(), 0,
                    tgy.segment(), 0, tghN.segment(), 0, hasC ? tgcN.segment() : null, 0,
                    g, dx.segment(), 0, dh0.segment(), 0, hasC ? dc0.segment() : null, 0);

            // loss = sum(y*gy) + sum(hN*ghN) + sum(cN*gcN), differentiated numerically in double.
            Function<ReferenceRnn.Out, Double> loss = o -> dot(o.y(), gy) + dot(o.hN(), ghN)
                    + (hasC ? dot(o.cN(), gcN) : 0);
            assertClose("dx", fd(x, () -> loss.apply(ref.forward(T, B, x, h0, hasC ? c0 : null))), dx.toArray(), 2e-4);
            assertClose("dh0", fd(h0, () -> loss.apply(ref.forward(T, B, x, h0, hasC ? c0 : null))), dh0.toArray(),
                    2e-4);
            if (hasC) {
                assertClose("dc0", fd(c0, () -> loss.apply(ref.forward(T, B, x, h0, c0))), dc0.toArray(), 2e-4);
            }
            for (int i = 0; i < n; i++) {
                java.util.function.Supplier<Double> l = () -> loss.apply(ref.forward(T, B, x, h0, hasC ? c0 : null));
                assertClose("dW_ih[" + i + "]", fd(wIh[i], l), g[i].wIh().toArray(), 2e-4);
                assertClose("dW_hh[" + i + "]", fd(wHh[i], l), g[i].wHh().toArray(), 2e-4);
                assertClose("db_ih[" + i + "]", fd(bIh[i], l), g[i].bIh().toArray(), 2e-4);
                assertClose("db_hh[" + i + "]", fd(bHh[i], l), g[i].bHh().toArray(), 2e-4);
                if (P > 0) {
                    assertClose("dW_hr[" + i + "]", fd(wHr[i], l), g[i].wHr().toArray(), 2e-4);
                }
            }

            // A second forward/backward on the same workspace gives the same results (state is not leaking).
            g[0].zero();
            stack.forward(T, B, tx.segment(), 0, w, th0.segment(), 0, c0s, 0, ty.segment(), 0,
                    thN.segment(), 0, cNs, 0);
            assertClose("y (again)", expected.y(), ty.toArray(), 2e-5);
        }
    }

    /** Central differences of {@code loss} with respect to every element of {@code p} (perturbed in place). */
    static double[] fd(double[] p, java.util.function.Supplier<Double> loss) {
        double[] grad = new double[p.length];
        double eps = 1e-6;
        for (int k = 0; k < p.length; k++) {
            double keep = p[k];
            p[k] = keep + eps;
            double up = loss.get();
            p[k] = keep - eps;
            double down = loss.get();
            p[k] = keep;
            grad[k] = (up - down) / (2 * eps);
        }
        return grad;
    }

    static void assertClose(String what, double[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            if (err > tol * Math.max(1, scale) && err > tol * 10 * Math.abs(expected[i])) {
                fail(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i] + " (|err| " + err + ")");
            }
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[] rand(Random r, int n, double scale) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);   // representable in float: same values both sides
        }
        return a;
    }

    static float[] f(double[] a) {
        float[] o = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = (float) a[i];
        }
        return o;
    }
}
