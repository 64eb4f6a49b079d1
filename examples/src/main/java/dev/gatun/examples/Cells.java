package dev.gatun.examples;

import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.nn.Module;
import dev.gatun.kernels.CellType;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** Cell names on the command line. */
final class Cells {
    static final List<String> NAMES = List.of("lstm", "gru", "rnn");

    private Cells() {}

    static CellType of(String name) {
        return switch (name) {
            case "lstm" -> CellType.LSTM;
            case "gru" -> CellType.GRU;
            case "rnn" -> CellType.RNN_TANH;
            default -> throw new IllegalArgumentException("cell must be one of " + NAMES + ", got " + name);
        };
    }

    /**
     * Sets every LSTM input bias's forget-gate block (rows H..2H of {@code bias_ih}, gate order i, f, g, o) to 1, so
     * the cell starts out remembering (Jozefowicz et al. 2015); a no-op for other cells.
     */
    static void rememberByDefault(Module model, CellType cell, int hidden) {
        if (cell != CellType.LSTM) {
            return;
        }
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            if (e.getKey().contains("bias_ih_l")) {
                Tensor b = e.getValue().value();
                for (int i = hidden; i < 2 * hidden; i++) {
                    b.set(i, 1f);
                }
            }
        }
    }
}
