package dev.gatun.cli.train;

import dev.gatun.autograd.Rng;
import dev.gatun.train.CharLm;
import dev.gatun.train.Generator;

/**
 * The time to generate one character with a trained model through the batch-1 streaming path (embedding row,
 * one fused step per layer, head GEMV, sampling): a user-facing figure measured with {@code System.nanoTime} over a
 * few hundred characters after a warm-up, not a benchmark.
 */
public final class StreamingLatency {
    /**
     * @param micros mean microseconds per character
     * @param chars characters per timed round
     * @param threads streaming threads per layer
     */
    public record Result(double micros, int chars, int threads) {}

    private StreamingLatency() {}

    /**
     * Generates {@code warmup} characters at temperature 1, then times three rounds of {@code chars} characters and
     * reports the median round (other processes on a shared machine inflate single rounds).
     */
    public static Result measure(CharLm model, int threads, int warmup, int chars) {
        if (warmup < 0 || chars < 1) {
            throw new IllegalArgumentException("latency: warmup must be >= 0 and chars >= 1, got " + warmup + ", "
                    + chars);
        }
        Rng rng = new Rng(1);
        try (Generator gen = new Generator(model, threads)) {
            int[] token = {0};
            generate(gen, rng, token, warmup);
            double[] rounds = new double[3];
            for (int r = 0; r < rounds.length; r++) {
                long t0 = System.nanoTime();
                generate(gen, rng, token, chars);
                rounds[r] = (System.nanoTime() - t0) / 1e3 / chars;
            }
            java.util.Arrays.sort(rounds);
            return new Result(rounds[1], chars, threads);
        }
    }

    private static void generate(Generator gen, Rng rng, int[] token, int n) {
        for (int i = 0; i < n; i++) {
            gen.feed(token[0]);
            token[0] = gen.pick(1f, rng);
        }
    }
}
