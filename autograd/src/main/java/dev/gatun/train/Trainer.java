package dev.gatun.train;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.nn.RecurrentState;
import dev.gatun.autograd.optim.GradClip;
import java.util.List;

/**
 * Trains a {@link CharLm} on a {@link Corpus}: each step takes the next chunk of {@link TbpttBatches}, runs the
 * model from the carried state, backpropagates the mean cross-entropy through the chunk, clips the gradients to
 * the global norm {@link TrainConfig#clip()} and takes one {@link ResumableAdam} step.
 *
 * <p>Runs are reproducible. A {@link Checkpoint} holds everything the next step depends on (weights, Adam's moments
 * and step, the carried state, the position in the text), so a resumed run continues as if it had not stopped; and
 * the same seed, text, settings and BLAS thread count give the same run, bit for bit (on one machine and
 * software stack; see the README's section on determinism).
 *
 * <p>{@link #requestStop()} may be called from any thread (a shutdown hook): {@link #run} returns at the next step
 * boundary, with the model in a consistent state to save. The trainer owns the model and closes it.
 */
public final class Trainer implements AutoCloseable {
    /** Called after every step of {@link #run}. */
    @FunctionalInterface
    public interface StepListener {
        /**
         * @param step steps done so far (1 after the first)
         * @param loss mean cross-entropy of the step's chunk, in nats per character
         */
        void afterStep(long step, float loss);
    }

    private final CharLm model;
    private final Corpus corpus;
    private final TbpttBatches batches;
    private final ResumableAdam adam;
    private final List<Parameter> params;
    private final RecurrentState state;
    private final Tape tape = new Tape();
    private final int[] inputs;    // (T*B,) time-major
    private final int[] targets;   // (T*B,)
    private TrainConfig config;
    private long step;
    private float lastLoss = Float.NaN;
    private volatile boolean stopRequested;

    /** A trainer at step 0; it takes ownership of {@code model}. */
    public Trainer(CharLm model, Corpus corpus, TrainConfig config) {
        if (model == null || corpus == null || config == null) {
            throw new IllegalArgumentException("Trainer: model, corpus and config must not be null");
        }
        if (!model.vocabulary().equals(corpus.vocabulary())) {
            throw new IllegalArgumentException("Trainer: the corpus's vocabulary (" + corpus.vocabulary().size()
                    + " characters) differs from the model's (" + model.vocabulary().size() + ")");
        }
        this.model = model;
        this.corpus = corpus;
        this.config = config;
        this.batches = new TbpttBatches(corpus, config.batch(), config.seqLen());
        this.params = model.parameters();
        this.adam = new ResumableAdam(params, config.lr());
        this.state = model.newState(config.batch());
        this.inputs = new int[config.seqLen() * config.batch()];
        this.targets = new int[inputs.length];
    }

    /** One training step; returns its loss. */
    public float step() {
        if (step >= config.steps()) {
            throw new IllegalStateException("Trainer: all " + config.steps() + " steps are done");
        }
        if (batches.startsEpoch(step)) {
            state.reset();
        }
        batches.fill(step, inputs, targets);
        tape.reset();
        adam.zeroGrad();
        Var logits = model.logits(tape, inputs, config.seqLen(), config.batch(), state);
        Var loss = Ops.crossEntropy(tape, logits, targets);
        tape.backward(loss);
        GradClip.clipGlobalNorm(params, config.clip());
        adam.step();
        step++;
        lastLoss = loss.value().get(0);
        return lastLoss;
    }

    /**
     * Steps until {@link TrainConfig#steps()} are done or a stop is requested.
     *
     * @return the number of steps this call took
     */
    public long run(StepListener listener) {
        long first = step;
        while (step < config.steps() && !stopRequested) {
            float loss = step();
            if (listener != null) {
                listener.afterStep(step, loss);
            }
        }
        return step - first;
    }

    /** Asks {@link #run} to return after the current step; safe from any thread. */
    public void requestStop() {
        stopRequested = true;
    }

    /** True once {@link #requestStop()} was called. */
    public boolean stopRequested() {
        return stopRequested;
    }

    /** True when every step is done. */
    public boolean finished() {
        return step >= config.steps();
    }

    /** Steps done. */
    public long steps() {
        return step;
    }

    /** The loss of the last step (NaN before the first). */
    public float lastLoss() {
        return lastLoss;
    }

    /** The model being trained. */
    public CharLm model() {
        return model;
    }

    /** The text. */
    public Corpus corpus() {
        return corpus;
    }

    /** The settings. */
    public TrainConfig config() {
        return config;
    }

    /** Chunks (steps) per pass over the text. */
    public int chunksPerEpoch() {
        return batches.chunksPerEpoch();
    }

    /** Sets the total number of steps (to train further than planned, or stop earlier). */
    public void setTotalSteps(long steps) {
        config = config.withSteps(steps);
    }

    ResumableAdam optimizer() {
        return adam;
    }

    RecurrentState state() {
        return state;
    }

    /** Restores the position of a checkpoint (the optimizer's and the state's contents are restored by the caller). */
    void restoreStep(long restored) {
        if (restored < 0) {
            throw new IllegalArgumentException("Trainer: step must be >= 0, got " + restored);
        }
        this.step = restored;
        adam.setSteps(restored);
    }

    @Override
    public void close() {
        tape.close();
        state.close();
        adam.close();
        model.close();
    }
}
