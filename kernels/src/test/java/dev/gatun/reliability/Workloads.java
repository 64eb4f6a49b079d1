package dev.gatun.reliability;

import dev.gatun.gemm.Gemm;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.LayerWeights;
import dev.gatun.kernels.sequence.RecurrentStack;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.kernels.stream.Nonlinearity;
import dev.gatun.kernels.stream.StreamingCell;
import dev.gatun.kernels.stream.StreamingStepper;
import dev.gatun.kernels.stream.WeightFormat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Seeded workloads shared by the concurrency, determinism and leak tests. */
final class Workloads {
    private Workloads() {}

    static float[] uniform(long seed, int n, float k) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * k);
        }
        return a;
    }

    /** A streaming cell of the given kind ("lstm", "lstm-proj", "gru", "rnn") with PyTorch-style random weights. */
    static StreamingCell cell(String kind, int in, int hidden, WeightFormat format, long seed) {
        float k = (float) (1 / Math.sqrt(hidden));
        int proj = kind.equals("lstm-proj") ? hidden / 2 : 0;
        int gates = kind.startsWith("lstm") ? 4 : kind.equals("gru") ? 3 : 1;
        int r = proj > 0 ? proj : hidden;
        float[] wIh = uniform(seed, gates * hidden * in, k);
        float[] wHh = uniform(seed + 1, gates * hidden * r, k);
        float[] bIh = uniform(seed + 2, gates * hidden, k);
        float[] bHh = uniform(seed + 3, gates * hidden, k);
        return switch (kind) {
            case "lstm", "lstm-proj" -> StreamingCell.lstm(wIh, wHh, bIh, bHh,
                    proj > 0 ? uniform(seed + 4, proj * hidden, k) : null, in, hidden, proj, format);
            case "gru" -> StreamingCell.gru(wIh, wHh, bIh, bHh, in, hidden, format);
            default -> StreamingCell.rnn(wIh, wHh, bIh, bHh, in, hidden, Nonlinearity.TANH, format);
        };
    }

    /** Streams sequence number {@code input} (T steps, seeded) from zero state; returns every h. */
    static float[] stream(StreamingStepper st, int input, int steps) {
        StreamingCell c = st.cell();
        float[] xs = uniform(1000L + input, steps * c.inputSize(), 1f);
        float[] out = new float[steps * c.outputSize()];
        st.reset();
        for (int t = 0; t < steps; t++) {
            st.step(xs, t * c.inputSize());
            st.h(out, t * c.outputSize());
        }
        return out;
    }

    /** A stacked bidirectional network with weights owned by {@code arena} (shared, read-only while running). */
    static final class Stack {
        final StackShape shape;
        final LayerWeights[] weights;

        Stack(Arena arena, CellType cell, int in, int hidden, int layers, boolean bi, long seed) {
            shape = new StackShape(cell, in, hidden, layers, bi, 0);
            int d = shape.directions();
            weights = new LayerWeights[layers * d];
            float k = (float) (1 / Math.sqrt(hidden));
            for (int i = 0; i < weights.length; i++) {
                LayerWeights w = LayerWeights.allocate(arena, shape.layer(i / d));
                long s = seed + 10L * i;
                w.wIh().copyFrom(uniform(s, (int) w.wIh().size(), k));
                w.wHh().copyFrom(uniform(s + 1, (int) w.wHh().size(), k));
                w.bIh().copyFrom(uniform(s + 2, (int) w.bIh().size(), k));
                w.bHh().copyFrom(uniform(s + 3, (int) w.bHh().size(), k));
                weights[i] = w;
            }
        }

        /** What one thread owns: the stack (its intermediate buffers) and its input/output memory. */
        final class Runner implements AutoCloseable {
            final Arena arena = Arena.ofConfined();
            final RecurrentStack stack = new RecurrentStack(shape);
            final int steps;
            final int batch;
            final MemorySegment x;
            final MemorySegment y;
            final MemorySegment hN;
            final MemorySegment dy;
            final MemorySegment dx;
            final LayerWeights[] grads;
            final boolean backward;

            Runner(int steps, int batch, boolean backward) {
                this.steps = steps;
                this.batch = batch;
                this.backward = backward;
                int rows = steps * batch;
                x = arena.allocate((long) rows * shape.inputSize() * 4, 64);
                y = arena.allocate((long) rows * shape.outputSize() * 4, 64);
                hN = arena.allocate((long) weights.length * batch * shape.stateSize() * 4, 64);
                dy = arena.allocate((long) rows * shape.outputSize() * 4, 64);
                dx = arena.allocate((long) rows * shape.inputSize() * 4, 64);
                grads = new LayerWeights[weights.length];
                for (int i = 0; i < grads.length; i++) {
                    grads[i] = LayerWeights.allocate(arena, shape.layer(i / shape.directions()));
                }
            }

            /** Forward (and backward) of input number {@code input}; returns y, hN (and dx, dW_ih of layer 0). */
            float[] apply(int input) {
                int rows = steps * batch;
                MemorySegment.copy(uniform(2000L + input, rows * shape.inputSize(), 1f), 0, x,
                        ValueLayout.JAVA_FLOAT, 0, rows * shape.inputSize());
                stack.forward(steps, batch, x, 0, weights, null, 0, null, 0, y, 0, hN, 0, null, 0);
                float[] yv = y.toArray(ValueLayout.JAVA_FLOAT);
                float[] hv = hN.toArray(ValueLayout.JAVA_FLOAT);
                if (!backward) {
                    return concat(yv, hv);
                }
                MemorySegment.copy(uniform(3000L + input, rows * shape.outputSize(), 1f), 0, dy,
                        ValueLayout.JAVA_FLOAT, 0, rows * shape.outputSize());
                for (LayerWeights g : grads) {
                    g.zero();
                }
                stack.backward(steps, batch, x, 0, weights, null, 0, null, 0, y, 0, dy, 0, null, 0, null, 0, grads,
                        dx, 0, null, 0, null, 0);
                return concat(concat(yv, hv), concat(dx.toArray(ValueLayout.JAVA_FLOAT), grads[0].wIh().toArray()));
            }

            @Override
            public void close() {
                stack.close();
                arena.close();
            }
        }
    }

    /** C = A B for seeded A (m x k) and B (k x n) through {@link Gemm}; returns C. */
    static float[] gemm(Arena arena, int input, int m, int n, int k) {
        MemorySegment a = arena.allocateFrom(ValueLayout.JAVA_FLOAT, uniform(4000L + input, m * k, 1f));
        MemorySegment b = arena.allocateFrom(ValueLayout.JAVA_FLOAT, uniform(5000L + input, k * n, 1f));
        MemorySegment c = arena.allocate((long) m * n * 4, 64);
        Gemm.sgemm(false, input % 2 == 1, m, n, k, 1f, a, 0, k, b, 0, input % 2 == 1 ? k : n, 0f, c, 0, n);
        return c.toArray(ValueLayout.JAVA_FLOAT);
    }

    /**
     * y = A x and y = A^T x for a seeded A (m x n) through {@link Gemm#sgemv} on heap segments, which every provider
     * runs on the Java GEMV (its row sums reduce vector lanes); returns both ys. Repeated {@code times} times so
     * that the warm-up of {@link DeterminismChild} gets these small calls compiled by C2.
     */
    static float[] gemv(int input, int m, int n, int times) {
        MemorySegment a = MemorySegment.ofArray(uniform(6000L + input, m * n, 1f));
        MemorySegment x = MemorySegment.ofArray(uniform(7000L + input, Math.max(m, n), 1f));
        float[] y = new float[m], yt = new float[n];
        for (int i = 0; i < times; i++) {
            Gemm.sgemv(false, m, n, 1f, a, 0, n, x, 0, 1, 0f, MemorySegment.ofArray(y), 0, 1);
            Gemm.sgemv(true, m, n, 1f, a, 0, n, x, 0, 1, 0f, MemorySegment.ofArray(yt), 0, 1);
        }
        return concat(y, yt);
    }

    static float[] concat(float[] a, float[] b) {
        float[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
