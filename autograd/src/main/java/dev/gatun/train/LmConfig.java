package dev.gatun.train;

import dev.gatun.kernels.CellType;

/**
 * The sizes of a {@link CharLm}.
 *
 * @param cell LSTM, GRU, RNN_TANH or RNN_RELU (the batch-1 generator has no GRU_CLASSIC)
 * @param embed embedding size E
 * @param hidden hidden size H of every layer
 * @param layers number of stacked layers L
 */
public record LmConfig(CellType cell, int embed, int hidden, int layers) {
    /** Validates the sizes. */
    public LmConfig {
        if (cell == null) {
            throw new IllegalArgumentException("cell is null");
        }
        if (cell == CellType.GRU_CLASSIC) {
            throw new IllegalArgumentException("cell: GRU_CLASSIC has no streaming kernel; use GRU (PyTorch's form)");
        }
        if (embed < 1 || hidden < 1 || layers < 1) {
            throw new IllegalArgumentException("embed, hidden and layers must be >= 1, got embed=" + embed
                    + ", hidden=" + hidden + ", layers=" + layers);
        }
    }
}
