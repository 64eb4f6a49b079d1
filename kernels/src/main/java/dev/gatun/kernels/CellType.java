package dev.gatun.kernels;

/**
 * The recurrences Gatun computes, with PyTorch's gate order and gate count.
 *
 * <ul>
 *   <li>{@link #RNN_TANH}, {@link #RNN_RELU}: {@code h' = act(W_ih x + b_ih + W_hh h + b_hh)};</li>
 *   <li>{@link #LSTM}: gates i, f, g, o; {@code c' = f*c + i*g}, {@code h' = o*tanh(c')}, optionally projected
 *       ({@code proj_size});</li>
 *   <li>{@link #GRU}: PyTorch's form, gates r, z, n; {@code n = tanh(W_in x + b_in + r*(W_hn h + b_hn))},
 *       {@code h' = (1-z)*n + z*h};</li>
 *   <li>{@link #GRU_CLASSIC}: the seed notes' (Cho et al.) form, the reset applied to h before the matmul:
 *       {@code n = tanh(W_in x + b_in + W_hn (r*h) + b_hn)}; same z convention as PyTorch.</li>
 * </ul>
 */
public enum CellType {
    RNN_TANH(1),
    RNN_RELU(1),
    LSTM(4),
    GRU(3),
    GRU_CLASSIC(3);

    private final int gates;

    CellType(int gates) {
        this.gates = gates;
    }

    /** Number of gate blocks of H rows in W_ih and W_hh. */
    public int gates() {
        return gates;
    }

    /** True for the cells that carry a cell state c besides h. */
    public boolean hasCellState() {
        return this == LSTM;
    }

    /** True for the GRU forms. */
    /** A short human-readable name for messages: {@code LSTM}, {@code GRU}, {@code RNN(tanh)}... */
    public String label() {
        return switch (this) {
            case RNN_TANH -> "RNN(tanh)";
            case RNN_RELU -> "RNN(relu)";
            case LSTM -> "LSTM";
            case GRU -> "GRU";
            case GRU_CLASSIC -> "GRU(classic)";
        };
    }

    public boolean isGru() {
        return this == GRU || this == GRU_CLASSIC;
    }
}
