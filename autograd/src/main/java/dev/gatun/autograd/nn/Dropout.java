package dev.gatun.autograd.nn;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;

/** PyTorch's {@code nn.Dropout}: active in training mode only, seeded. */
public final class Dropout extends Module {
    private final float p;
    private final Rng rng;

    /** Drop probability p in [0, 1), masks drawn from {@code seed}. */
    public Dropout(float p, long seed) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        this.p = p;
        this.rng = new Rng(seed);
    }

    /** x with dropout in training mode; x itself in evaluation mode. */
    public Var forward(Tape tape, Var x) {
        return training() ? Ops.dropout(tape, x, p, rng) : x;
    }
}
