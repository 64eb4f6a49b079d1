package dev.gatun.autograd.nn;

import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;

/**
 * The state carried between chunks of truncated BPTT: h (L*D, B, Hr) and, for the LSTM, c (L*D, B, H). Each chunk
 * starts from {@link #h0}/{@link #c0}, inputs that need no gradient, so backpropagation stops at the chunk
 * boundary while the forward continues where the previous chunk ended; {@link #carry} keeps the chunk's final
 * states for the next one. Two buffers alternate, so carrying is safe before or after the chunk's backward.
 */
public final class RecurrentState implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final Tensor[] h = new Tensor[2];
    private final Tensor[] c = new Tensor[2];
    private int current;

    /** A zero state for {@code batch} sequences of a stack of the given shape. */
    public RecurrentState(StackShape shape, int batch) {
        int states = shape.layers() * shape.directions();
        for (int i = 0; i < 2; i++) {
            h[i] = Tensor.allocate(arena, states, batch, shape.stateSize());
            c[i] = shape.cell().hasCellState() ? Tensor.allocate(arena, states, batch, shape.hiddenSize()) : null;
        }
    }

    /** The carried h as a tape input. */
    public Var h0(Tape tape) {
        return tape.input(h[current]);
    }

    /** The carried c as a tape input, or null without a cell state. */
    public Var c0(Tape tape) {
        return c[current] == null ? null : tape.input(c[current]);
    }

    /** Keeps the final states of {@code out} for the next chunk. */
    public void carry(RecurrentOutput out) {
        int next = 1 - current;
        h[next].copyFrom(out.hidden().value());
        if (c[next] != null) {
            c[next].copyFrom(out.cell().value());
        }
        current = next;
    }

    /** Back to zeros (a new sequence). */
    public void reset() {
        h[current].fill(0f);
        if (c[current] != null) {
            c[current].fill(0f);
        }
    }

    /** The carried h (L*D, B, Hr). */
    public Tensor hidden() {
        return h[current];
    }

    /** Frees the carried state; idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
