package dev.gatun.model;

/** One step of a unidirectional stack for one sequence, with the state it keeps between steps. */
interface StepEngine extends AutoCloseable {
    /** Advances every layer with input {@code x} (I floats) and writes the last layer's h (Hr floats) to out. */
    void step(float[] x, int xOffset, float[] out);

    /** Zero state. */
    void reset();

    /** Sets h (L*Hr floats, layer-major) and, for the LSTM, c (L*H floats; null for zeros). */
    void setState(float[] h, float[] c);

    /** Copies h (L*Hr floats) and, for the LSTM, c (L*H floats) out; c may be null. */
    void state(float[] h, float[] c);

    @Override
    void close();
}
