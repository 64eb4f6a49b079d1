package dev.gatun.autograd.nn;

import dev.gatun.autograd.RecurrentOp;
import dev.gatun.autograd.Var;

/**
 * What one call of a {@link Recurrent} layer returns, PyTorch-shaped: {@link #output()} (T, B, D*Hr),
 * {@link #hidden()} (L*D, B, Hr) and, for the LSTM, {@link #cell()} (L*D, B, H). The object belongs to the layer
 * and is reused by the same call of the next tape step (so a step allocates nothing); its values are valid until
 * the tape resets.
 */
public final class RecurrentOutput implements AutoCloseable {
    RecurrentOp fused;          // the whole stack as one op
    RecurrentOp[] perLayer;     // one op per layer, when dropout runs between layers
    Var[] hiddens;
    Var[] cells;
    Var output;
    Var hidden;
    Var cell;

    RecurrentOutput() {}

    /** The last layer's outputs for every step (T, B, D*Hr), directions concatenated. */
    public Var output() {
        return output;
    }

    /** The final state of every layer and direction (L*D, B, Hr). */
    public Var hidden() {
        return hidden;
    }

    /** The final cell of every layer and direction (L*D, B, H) for the LSTM, else null. */
    public Var cell() {
        return cell;
    }

    @Override
    public void close() {
        if (fused != null) {
            fused.close();
        }
        if (perLayer != null) {
            for (RecurrentOp op : perLayer) {
                if (op != null) {
                    op.close();
                }
            }
        }
    }
}
