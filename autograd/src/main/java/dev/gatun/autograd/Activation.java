package dev.gatun.autograd;

import dev.gatun.kernels.activation.Activations;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * sigmoid, tanh, relu and exp, element-wise through the kernels' vectorized {@link Activations}. Each backward
 * needs only the output: {@code sigmoid' = y(1-y)}, {@code tanh' = 1-y^2}, {@code relu' = [y > 0]} (0 at 0, as in
 * PyTorch), {@code exp' = y}.
 */
final class Activation {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    static final int SIGMOID = 0;
    static final int TANH = 1;
    static final int RELU = 2;
    static final int EXP = 3;
    private static final String[] NAMES = {"sigmoid", "tanh", "relu", "exp"};

    private Activation() {}

    static Var apply(Tape tape, int kind, Var x) {
        Tensor xv = Checks.value(NAMES[kind], "x", x);
        Var y = tape.node(BACKWARD, x, null, null);
        y.i0 = kind;
        Tensor out = y.valueBuffer.like(xv);
        long n = out.size();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(NAMES[kind] + ": too many elements in " + xv.shapeString());
        }
        MemorySegment ys = out.segment();
        MemorySegment.copy(xv.segment(), xv.offset() * Float.BYTES, ys, 0, n * Float.BYTES);
        switch (kind) {
            case SIGMOID -> Activations.sigmoidInPlace(ys, 0, (int) n);
            case TANH -> Activations.tanhInPlace(ys, 0, (int) n);
            case RELU -> Activations.reluInPlace(ys, 0, (int) n);
            default -> Activations.expInPlace(ys, 0, (int) n);
        }
        y.value = out;
        return y;
    }

    private static final Backward BACKWARD = y -> {
        Tensor dy = y.gradOrNull();
        if (dy == null || !y.a.requiresGrad) {
            return;
        }
        Tensor dx = y.a.gradIn();
        MemorySegment g = dy.segment();
        MemorySegment ys = y.value.segment();
        MemorySegment ds = dx.segment();
        long d0 = dx.offset();
        long n = dy.size();
        int kind = y.i0;
        for (long i = 0; i < n; i++) {
            float v = ys.getAtIndex(F, i);
            float local = switch (kind) {
                case SIGMOID -> v * (1f - v);
                case TANH -> 1f - v * v;
                case RELU -> v > 0f ? 1f : 0f;
                default -> v;
            };
            ds.setAtIndex(F, d0 + i, ds.getAtIndex(F, d0 + i) + local * g.getAtIndex(F, i));
        }
    };
}
