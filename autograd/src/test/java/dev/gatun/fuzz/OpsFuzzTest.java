package dev.gatun.fuzz;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes every {@link Ops} operation on a {@link Tape}: random shapes (often mismatched), nulls, NaN/Inf values,
 * nodes from another tape or an earlier step, a closed tape, closed input tensors; then backward through whatever
 * was built. Each call must succeed or throw a documented exception (IllegalArgumentException,
 * IllegalStateException; IndexOutOfBoundsException for embedding and crossEntropy indices). Element-wise, matmul and
 * softmax results with matching shapes are checked against a double reference.
 */
class OpsFuzzTest {

    static Fuzzer fuzz(long seed, int iterations) {
        Fuzzer f = new Fuzzer(seed);
        f.run("ops", iterations, OpsFuzzTest::graph);
        f.run("reference", iterations / 2, OpsFuzzTest::reference);
        return f;
    }

    @Test
    void defaultRun() {
        fuzz(Fuzzer.seed(), 300).assertClean("autograd ops (default)");
    }

    @Test
    @Tag("long")
    void longRun() {
        Fuzzer f = fuzz(Fuzzer.seed() + 1, 9000);
        f.assertClean("autograd ops (long)");
        if (f.calls() < 100_000) {
            throw new AssertionError("only " + f.calls() + " calls");
        }
    }

    private static Var random(Fuzzer f, Tape tape, Arena arena) {
        int rank = f.between(1, 3);
        int[] shape = new int[rank];
        int n = 1;
        for (int d = 0; d < rank; d++) {
            shape[d] = f.between(1, 4);
            n *= shape[d];
        }
        Tensor t = Tensor.of(arena, f.values(n, f.chance(6)), shape);
        return f.random().nextBoolean() ? tape.leaf(t) : tape.input(t);
    }

