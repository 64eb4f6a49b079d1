package dev.gatun.model;

import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;

/**
 * What a {@link Model} computes, as inferred from a state_dict: the recurrent stack in PyTorch's terms, whether it
 * has biases, the layout of its sequence files, and the optional {@code nn.Embedding} before it and {@code nn.Linear}
 * head after it.
 *
 * @param stack the recurrent stack (cell, input size, hidden size, layers, directions, proj_size)
 * @param bias whether the stack has {@code bias_ih}/{@code bias_hh} ({@code bias=True})
 * @param batchFirst whether sequence tensors are (B, T, F) rather than (T, B, F)
 * @param vocabularySize rows of the embedding table, 0 without an embedding (its width is the stack's input size)
 * @param outputSize rows of the head's weight, 0 without a head (its input is the stack's output width)
 * @param headBias whether the head has a bias
 */
public record Architecture(StackShape stack, boolean bias, boolean batchFirst, int vocabularySize, int outputSize,
                           boolean headBias) {
    /** Validates the sizes. */
    public Architecture {
        if (stack == null) {
            throw new IllegalArgumentException("Architecture: stack is null");
        }
        if (vocabularySize < 0 || outputSize < 0) {
            throw new IllegalArgumentException("Architecture: vocabularySize=" + vocabularySize + " and outputSize="
                    + outputSize + " must be >= 0");
        }
        if (headBias && outputSize == 0) {
            throw new IllegalArgumentException("Architecture: headBias without a head (outputSize=0)");
        }
    }

    /** The recurrence. */
    public CellType cell() {
        return stack.cell();
    }

    /** True with an embedding in front of the stack. */
    public boolean hasEmbedding() {
        return vocabularySize > 0;
    }

    /** True with a linear head after the stack. */
    public boolean hasHead() {
        return outputSize > 0;
    }

    /** Width of one step's result of a session: the head's outputs, or the stack's D*Hr. */
    public int resultSize() {
        return hasHead() ? outputSize : stack.outputSize();
    }

    /** A one-line PyTorch-like description, e.g. {@code LSTM(input_size=8, hidden_size=16, num_layers=2)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (hasEmbedding()) {
            sb.append("Embedding(").append(vocabularySize).append(", ").append(stack.inputSize()).append(") -> ");
        }
        CellType c = stack.cell();
        sb.append(switch (c) {
            case LSTM -> "LSTM";
            case GRU -> "GRU";
            case GRU_CLASSIC -> "GRU[classic]";
            case RNN_TANH, RNN_RELU -> "RNN";
        });
        sb.append("(input_size=").append(stack.inputSize()).append(", hidden_size=").append(stack.hiddenSize())
                .append(", num_layers=").append(stack.layers());
        if (c == CellType.RNN_RELU) {
            sb.append(", nonlinearity='relu'");
        }
        if (!bias) {
            sb.append(", bias=False");
        }
        if (batchFirst) {
            sb.append(", batch_first=True");
        }
        if (stack.bidirectional()) {
            sb.append(", bidirectional=True");
        }
        if (stack.projSize() > 0) {
            sb.append(", proj_size=").append(stack.projSize());
        }
        sb.append(')');
        if (hasHead()) {
            sb.append(" -> Linear(").append(stack.outputSize()).append(", ").append(outputSize)
                    .append(headBias ? ")" : ", bias=False)");
        }
        return sb.toString();
    }
}
