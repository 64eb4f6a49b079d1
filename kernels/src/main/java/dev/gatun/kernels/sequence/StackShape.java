package dev.gatun.kernels.sequence;

import dev.gatun.kernels.CellType;

/**
 * The sizes of a stacked, optionally bidirectional recurrent network in PyTorch's terms ({@code nn.LSTM(input_size,
 * hidden_size, num_layers, bidirectional=..., proj_size=...)}).
 *
 * @param cell the recurrence
 * @param inputSize I of the first layer
 * @param hiddenSize H
 * @param layers number of stacked layers
 * @param bidirectional two directions per layer, outputs concatenated
 * @param projSize LSTM projection size P, 0 for none
 */
public record StackShape(CellType cell, int inputSize, int hiddenSize, int layers, boolean bidirectional,
                         int projSize) {
    /** Validates the sizes. */
    public StackShape {
        if (layers < 1) {
            throw new IllegalArgumentException("layers must be >= 1, got " + layers);
        }
        new LayerShape(cell, inputSize, hiddenSize, projSize); // validates the rest
    }

    /** 2 when bidirectional, else 1. */
    public int directions() {
        return bidirectional ? 2 : 1;
    }

    /** Size of h (P when projected, else H). */
    public int stateSize() {
        return projSize > 0 ? projSize : hiddenSize;
    }

    /** Width of the output rows: directions * Hr. */
    public int outputSize() {
        return directions() * stateSize();
    }

    /** The shape of one direction of layer {@code layer}. */
    public LayerShape layer(int layer) {
        return new LayerShape(cell, layer == 0 ? inputSize : outputSize(), hiddenSize, projSize);
    }
}
