package dev.gatun.train;

/**
 * How a {@link Trainer} trains: truncated BPTT over {@code batch} parallel streams in chunks of {@code seqLen}
 * characters, Adam with learning rate {@code lr}, gradients clipped to global norm {@code clip}, for {@code steps}
 * optimizer steps in all. {@code seed} fixes the initialization (see {@link Trainer} on reproducibility).
 */
public record TrainConfig(int seqLen, int batch, float lr, float clip, long steps, long seed) {
    /** Validates the settings. */
    public TrainConfig {
        if (seqLen < 1 || batch < 1) {
            throw new IllegalArgumentException("seq-len and batch must be >= 1, got seq-len=" + seqLen + ", batch="
                    + batch);
        }
        if (!(lr > 0f) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("lr must be finite and > 0, got " + lr);
        }
        if (!(clip > 0f) || Float.isInfinite(clip)) {
            throw new IllegalArgumentException("clip must be finite and > 0, got " + clip);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
    }

    /** The same settings with another total number of steps. */
    public TrainConfig withSteps(long newSteps) {
        return new TrainConfig(seqLen, batch, lr, clip, newSteps, seed);
    }

    /** The same settings with another learning rate. */
    public TrainConfig withLr(float newLr) {
        return new TrainConfig(seqLen, batch, newLr, clip, steps, seed);
    }

    /** The same settings with another clip norm. */
    public TrainConfig withClip(float newClip) {
        return new TrainConfig(seqLen, batch, lr, newClip, steps, seed);
    }
}
