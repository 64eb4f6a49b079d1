package dev.gatun.bench.stream;

import dev.gatun.kernels.Vectorization;
import dev.gatun.kernels.stream.Nonlinearity;
import dev.gatun.kernels.stream.StreamingCell;
import dev.gatun.kernels.stream.StreamingStepper;
import dev.gatun.kernels.stream.WeightFormat;
import java.util.Locale;
import java.util.Random;

/** Shared set-up and result check of the streaming benchmarks: one layer, I = H, PyTorch's default init. */
final class StreamingBenchmarks {
    private StreamingBenchmarks() {}

    /** Gates of a cell name: lstm 4, gru 3, rnn 1. */
    static int gates(String cell) {
        return switch (cell) {
            case "lstm" -> 4;
            case "gru" -> 3;
            case "rnn" -> 1;
            default -> throw new IllegalArgumentException("cell must be lstm, gru or rnn, got " + cell);
        };
    }

    /** A packed cell with random weights uniform in (-1/sqrt(H), 1/sqrt(H)); refuses to measure the scalar twin. */
    static StreamingCell cell(String cell, int hidden, String format) {
        if (!Vectorization.enabled()) {
            throw new IllegalStateException("the streaming benchmarks measure the Vector API kernels, but this JVM "
                    + "runs " + Vectorization.describe());
        }
        int gh = gates(cell) * hidden;
        Random rnd = new Random(7);
        float bound = (float) (1 / Math.sqrt(hidden));
        float[] wIh = random(rnd, gh * hidden, bound);
        float[] wHh = random(rnd, gh * hidden, bound);
        float[] bIh = random(rnd, gh, bound);
        float[] bHh = random(rnd, gh, bound);
        WeightFormat f = WeightFormat.valueOf(format.toUpperCase(Locale.ROOT));
        return switch (cell) {
            case "lstm" -> StreamingCell.lstm(wIh, wHh, bIh, bHh, hidden, hidden, f);
            case "gru" -> StreamingCell.gru(wIh, wHh, bIh, bHh, hidden, hidden, f);
            default -> StreamingCell.rnn(wIh, wHh, bIh, bHh, hidden, hidden, Nonlinearity.TANH, f);
        };
    }

    static float[] random(Random rnd, int n, float bound) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (rnd.nextFloat() * 2 - 1) * bound;
        }
        return a;
    }

    /** h finite and within [-1, 1] (tanh-bounded cells): the benchmark computed something sensible. */
    static void checkState(StreamingStepper stepper) {
        float[] h = new float[stepper.cell().outputSize()];
        stepper.h(h);
        boolean moved = false;
        for (int i = 0; i < h.length; i++) {
            if (!(Math.abs(h[i]) <= 1f)) {
                throw new IllegalStateException("h[" + i + "] = " + h[i] + " after the benchmark");
            }
            moved |= h[i] != 0f;
        }
        if (!moved) {
            throw new IllegalStateException("h is all zeros after the benchmark: the steps did not run");
        }
    }
}
