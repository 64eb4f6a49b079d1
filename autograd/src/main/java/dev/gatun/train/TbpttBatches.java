package dev.gatun.train;

/**
 * Batches for truncated BPTT over one text. The text is cut into B equal streams read in parallel (stream b starts
 * at character {@code b*L}, {@code L = (N-1)/B}); chunk k of an epoch holds characters {@code [kT, kT+T)} of every
 * stream as inputs and the characters one further as targets. Consecutive chunks continue each stream, so the
 * recurrent state carried from chunk k is the right start for chunk k+1; a new epoch starts the streams over
 * (and the state from zero).
 *
 * <p>Indices are time-major, {@code [t*B + b]}, as the recurrent layers take them.
 */
public final class TbpttBatches {
    private final Corpus corpus;
    private final int batch;
    private final int steps;
    private final int streamLength;   // L
    private final int chunks;         // per epoch

    /** Streams of {@code corpus} for {@code batch} sequences and chunks of {@code steps} characters. */
    public TbpttBatches(Corpus corpus, int batch, int steps) {
        if (corpus == null) {
            throw new IllegalArgumentException("batches: corpus is null");
        }
        if (batch < 1 || steps < 1) {
            throw new IllegalArgumentException("batches: batch and seq-len must be >= 1, got batch=" + batch
                    + ", seq-len=" + steps);
        }
        this.corpus = corpus;
        this.batch = batch;
        this.steps = steps;
        this.streamLength = (corpus.length() - 1) / batch;
        this.chunks = streamLength / steps;
        if (chunks < 1) {
            throw new IllegalArgumentException("batches: a text of " + corpus.length() + " characters is too short "
                    + "for batch=" + batch + " x seq-len=" + steps + " (needs at least " + ((long) batch * steps + 1)
                    + " characters)");
        }
    }

    /** Chunks per epoch. */
    public int chunksPerEpoch() {
        return chunks;
    }

    /** B. */
    public int batch() {
        return batch;
    }

    /** T. */
    public int steps() {
        return steps;
    }

    /** True when training step {@code step} (counted from 0) begins an epoch: the carried state starts from zero. */
    public boolean startsEpoch(long step) {
        return step % chunks == 0;
    }

    /** Fills inputs and targets ({@code T*B} each, time-major) for training step {@code step} (counted from 0). */
    public void fill(long step, int[] inputs, int[] targets) {
        if (step < 0) {
            throw new IllegalArgumentException("batches: step must be >= 0, got " + step);
        }
        int n = batch * steps;
        if (inputs == null || targets == null || inputs.length < n || targets.length < n) {
            throw new IllegalArgumentException("batches: inputs and targets need " + n + " entries (seq-len*batch)");
        }
        int chunk = (int) (step % chunks);
        for (int b = 0; b < batch; b++) {
            int start = b * streamLength + chunk * steps;
            for (int t = 0; t < steps; t++) {
                inputs[t * batch + b] = corpus.token(start + t);
                targets[t * batch + b] = corpus.token(start + t + 1);
            }
        }
    }
}
