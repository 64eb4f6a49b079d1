package dev.gatun.kernels.stream;

/** The nonlinearity of a plain RNN cell, as PyTorch's {@code nn.RNN(nonlinearity=...)}. */
public enum Nonlinearity {
    /** {@code h' = tanh(W_ih x + b_ih + W_hh h + b_hh)} */
    TANH,
    /** {@code h' = max(0, W_ih x + b_ih + W_hh h + b_hh)} */
    RELU
}