    /** A random graph: ~12 random operations over a pool of values, then backward. */
    static void graph(Fuzzer f) {
        Arena arena = f.arena();
        Tape other = new Tape();
        Var foreign = other.leaf(Tensor.allocate(arena, 2, 2));
        try (Tape tape = new Tape()) {
            List<Var> pool = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                pool.add(random(f, tape, arena));
            }
            Rng rng = new Rng(f.random().nextLong());
            for (int k = 0; k < 12; k++) {
                Var a = pick(f, pool, foreign);
                Var b = pick(f, pool, foreign);
                Var c = pick(f, pool, foreign);
                int op = f.random().nextInt(26);
                int axis = f.between(-3, 3);
                int i0 = f.between(-1, 4);
                int i1 = f.between(-1, 5);
                float s = f.value(true);
                Tape tp = f.chance(40) ? null : tape;
                Var[] result = new Var[1];
                Fuzzer.ThrowingRunnable call = () -> result[0] = switch (op) {
                    case 0 -> Ops.add(tp, a, b);
                    case 1 -> Ops.sub(tp, a, b);
                    case 2 -> Ops.mul(tp, a, b);
                    case 3 -> Ops.mulScalar(tp, a, s);
                    case 4 -> Ops.addScalar(tp, a, s);
                    case 5 -> Ops.sigmoid(tp, a);
                    case 6 -> Ops.tanh(tp, a);
                    case 7 -> Ops.relu(tp, a);
                    case 8 -> Ops.exp(tp, a);
                    case 9 -> Ops.matmul(tp, a, b);
                    case 10 -> Ops.linear(tp, a, b, f.chance(2) ? null : c);
                    case 11 -> Ops.causalConv1d(tp, a, b, f.chance(2) ? null : c, i0);
                    case 12 -> f.chance(2) ? Ops.softmax(tp, a) : Ops.softmax(tp, a, s);
                    case 13 -> f.chance(2) ? Ops.logSoftmax(tp, a) : Ops.logSoftmax(tp, a, s);
                    case 14 -> Ops.concat(tp, axis, a, b);
                    case 15 -> Ops.concat(tp, axis, new Var[] {a, b, c}, f.between(-1, 4));
                    case 16 -> Ops.slice(tp, a, axis, i0, i1);
                    case 17 -> Ops.reshape(tp, a, f.chance(8) ? null : shape(f));
                    case 18 -> Ops.detach(tp, a);
                    case 19 -> f.chance(2) ? Ops.embedding(tp, a, ints(f)) : Ops.embedding(tp, a, ints(f), i0, i1);
                    case 20 -> Ops.lastSteps(tp, a, ints(f));
                    case 21 -> Ops.dropout(tp, a, f.chance(3) ? s : 0.25f, f.chance(8) ? null : rng);
                    case 22 -> f.chance(2) ? Ops.sum(tp, a) : Ops.mean(tp, a);
                    case 23 -> Ops.mse(tp, a, b);
                    case 24 -> f.chance(2) ? Ops.crossEntropy(tp, a, ints(f))
                            : Ops.crossEntropy(tp, a, ints(f), f.between(-1, 2));
                    default -> {
                        if (f.chance(3)) {
                            tape.reset(); // everything in the pool becomes stale
                        }
                        yield null;
                    }
                };
                boolean indices = op == 19 || op == 24;
                if (indices) {
                    f.index("op " + op, call);
                } else {
                    f.invalid("op " + op, call);
                }
                if (result[0] != null) {
                    pool.add(result[0]);
                }
            }
            Var last = pool.get(pool.size() - 1);
            f.invalid("backward", () -> {
                if (last.requiresGrad()) {
                    tape.backward(last.size() == 1 ? last : Ops.sum(tape, last));
                } else {
                    tape.backward(last);
                }
            });
            if (f.chance(10)) {
                tape.close();
                f.invalid("op on a closed tape", () -> {
                    Ops.add(tape, last, last);
                    throw new AssertionError("no exception");
                });
            }
        } finally {
            other.close();
        }
        f.invalid("foreign after close", () -> Ops.sum(other, foreign));
    }

    private static Var pick(Fuzzer f, List<Var> pool, Var foreign) {
        if (f.chance(30)) {
            return null;
        }
        if (f.chance(40)) {
            return foreign;
        }
        return pool.get(f.random().nextInt(pool.size()));
    }

    private static int[] shape(Fuzzer f) {
        int[] s = new int[f.between(0, 3)];
        for (int i = 0; i < s.length; i++) {
            s[i] = f.chance(10) ? -1 : f.between(0, 6);
        }
        return s;
    }

    private static int[] ints(Fuzzer f) {
        if (f.chance(10)) {
            return null;
        }
        int[] a = new int[f.between(0, 6)];
        for (int i = 0; i < a.length; i++) {
            a[i] = f.chance(8) ? f.badInt() : f.between(0, 3);
        }
        return a;
    }

    /** Shapes that match: results checked against a double reference, then backward must run. */
    static void reference(Fuzzer f) {
        Arena arena = f.arena();
        try (Tape tape = new Tape()) {
            int m = f.between(1, 5);
            int k = f.between(1, 5);
            int n = f.between(1, 5);
            float[] av = f.values(m * k, false);
            float[] bv = f.values(m * k, false);
            float[] wv = f.values(k * n, false);
            Var a = tape.leaf(Tensor.of(arena, av, m, k));
            Var b = tape.leaf(Tensor.of(arena, bv, m, k));
            Var w = tape.leaf(Tensor.of(arena, wv, k, n));
            int op = f.random().nextInt(5);
            Var[] y = new Var[1];
            f.valid("reference op " + op, () -> y[0] = switch (op) {
                case 0 -> Ops.add(tape, a, b);
                case 1 -> Ops.mul(tape, a, b);
                case 2 -> Ops.matmul(tape, a, w);
                case 3 -> Ops.softmax(tape, a);
                default -> Ops.tanh(tape, a);
            }, () -> {
                int cols = op == 2 ? n : k;
                double[] ref = new double[m * cols];
                for (int i = 0; i < m; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    double sum = 0;
                    for (int j = 0; j < k; j++) {
                        max = Math.max(max, av[i * k + j]);
                    }
                    for (int j = 0; j < k; j++) {
                        sum += Math.exp(av[i * k + j] - max);
                    }
                    for (int j = 0; j < cols; j++) {
                        int at = i * cols + j;
                        ref[at] = switch (op) {
                            case 0 -> (double) av[at] + bv[at];
                            case 1 -> (double) av[at] * bv[at];
                            case 2 -> {
                                double d = 0;
                                for (int p = 0; p < k; p++) {
                                    d += (double) av[i * k + p] * wv[p * n + j];
                                }
                                yield d;
                            }
                            case 3 -> Math.exp(av[at] - max) / sum;
                            default -> Math.tanh(av[at]);
                        };
                    }
                }
                Fuzzer.close("y", ref, null, y[0].value().toArray(), 1e-5);
            });
            f.valid("reference backward " + op, () -> tape.backward(Ops.sum(tape, y[0])), () -> {
                if (a.grad() == null) {
                    throw new AssertionError("no gradient for a");
                }
            });
        }
    }
}
