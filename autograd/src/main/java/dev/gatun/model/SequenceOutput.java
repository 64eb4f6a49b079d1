package dev.gatun.model;

/**
 * What {@link Session#forward} returns, PyTorch-shaped and time-major.
 *
 * @param output the last layer's outputs (T, B, D*Hr)
 * @param hN final states (L*D, B, Hr)
 * @param cN final LSTM cells (L*D, B, H), else null
 * @param logits the head applied to every output (T, B, O), or null without a head
 */
public record SequenceOutput(Values output, Values hN, Values cN, Values logits) {}
