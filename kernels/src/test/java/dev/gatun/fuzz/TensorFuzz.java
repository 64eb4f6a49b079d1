package dev.gatun.fuzz;

import dev.gatun.kernels.activation.Activations;
import dev.gatun.tensor.ScratchArena;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Fuzzes {@link Tensor}, {@link ScratchArena} and the in-place {@link Activations}: random shapes (negative, empty,
 * overflowing), indices, views, copies with wrong lengths, closed arenas, and NaN/Inf values. Valid results are
 * checked against a row-major model array or the scalar activation functions.
 */
final class TensorFuzz {
    private TensorFuzz() {}

    private static int[] shape(Fuzzer f, boolean bad) {
        int rank = f.between(0, 4);
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = f.between(0, 5);
        }
        if (bad && rank > 0) {
            // Negative, or so large that the byte count overflows a long. (A shape that fits a long but not the
            // machine is a real allocation and fails with OutOfMemoryError like any Java allocation: not fuzzed.)
            if (f.chance(2) || rank < 3) {
                s[f.random().nextInt(rank)] = -f.between(1, 3);
            } else {
                java.util.Arrays.fill(s, Integer.MAX_VALUE);
            }
        }
        return s;
    }

    static void fuzzTensor(Fuzzer f) {
        Arena arena = f.arena();
        if (f.chance(4)) {
            int[] bad = f.chance(5) ? null : shape(f, true);
            f.invalid("Tensor.allocate(bad shape)", () -> Tensor.allocate(f.chance(6) ? null : arena, bad));
            f.invalid("Tensor.wrap(bad)", () -> Tensor.wrap(f.chance(3) ? null : f.buffer(8, false),
                    f.chance(2) ? f.badOffset() : 0, f.chance(2) ? new int[] {3, 3} : bad));
            return;
        }
        int rows = f.between(0, 6);
        int cols = f.between(0, 6);
        float[] model = f.values(rows * cols, true);
        Tensor t = Tensor.of(arena, model, rows, cols);
        f.valid("Tensor.of/toArray", t::toArray, () -> assertEquals(model, t.toArray()));
        // Transposed view, then copied out.
        Tensor tt = t.transpose(0, 1);
        f.valid("transpose.toArray", tt::toArray, () -> {
            float[] want = new float[model.length];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    want[j * rows + i] = model[i * cols + j];
                }
            }
            assertEquals(want, tt.toArray());
        });
        // Random element access, in or out of range, with the right or wrong rank.
        int i = f.between(-1, rows);
        int j = f.between(-1, cols);
        boolean inRange = i >= 0 && i < rows && j >= 0 && j < cols;
        f.call("get(" + i + ", " + j + ")", inRange, () -> {
            if (inRange) {
                t.get(i, j);
            } else {
                try {
                    t.get(i, j);
                } catch (IndexOutOfBoundsException documented) {
                    return;
                }
                throw new AssertionError("get out of range did not throw");
            }
        }, () -> {
            if (Float.floatToIntBits(t.get(i, j)) != Float.floatToIntBits(model[i * cols + j])) {
                throw new AssertionError("get mismatch");
            }
        });
        f.index("get(i) on rank 2", () -> t.get(i));
        f.index("set(i, j, k) on rank 2", () -> t.set(i, j, 0, 1f));
        int d = f.between(-3, 2);
        int a = f.between(-1, 7);
        int b = f.between(-1, 7);
        f.index("slice(" + d + ", " + a + ", " + b + ")", () -> t.slice(d, a, b).toArray());
        f.index("select(" + d + ", " + a + ")", () -> t.select(d, a).toArray());
        f.index("transpose(" + d + ", " + a + ")", () -> t.transpose(d, a));
        int[] vs = shape(f, f.chance(2));
        f.invalid("view(" + java.util.Arrays.toString(vs) + ")", () -> t.view(vs));
        f.invalid("tt.view", () -> tt.view(rows * cols));
        f.invalid("copyFrom(wrong length)", () -> t.copyFrom(new float[f.between(0, 40)]));
        f.invalid("copyFrom(null)", () -> t.copyFrom((float[]) null));
        f.invalid("copyFrom(null tensor)", () -> t.copyFrom((Tensor) null));
        f.invalid("copyTo(wrong length)", () -> t.copyTo(new float[f.between(0, 40)]));
        f.index("dim(" + d + ")", () -> t.dim(d));
        f.index("stride(" + a + ")", () -> t.stride(a));
        float fillValue = f.value(true);
        f.valid("fill(" + fillValue + ")", () -> tt.fill(fillValue), () -> {
            for (float v : t.toArray()) {
                if (Float.floatToIntBits(v) != Float.floatToIntBits(fillValue)) {
                    throw new AssertionError("fill left " + v);
                }
            }
        });
        Tensor other = Tensor.allocate(arena, cols, rows);
        f.valid("copyFrom(transposed)", () -> other.copyFrom(tt), null);
        // After the arena closes, every use throws IllegalStateException.
        Arena owner = Arena.ofConfined();
        Tensor dead = Tensor.allocate(owner, rows, cols);
        Tensor deadView = dead.transpose(0, 1);
        owner.close();
        f.valid("toString after close", dead::toString, null);
        for (int k = 0; k < 6; k++) {
            int op = k;
            mustThrowIllegalState(f, "closed tensor op " + op, () -> {
                switch (op) {
                    case 0 -> dead.toArray();
                    case 1 -> dead.fill(1f);
                    case 2 -> dead.copyFrom(model);
                    case 3 -> deadView.copyTo(new float[rows * cols]);
                    case 4 -> other.copyFrom(deadView);
                    default -> dead.checkAlive("op");
                }
            }, rows * cols > 0 || op == 5 || op == 2 || op == 4);
        }
    }

    /** A call that must throw IllegalStateException when {@code must} (an empty tensor may be a no-op). */
    private static void mustThrowIllegalState(Fuzzer f, String what, Fuzzer.ThrowingRunnable r, boolean must) {
        f.invalid(what, () -> {
            try {
                r.run();
            } catch (IllegalStateException expected) {
                return;
            }
            if (must) {
                throw new AssertionError(what + " did not throw IllegalStateException");
            }
        });
    }

    static void fuzzScratch(Fuzzer f) {
        try (ScratchArena s = new ScratchArena(f.between(0, 512))) {
            int n = f.between(1, 6);
            Tensor[] ts = new Tensor[n];
            for (int k = 0; k < n; k++) {
                int[] shape = shape(f, false);
                int kk = k;
                f.valid("ScratchArena.tensor", () -> ts[kk] = s.tensor(shape), () -> {
                    for (float v : ts[kk].toArray()) {
                        if (v != 0f) {
                            throw new AssertionError("scratch tensor not zeroed");
                        }
                    }
                    ts[kk].fill(kk + 1);
                });
            }
            for (int k = 0; k < n; k++) {
                if (ts[k] == null) {
                    continue;
                }
                for (float v : ts[k].toArray()) {
                    if (v != k + 1) {
                        throw new AssertionError("scratch tensors overlap: tensor " + k + " holds " + v);
                    }
                }
            }
            int[] bad = f.chance(3) ? null : shape(f, true);
            f.invalid("ScratchArena.tensor(bad)", () -> s.tensor(bad));
            long count = f.chance(2) ? -f.between(1, 9) : Long.MAX_VALUE / f.between(1, 3);
            f.invalid("ScratchArena.allocateFloats(" + count + ")", () -> s.allocateFloats(count));
            f.valid("ScratchArena.reset", s::reset, () -> {
                if (s.used() != 0) {
                    throw new AssertionError("used " + s.used() + " after reset");
                }
            });
            f.valid("ScratchArena.tensor after reset", () -> s.tensor(2, 3).fill(1f), null);
            s.close();
            f.valid("ScratchArena.close twice", s::close, null);
            f.invalid("ScratchArena.tensor after close", () -> {
                s.tensor(1);
                throw new AssertionError("no exception after close");
            });
            f.invalid("ScratchArena.reset after close", () -> {
                s.reset();
                throw new AssertionError("no exception after close");
            });
        }
        f.invalid("new ScratchArena(negative)", () -> new ScratchArena(-f.between(1, 100)).close());
    }

    interface InPlace {
        void run(float[] a, int off, int n);
    }

    interface InPlaceSegment {
        void run(MemorySegment s, long off, int n);
    }

    interface Scalar {
        float apply(float x);
    }

    static void fuzzActivations(Fuzzer f) {
        int which = f.random().nextInt(4);
        String name = new String[] {"exp", "sigmoid", "tanh", "relu"}[which];
        InPlace arr = switch (which) {
            case 0 -> Activations::expInPlace;
            case 1 -> Activations::sigmoidInPlace;
            case 2 -> Activations::tanhInPlace;
            default -> Activations::reluInPlace;
        };
        InPlaceSegment seg = switch (which) {
            case 0 -> Activations::expInPlace;
            case 1 -> Activations::sigmoidInPlace;
            case 2 -> Activations::tanhInPlace;
            default -> Activations::reluInPlace;
        };
        Scalar scalar = switch (which) {
            case 0 -> Activations::exp;
            case 1 -> Activations::sigmoid;
            case 2 -> Activations::tanh;
            default -> Activations::relu;
        };
        int len = f.size(100);
        float[] a = f.values(len, true);
        for (int i = 0; i < len; i++) {
            a[i] *= f.chance(4) ? 60 : 4; // reach the saturated and overflowing ranges
        }
        int off = f.between(0, Math.max(0, len));
        int n = f.between(0, len - off);
        float[] before = a.clone();
        MemorySegment s = f.buffer(len, false);
        MemorySegment.copy(a, 0, s, ValueLayout.JAVA_FLOAT, 0, len);
        Fuzzer.ThrowingRunnable check = () -> {
            float[] seg2 = Fuzzer.floats(s);
            for (int i = 0; i < len; i++) {
                float want = i >= off && i < off + n ? scalar.apply(before[i]) : before[i];
                for (float got : new float[] {a[i], seg2[i]}) {
                    boolean ok = Float.isNaN(want) ? Float.isNaN(got)
                            : Float.isInfinite(want) || want == 0f ? got == want
                            : Math.abs(got - want) <= tolerance(which, want);
                    if (!ok) {
                        throw new AssertionError(name + "(" + before[i] + ") = " + got + ", scalar " + want);
                    }
                }
            }
        };
        f.valid(name + "InPlace(off=" + off + ", n=" + n + ")", () -> {
            arr.run(a, off, n);
            seg.run(s, off, n);
        }, check);
        int badOff = f.chance(2) ? f.badInt() : off;
        int badN = f.chance(2) ? f.badInt() : len + 1;
        f.invalid(name + "InPlace(bad array)", () -> arr.run(f.chance(4) ? null : a, badOff, badN));
        long badSegOff = f.chance(2) ? f.badOffset() : off;
        f.invalid(name + "InPlace(bad segment)", () -> seg.run(f.chance(4) ? f.spoil(s, false) : s, badSegOff,
                badN));
    }

    /**
     * The documented agreement of the vector and scalar activations: exp within 2 ulps of the exact value each
     * (so 4 between them), sigmoid and tanh within 6e-8 absolute each, relu exact.
     */
    private static double tolerance(int which, float want) {
        return switch (which) {
            case 0 -> 4 * Math.ulp(want) + Float.MIN_VALUE;
            case 1, 2 -> 1.2e-7;
            default -> 0;
        };
    }

    static void assertEquals(float[] want, float[] got) {
        if (want.length != got.length) {
            throw new AssertionError("length " + got.length + " != " + want.length);
        }
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                throw new AssertionError("[" + i + "] " + got[i] + " != " + want[i]);
            }
        }
    }
}
