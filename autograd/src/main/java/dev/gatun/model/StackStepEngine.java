package dev.gatun.model;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.gatun.kernels.sequence.LayerWeights;
import dev.gatun.kernels.sequence.RecurrentStack;
import dev.gatun.kernels.sequence.StackShape;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Streams a unidirectional stack one step at a time through the sequence kernels (T = B = 1), for cells the
 * fused streaming kernels do not have (the classic GRU). States are double-buffered off-heap; nothing is allocated
 * per step.
 */
final class StackStepEngine implements StepEngine {
    private final RecurrentStack stack;
    private final LayerWeights[] weights;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment x;        // (1, 1, I)
    private final MemorySegment y;        // (1, 1, Hr)
    private final MemorySegment[] h;      // two (L, 1, Hr)
    private final MemorySegment[] c;      // two (L, 1, H), LSTM only
    private final int inputSize;
    private final int hr;
    private final int hidden;
    private final int layers;
    private final boolean lstm;
    private int current;

    StackStepEngine(StackShape shape, LayerWeights[] weights) {
        this.stack = new RecurrentStack(shape);
        this.weights = weights;
        this.inputSize = shape.inputSize();
        this.hr = shape.stateSize();
        this.hidden = shape.hiddenSize();
        this.layers = shape.layers();
        this.lstm = shape.cell().hasCellState();
        x = arena.allocate((long) inputSize * Float.BYTES, 64);
        y = arena.allocate((long) hr * Float.BYTES, 64);
        h = new MemorySegment[] {zeros((long) layers * hr), zeros((long) layers * hr)};
        c = lstm ? new MemorySegment[] {zeros((long) layers * hidden), zeros((long) layers * hidden)} : null;
    }

    private MemorySegment zeros(long floats) {
        return arena.allocate(floats * Float.BYTES, 64);   // Arena memory is zeroed
    }

    @Override
    public void step(float[] in, int inOffset, float[] out) {
        MemorySegment.copy(in, inOffset, x, JAVA_FLOAT, 0, inputSize);
        int next = 1 - current;
        stack.forward(1, 1, x, 0, weights, h[current], 0, lstm ? c[current] : null, 0, y, 0, h[next], 0,
                lstm ? c[next] : null, 0);
        current = next;
        MemorySegment.copy(y, JAVA_FLOAT, 0, out, 0, hr);
    }

    @Override
    public void reset() {
        h[current].fill((byte) 0);
        if (lstm) {
            c[current].fill((byte) 0);
        }
    }

    @Override
    public void setState(float[] hIn, float[] cIn) {
        MemorySegment.copy(hIn, 0, h[current], JAVA_FLOAT, 0, layers * hr);
        if (lstm) {
            if (cIn == null) {
                c[current].fill((byte) 0);
            } else {
                MemorySegment.copy(cIn, 0, c[current], JAVA_FLOAT, 0, layers * hidden);
            }
        }
    }

    @Override
    public void state(float[] hOut, float[] cOut) {
        MemorySegment.copy(h[current], JAVA_FLOAT, 0, hOut, 0, layers * hr);
        if (lstm && cOut != null) {
            MemorySegment.copy(c[current], JAVA_FLOAT, 0, cOut, 0, layers * hidden);
        }
    }

    @Override
    public void close() {
        stack.close();
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
