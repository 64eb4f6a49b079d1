package dev.gatun.kernels.stream;

/** The recurrence a {@link StreamingCell} computes, with its gate count (PyTorch gate order). */
enum CellKind {
    /** Gates i, f, g, o. */
    LSTM(4, "LSTM"),
    /** Gates r, z, n. */
    GRU(3, "GRU"),
    /** One gate, tanh. */
    RNN_TANH(1, "RNN(tanh)"),
    /** One gate, relu. */
    RNN_RELU(1, "RNN(relu)");

    final int gates;
    final String label;

    CellKind(int gates, String label) {
        this.gates = gates;
        this.label = label;
    }
}
