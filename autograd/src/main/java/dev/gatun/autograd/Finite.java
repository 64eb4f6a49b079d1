package dev.gatun.autograd;

import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The NaN/Inf scans of {@link Tape#checkFinite(boolean)}: cold code, run only when the checks are on. */
final class Finite {
    private Finite() {}

    /** Throws {@link ArithmeticException} {@code prefix + "NaN at index i" + suffix} at the first non-finite value. */
    static void check(String prefix, Tensor t, String suffix) {
        if (t == null || !t.isAlive()) {
            return;
        }
        MemorySegment s = t.segment();
        long n = t.size();
        long base = t.offset();
        // Tape values and gradients are contiguous; views are checked element by element through toArray.
        if (!t.isContiguous()) {
            float[] a = t.toArray();
            for (int i = 0; i < a.length; i++) {
                if (!Float.isFinite(a[i])) {
                    throw failure(prefix, a[i], i, t, suffix);
                }
            }
            return;
        }
        for (long i = 0; i < n; i++) {
            float v = s.getAtIndex(ValueLayout.JAVA_FLOAT, base + i);
            if (!Float.isFinite(v)) {
                throw failure(prefix, v, i, t, suffix);
            }
        }
    }

    /** After {@code n}'s backward ran: the gradients it added into its inputs. */
    static void checkGradients(Var n) {
        String op = n.op == null ? "an operation" : n.op;
        input(op, "first input", n.a);
        input(op, "second input", n.b);
        input(op, "third input", n.c);
        for (int i = 0; i < n.listSize; i++) {
            input(op, "input " + i, n.list[i]);
        }
    }

    private static void input(String op, String which, Var v) {
        if (v != null && v.requiresGrad && v.gradLive) {
            check("backward of " + op + " produced ", v.grad, " in the gradient of its " + which + " " + v);
        }
    }

    private static ArithmeticException failure(String prefix, float v, long i, Tensor t, String suffix) {
        String what = Float.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
        return new ArithmeticException(prefix + what + " at index " + i + suffix + " " + t.shapeString());
    }
}
