package dev.gatun.autograd;

import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A trainable tensor with its gradient, both allocated once. Backward passes add into the gradient (so a weight used
 * at every time step gets the sum over steps, as BPTT needs); {@link #zeroGrad()} clears it, typically through the
 * optimizer once per step. The name is the module-local PyTorch name ({@code weight_ih_l0}); modules prefix it.
 */
public final class Parameter extends Var {
    private final String name;
    private final MemorySegment gradBytes;

    private Parameter(String name, Tensor value, Tensor grad) {
        super(value, grad);
        this.name = name;
        this.gradBytes = grad.segment().asSlice(grad.offset() * Float.BYTES, grad.size() * Float.BYTES);
    }

    /** A zero-filled parameter of the given shape, value and gradient owned by {@code arena}. */
    public static Parameter allocate(Arena arena, String name, int... shape) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("parameter name is empty");
        }
        return new Parameter(name, Tensor.allocate(arena, shape), Tensor.allocate(arena, shape));
    }

    /** The module-local name. */
    public String name() {
        return name;
    }

    /** Sets the gradient to zero. */
    public void zeroGrad() {
        gradBytes.fill((byte) 0);
    }

    /** Freezes ({@code false}) or unfreezes the parameter: a frozen one gets no gradient from operations. */
    public void setRequiresGrad(boolean requiresGrad) {
        this.requiresGrad = requiresGrad;
    }

    @Override
    public String toString() {
        return "Parameter " + name + value.shapeString();
    }
}
