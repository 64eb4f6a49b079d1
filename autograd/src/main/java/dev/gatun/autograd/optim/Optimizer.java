package dev.gatun.autograd.optim;

import dev.gatun.autograd.Parameter;
import java.lang.foreign.Arena;
import java.util.List;

/**
 * Updates parameters from their accumulated gradients. State (momentum, moments) is allocated once per parameter
 * when the optimizer is built; {@link #step()} allocates nothing. Close the optimizer to free its state.
 */
public abstract class Optimizer implements AutoCloseable {
    /** Off-heap state of the optimizer. */
    protected final Arena arena = Arena.ofShared();
    /** The parameters, in the order given. */
    protected final Parameter[] params;
    /** Learning rate. */
    protected float lr;

    /** An optimizer of {@code params} with learning rate {@code lr}. */
    protected Optimizer(List<Parameter> params, float lr) {
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException("optimizer: no parameters given");
        }
        if (!(lr >= 0f) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("optimizer: learning rate must be finite and >= 0, got " + lr);
        }
        this.params = params.toArray(new Parameter[0]);
        for (Parameter p : this.params) {
            if (p == null) {
                throw new IllegalArgumentException("optimizer: a parameter is null");
            }
        }
        this.lr = lr;
    }

    /** Applies one update from the current gradients (parameters with {@code requiresGrad() == false} are skipped). */
    public abstract void step();

    /** Sets every parameter's gradient to zero. */
    public void zeroGrad() {
        for (Parameter p : params) {
            p.zeroGrad();
        }
    }

    /** The learning rate. */
    public float learningRate() {
        return lr;
    }

    /** Sets the learning rate (for schedules). */
    public void setLearningRate(float lr) {
        if (!(lr >= 0f) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        }
        this.lr = lr;
    }

    /** The parameters. */
    public List<Parameter> parameters() {
        return List.of(params);
    }

    /** Frees the optimizer state; idempotent. A later {@link #step()} throws IllegalStateException. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    /** Throws {@link IllegalStateException} after {@link #close()}: every {@link #step()} starts with it. */
    protected final void checkOpen() {
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException(getClass().getSimpleName() + " was used after close()");
        }
    }

    static void checkRange(String name, float v, float lo, float hi) {
        if (!(v >= lo && v < hi)) {
            throw new IllegalArgumentException(name + " must be in [" + lo + ", " + hi + "), got " + v);
        }
    }
}
