package dev.gatun.examples;

import dev.gatun.tensor.Tensor;

/** Accuracy of score rows against labels. */
final class Metrics {
    private Metrics() {}

    /** Index of the largest of {@code n} scores at {@code row * n} of a contiguous tensor. */
    static int argmax(Tensor scores, long row, int n) {
        int best = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            float v = scores.segment().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT,
                    scores.offset() + row * n + k);
            if (v > max) {
                max = v;
                best = k;
            }
        }
        return best;
    }

    /** Fraction of rows of scores (..., C) whose argmax is the label. */
    static double accuracy(Tensor scores, int[] labels) {
        int c = scores.dim(-1);
        int right = 0;
        for (int r = 0; r < labels.length; r++) {
            right += argmax(scores, r, c) == labels[r] ? 1 : 0;
        }
        return (double) right / labels.length;
    }
}
