package dev.gatun.kernels.sequence;

import dev.gatun.kernels.CellType;

/**
 * The sizes of one recurrent layer direction: cell type, input size I, hidden size H and LSTM projection size P
 * (0 = none). The recurrent state h has size {@code Hr = P > 0 ? P : H}.
 *
 * @param cell the recurrence
 * @param inputSize I
 * @param hiddenSize H
 * @param projSize P, 0 for none (LSTM only)
 */
public record LayerShape(CellType cell, int inputSize, int hiddenSize, int projSize) {
    /** Validates the sizes. */
    public LayerShape {
        if (cell == null) {
            throw new IllegalArgumentException("cell is null");
        }
        if (inputSize < 1 || hiddenSize < 1 || projSize < 0) {
            throw new IllegalArgumentException("layer sizes must be positive: inputSize=" + inputSize + ", hiddenSize="
                    + hiddenSize + ", projSize=" + projSize);
        }
        if (projSize > 0 && cell != CellType.LSTM) {
            throw new IllegalArgumentException("projSize=" + projSize + " is supported for LSTM only, not " + cell);
        }
        if (projSize >= hiddenSize) {
            throw new IllegalArgumentException("projSize=" + projSize + " must be smaller than hiddenSize=" + hiddenSize
                    + " (as in PyTorch)");
        }
    }

    /** Size of the recurrent state h (P when projected, else H). */
    public int stateSize() {
        return projSize > 0 ? projSize : hiddenSize;
    }

    /** Rows of W_ih and W_hh: gates * H. */
    public int gateRows() {
        return cell.gates() * hiddenSize;
    }
}
