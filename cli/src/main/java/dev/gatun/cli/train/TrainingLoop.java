package dev.gatun.cli.train;

import dev.gatun.autograd.Rng;
import dev.gatun.train.Generator;
import dev.gatun.train.Trainer;
import dev.gatun.train.Vocabulary;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.text.DecimalFormat;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Runs a {@link Trainer} for the commands: a progress bar (characters trained, loss, characters per second, ETA)
 * on stderr, a sample of generated text every few steps on stdout, an optional time budget, and the loss of every
 * step for the curve.
 */
public final class TrainingLoop {
    /**
     * How to run.
     *
     * @param quiet no progress bar and no samples
     * @param sampleEvery steps between samples (0: none)
     * @param sampleLength characters per sample
     * @param temperature sampling temperature (0: greedy)
     * @param prime text the samples start from (in the vocabulary)
     * @param seconds stop after this much training time (0: no limit)
     * @param seed seed of the samples' random draws
     */
    public record Settings(boolean quiet, int sampleEvery, int sampleLength, float temperature, String prime,
                           double seconds, long seed) {}

    /**
     * What a run did.
     *
     * @param firstStep the trainer's step count before the run
     * @param losses loss of each step of the run
     * @param seconds training time, samples excluded
     * @param outOfTime the time budget ended the run
     * @param charsPerStep characters trained per step (seq-len x batch)
     */
    public record Result(long firstStep, float[] losses, double seconds, boolean outOfTime, int charsPerStep) {
        /** Steps taken. */
        public int steps() {
            return losses.length;
        }

        /** Characters trained per second. */
        public double charsPerSecond() {
            return seconds > 0 ? (double) steps() * charsPerStep / seconds : 0;
        }

        /** Mean loss of the first {@code n} steps (fewer if the run was shorter). */
        public double meanOfFirst(int n) {
            return mean(0, Math.min(n, losses.length));
        }

        /** Mean loss of the last {@code n} steps. */
        public double meanOfLast(int n) {
            return mean(Math.max(0, losses.length - n), losses.length);
        }

        private double mean(int from, int to) {
            double s = 0;
            for (int i = from; i < to; i++) {
                s += losses[i];
            }
            return to > from ? s / (to - from) : Double.NaN;
        }
    }

    private TrainingLoop() {}

    /**
     * Trains until the trainer's steps are done, the time budget is spent or a stop is requested.
     *
     * @param extra called after every step as well (tests), or null
     */
    public static Result run(Trainer trainer, Settings s, PrintWriter out, PrintStream barStream,
                             Trainer.StepListener extra) {
        long first = trainer.steps();
        long total = trainer.config().steps();
        int charsPerStep = trainer.config().seqLen() * trainer.config().batch();
        float[] losses = new float[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, total - first))];
        long[] sampleNanos = new long[1];
        boolean[] outOfTime = new boolean[1];
        double[] smooth = {Double.NaN};
        long start = System.nanoTime();
        long budget = s.seconds() > 0 ? (long) (s.seconds() * 1e9) : Long.MAX_VALUE;
        // On a terminal the bar redraws in place; elsewhere (a log, a pipe) it prints a whole line every 10 s.
        boolean terminal = System.console() != null && System.console().isTerminal();
        ProgressBar bar = s.quiet() ? null : new ProgressBarBuilder()
                .setTaskName("train")
                .setInitialMax((total - first) * charsPerStep)
                .setUnit("k chars", 1000)
                .showSpeed(new DecimalFormat("#,##0.0"))
                .setSpeedUnit(ChronoUnit.SECONDS)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(terminal ? 250 : 10_000)
                .setConsumer(terminal ? new ConsoleProgressBarConsumer(barStream)
                        : new DelegatingProgressBarConsumer(barStream::println, 100))
                .build();
        try {
            trainer.run((step, loss) -> {
                int i = (int) (step - first - 1);
                losses[i] = loss;
                smooth[0] = Double.isNaN(smooth[0]) ? loss : 0.95 * smooth[0] + 0.05 * loss;
                long elapsed = System.nanoTime() - start - sampleNanos[0];
                if (bar != null) {
                    bar.stepBy(charsPerStep);
                    bar.setExtraMessage(String.format(" loss %.3f", smooth[0]));
                    if (budget != Long.MAX_VALUE) {
                        // With a time budget, the end is where the current speed gets by then: keeps % and ETA true.
                        long projected = (long) ((double) bar.getCurrent() / elapsed * budget);
                        bar.maxHint(Math.max(bar.getCurrent(), Math.min((total - first) * charsPerStep, projected)));
                    }
                }
                if (!s.quiet() && s.sampleEvery() > 0 && step % s.sampleEvery() == 0 && step < total) {
                    long t0 = System.nanoTime();
                    printSample(trainer, s, step, smooth[0], out);
                    sampleNanos[0] += System.nanoTime() - t0;
                }
                if (elapsed >= budget && step < total) {
                    outOfTime[0] = true;
                    trainer.requestStop();
                    if (bar != null) {
                        bar.maxHint(bar.getCurrent());
                    }
                }
                if (extra != null) {
                    extra.afterStep(step, loss);
                }
            });
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        double seconds = (System.nanoTime() - start - sampleNanos[0]) / 1e9;
        int done = (int) (trainer.steps() - first);
        return new Result(first, java.util.Arrays.copyOf(losses, done), seconds, outOfTime[0], charsPerStep);
    }

    /** A sample of the current model: {@code length} characters after the prime. */
    public static String sample(Trainer trainer, String prime, int length, float temperature, long seed) {
        try (Generator gen = new Generator(trainer.model())) {
            return gen.sample(prime, length, temperature, new Rng(seed));
        }
    }

    private static void printSample(Trainer trainer, Settings s, long step, double loss, PrintWriter out) {
        String text = sample(trainer, s.prime(), s.sampleLength(), s.temperature(), s.seed() + step);
        out.println();
        out.printf("--- step %d, loss %.3f, sample at temperature %s ---%n", step, loss, s.temperature());
        out.println(s.prime() + text);
        out.println("---");
        out.flush();
    }

    /** {@code preferred} when the vocabulary has all its characters, else a newline or the first character. */
    public static String choosePrime(Vocabulary vocabulary, String preferred) {
        if (preferred.codePoints().allMatch(cp -> vocabulary.indexOf(cp) >= 0)) {
            return preferred;
        }
        return vocabulary.indexOf('\n') >= 0 ? "\n" : Character.toString(vocabulary.codePoint(0));
    }
}
