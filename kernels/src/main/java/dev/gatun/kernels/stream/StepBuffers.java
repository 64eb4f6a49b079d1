package dev.gatun.kernels.stream;

import java.lang.foreign.MemorySegment;

/**
 * Everything one step of one stepper touches: the cell's packed weights (off-heap) and biases, the stepper's state
 * and scratch, and which half of the double buffer is current. The small arrays live on the heap: C2 parses a
 * vector access to a heap array with about half the IR nodes of one to a segment, which leaves room in the kernels'
 * inlining budget. The kernels read this object; only the stepper writes {@link #current} and {@link #projected},
 * between steps (published to the worker thread by the step barrier). Indices are in floats.
 */
final class StepBuffers {
    /** {@code -Dgatun.stream.serpentine=false} streams every step first to last (for A/B measurements). */
    static final boolean SERPENTINE = !"false".equals(System.getProperty("gatun.stream.serpentine"));
    final PackedLayout layout;
    final MemorySegment weights;     // main panel
    final MemorySegment projWeights; // projection panel
    final float[] biasIh;            // (G, Hb)
    final float[] biasHh;            // (G, Hb)
    final float[] zeros;             // (Rb): initial accumulators of the projection
    final float[] v;                 // (2, vLength): [x ; h] per half
    final float[] c;                 // (Hb): LSTM cell state
    final float[] hFull;             // (Hb): LSTM with projection, h before W_hr
    final float[] pre;               // (G, Hb): the current row of precomputed input projections
    final float[] gates;             // (5, Hb): scratch for pre-activations and gates (layout: PanamaStreamKernels)

    /** Half of {@link #v} read by this step (0 or 1); the step writes h into the other half. */
    int current;
    /** True when this step starts from {@link #pre} (precomputed x W_ih^T + b_ih) and skips the x range. */
    boolean projected;

    StepBuffers(StreamingCell cell) {
        PackedLayout l = cell.layout();
        this.layout = l;
        this.weights = cell.weights();
        this.projWeights = cell.projWeights();
        this.biasIh = cell.biasIh();
        this.biasHh = cell.biasHh();
        this.zeros = new float[l.paddedOut];
        this.v = new float[2 * l.vLength];
        this.c = new float[l.paddedHidden];
        this.hFull = new float[l.paddedHidden];
        this.pre = new float[l.gates * l.paddedHidden];
        this.gates = new float[5 * l.paddedHidden];
    }

    /** Index of the v half this step reads. */
    int vIn() {
        return current * layout.vLength;
    }

    /** Index of the v half this step writes. */
    int vOut() {
        return (1 - current) * layout.vLength;
    }

    /** Index of x in the v half this step reads. */
    int xIn() {
        return vIn() + layout.vXOffset;
    }

    /** Index of h in the v half this step reads. */
    int hIn() {
        return vIn() + layout.vHOffset;
    }

    /** Index of h in the v half this step writes. */
    int hOut() {
        return vOut() + layout.vHOffset;
    }

    /**
     * Whether this step streams its blocks of weights last to first. Every other step does: a sweep over more weights
     * than L2 holds, always in the same order, evicts each line before its next use (LRU), while a sweep back starts
     * with the blocks the last one left in L2. Each block is computed as in a forward sweep, so results do not change.
     */
    boolean reversed() {
        return SERPENTINE && current == 1;
    }

    /** Row A of the initial accumulators: b_ih for a full step, the precomputed projection otherwise. */
    float[] initA() {
        return projected ? pre : biasIh;
    }
}
