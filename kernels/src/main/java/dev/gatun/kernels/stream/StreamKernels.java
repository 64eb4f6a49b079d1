package dev.gatun.kernels.stream;

import dev.gatun.kernels.Vectorization;

/**
 * Builds the stages of a streaming step for a packed cell: the cell phase (gates and state update of unit blocks)
 * and, for an LSTM with a projection, the projection phase ({@code h = W_hr hFull} over output blocks). Every block
 * is independent, so two threads can split a phase. Both implementations add, per unit and in this order,
 * {@code b_ih + b_hh} (or {@code xp + b_hh}), then {@code w*v[k]} by fused multiply-add for k ascending over the x
 * range then the h range, so their pre-activations are bitwise equal; then they apply {@code Activations}' vector
 * and scalar functions, which agree within 2 ulps.
 */
interface StreamKernels {
    /** Stages of the cell phase. */
    StepStage[] cellStages(PackedLayout layout);

    /** Stages of the projection phase (empty without projection). */
    StepStage[] projectionStages(PackedLayout layout);

    /** Blocks one kernel call processes together; a two-thread split falls on a multiple of it when it can. */
    int blocksPerPass(PackedLayout layout);

    /** The Panama kernels when {@link Vectorization#enabled()}, else the scalar twin. */
    static StreamKernels preferred() {
        return Vectorization.enabled() ? PanamaStreamKernels.INSTANCE : ScalarStreamKernels.INSTANCE;
    }
}
