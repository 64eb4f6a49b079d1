package dev.gatun.autograd;

/**
 * A small seeded generator (SplitMix64) for initializers and dropout: the same seed gives the same numbers on every
 * JVM and platform, and drawing allocates nothing. Not thread-safe.
 */
public final class Rng {
    private long state;
    private double spare;
    private boolean hasSpare;

    /** A generator starting from {@code seed}. */
    public Rng(long seed) {
        this.state = seed;
    }

    /** The next 64 random bits. */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, 1) with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [lo, hi). */
    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u;
        do {
            u = nextDouble();
        } while (u == 0.0);
        double v = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u));
        spare = r * Math.sin(2 * Math.PI * v);
        hasSpare = true;
        return r * Math.cos(2 * Math.PI * v);
    }
}
