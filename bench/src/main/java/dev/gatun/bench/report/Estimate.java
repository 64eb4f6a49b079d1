package dev.gatun.bench.report;

import java.util.Arrays;

/**
 * A measured value: the median of the measurement iterations of all forks, and as its error half the interquartile
 * range (the middle half of the iterations lies within about median ± error). The interquartile range is used rather
 * than JMH's 99.9% confidence interval, which with the quick mode's five iterations is several times wider than
 * anything observed, and rather than the full min-max spread, which one disturbed iteration on a shared machine
 * would blow up. JMH's own interval stays in {@code results.json}.
 *
 * @param median the median of the samples
 * @param error half of (third quartile - first quartile), quartiles interpolated linearly between samples
 * @param samples how many iterations were measured
 */
public record Estimate(double median, double error, int samples) {

    /** Above this relative error (5%) a result is flagged as noisy. */
    public static final double NOISY = 0.05;

    /** The estimate of a non-empty set of samples. */
    public static Estimate of(double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double[] s = samples.clone();
        Arrays.sort(s);
        return new Estimate(quantile(s, 0.5), (quantile(s, 0.75) - quantile(s, 0.25)) / 2, s.length);
    }

    /** The p-quantile of sorted samples, interpolating between the two nearest ranks. */
    private static double quantile(double[] sorted, double p) {
        double rank = (sorted.length - 1) * p;
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    /** {@return the error as a fraction of the median} */
    public double relativeError() {
        return error / Math.abs(median);
    }

    /** {@return whether the error exceeds 5% of the median} */
    public boolean noisy() {
        return relativeError() > NOISY;
    }
}
