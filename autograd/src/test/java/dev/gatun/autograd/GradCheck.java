package dev.gatun.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The one gradient check every operation goes through (teenygrad's helper, with a double-precision reference in
 * place of torch): run the operation in float on the tape, compare its output with a double-precision
 * re-implementation, backpropagate a random weighting {@code L = sum(w * out)}, and compare each input gradient
 * with central differences of the double reference ({@code eps = 1e-6}).
 */
final class GradCheck {
    /** A library computation over the input nodes. */
    interface Library {
        Var apply(Tape tape, Var[] in);
    }

    /** The same computation in double precision. */
    interface Reference {
        double[] apply(double[][] in);
    }

    /** One input: shape, data, and whether it is differentiated. */
    record Input(int[] shape, double[] data, boolean grad) {}

    private final List<Input> inputs = new ArrayList<>();
    private final Random random;
    private double forwardTol = 2e-5;
    private double gradAbs = 2e-4;
    private double gradRel = 2e-3;

    GradCheck(long seed) {
        this.random = new Random(seed);
    }

    /** A differentiated input with elements uniform in [-1, 1]. */
    GradCheck input(int... shape) {
        return input(true, 1.0, 0.0, shape);
    }

    /** An input with elements uniform in {@code [-scale, scale]}, at least {@code gap} away from 0. */
    GradCheck input(boolean grad, double scale, double gap, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] data = new double[n];
        for (int i = 0; i < n; i++) {
            double v;
            do {
                v = scale * (2 * random.nextDouble() - 1);
            } while (Math.abs(v) < gap);
            data[i] = (float) v;   // the reference sees exactly the float inputs
        }
        inputs.add(new Input(shape.clone(), data, grad));
        return this;
    }

    /** An input with the given data (rounded to float). */
    GradCheck input(boolean grad, double[] data, int... shape) {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) data[i];
        }
        inputs.add(new Input(shape.clone(), d, grad));
        return this;
    }

    GradCheck tolerance(double forward, double gradAbsolute, double gradRelative) {
        this.forwardTol = forward;
        this.gradAbs = gradAbsolute;
        this.gradRel = gradRelative;
        return this;
    }

    /** Runs the check; returns the largest gradient difference seen (llm.c's maxdiff). */
    double check(String name, Library library, Reference reference) {
        double[][] data = new double[inputs.size()][];
        for (int i = 0; i < data.length; i++) {
            data[i] = inputs.get(i).data();
        }
        double[] expected = reference.apply(copy(data));
        double[] weights = new double[expected.length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (2 * random.nextDouble() - 1);
        }
        double maxDiff = 0;
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape()) {
            Var[] vars = new Var[inputs.size()];
            for (int i = 0; i < vars.length; i++) {
                Input in = inputs.get(i);
                Tensor t = Tensor.of(arena, toFloat(in.data()), in.shape());
                vars[i] = in.grad() ? tape.leaf(t) : tape.input(t);
            }
            Var out = library.apply(tape, vars);
            float[] actual = out.value().toArray();
            assertEquals(expected.length, actual.length, name + ": output size");
            for (int i = 0; i < actual.length; i++) {
                double tol = forwardTol * (1 + Math.abs(expected[i]));
                if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
                    fail(name + ": output[" + i + "] = " + actual[i] + ", reference " + expected[i]);
                }
            }
            Tensor w = Tensor.of(arena, toFloat(weights), out.value().shape());
            tape.backward(out, w);
            for (int k = 0; k < vars.length; k++) {
                if (!inputs.get(k).grad()) {
                    continue;
                }
                Tensor g = vars[k].grad();
                assertNotNull(g, name + ": input " + k + " got no gradient");
                float[] analytic = g.toArray();
                double[] numeric = numericGradient(reference, data, k, weights);
                for (int i = 0; i < numeric.length; i++) {
                    double diff = Math.abs(analytic[i] - numeric[i]);
                    maxDiff = Math.max(maxDiff, diff);
                    if (!(diff <= gradAbs + gradRel * Math.abs(numeric[i]))) {
                        fail(name + ": d/d input" + k + "[" + i + "] = " + analytic[i] + ", finite differences "
                                + numeric[i] + " (diff " + diff + ")");
                    }
                }
            }
        }
        return maxDiff;
    }

    private static double[] numericGradient(Reference ref, double[][] data, int k, double[] w) {
        double eps = 1e-6;
        double[] g = new double[data[k].length];
        for (int i = 0; i < g.length; i++) {
            double[][] plus = copy(data);
            double[][] minus = copy(data);
            plus[k][i] += eps;
            minus[k][i] -= eps;
            g[i] = (dot(ref.apply(plus), w) - dot(ref.apply(minus), w)) / (2 * eps);
        }
        return g;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[][] copy(double[][] d) {
        double[][] c = new double[d.length][];
        for (int i = 0; i < d.length; i++) {
            c[i] = d[i].clone();
        }
        return c;
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
