package dev.gatun.autograd.nn;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.init.Init;

/** PyTorch's {@code nn.Embedding}: {@code weight} (V, E), initialized standard normal as PyTorch does. */
public final class Embedding extends Module {
    private final Parameter weight;

    /** {@code count} embeddings of size {@code dim}, initialized from {@code seed}. */
    public Embedding(int count, int dim, long seed) {
        if (count < 1 || dim < 1) {
            throw new IllegalArgumentException("Embedding: sizes must be >= 1, got count=" + count + ", dim=" + dim);
        }
        this.weight = parameter("weight", count, dim);
        Init.normal(weight.value(), 0, 1, new Rng(seed));
    }

    /** Time-major indices {@code [t*B + b]} -> (T, B, E). */
    public Var forward(Tape tape, int[] indices, int steps, int batch) {
        return Ops.embedding(tape, weight, indices, steps, batch);
    }

    /** Indices -> (n, E). */
    public Var forward(Tape tape, int[] indices) {
        return Ops.embedding(tape, weight, indices);
    }

    /** The table (V, E). */
    public Parameter weight() {
        return weight;
    }
}
