package dev.gatun.kernels.stream;

/**
 * One stage of a streaming step over a range of blocks (its part of the scratch, see
 * {@link PanamaStreamKernels}). A step runs its stages in order from a single call site; the stages are instances
 * of several classes, so that call site is megamorphic and C2 compiles every stage as its own unit instead of
 * inlining them all into one (a Vector API activation alone nearly fills C2's inlining budget, and a unit over the
 * budget leaves vectors boxed).
 */
interface StepStage {
    void run(StepBuffers s, int blockBegin, int blockEnd);
}
