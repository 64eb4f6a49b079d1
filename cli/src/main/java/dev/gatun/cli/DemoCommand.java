package dev.gatun.cli;

import dev.gatun.cli.train.BuiltInCorpus;
import dev.gatun.cli.train.GenerateExample;
import dev.gatun.cli.train.OptionChecks;
import dev.gatun.cli.train.StopOnShutdown;
import dev.gatun.cli.train.StreamingLatency;
import dev.gatun.cli.train.Threads;
import dev.gatun.cli.train.TrainingLoop;
import dev.gatun.cli.train.TrainingSession;
import dev.gatun.kernels.CellType;
import dev.gatun.train.CharLm;
import dev.gatun.train.Corpus;
import dev.gatun.train.LmConfig;
import dev.gatun.train.TrainConfig;
import dev.gatun.train.Trainer;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatun demo}: trains a 2-layer character-level LSTM on text that ships with Gatun (or the user's), then
 * shows the loss curve, samples, the streaming latency per character and the Java that loads the result.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = {
    "Train a 2-layer character-level LSTM language model in about two minutes, on Gatun's own README and Java "
            + "sources (no download) or on --text FILE.",
    "Truncated BPTT, gradient clipping and Adam; a progress bar and samples while it learns; then a loss curve "
            + "(PNG), a checkpoint, the streaming latency per character and the Java to load it."})
final class DemoCommand implements Callable<Integer> {
    static final LmConfig MODEL = new LmConfig(CellType.LSTM, 64, 256, 2);
    static final int SEQ_LEN = 64;
    static final int BATCH = 32;
    static final float LR = 3e-3f;
    static final float CLIP = 1f;

    @Spec
    CommandSpec spec;

    @Option(names = "--text", paramLabel = "FILE", description = "UTF-8 text to train on (default: the built-in text).")
    Path text;

    @Option(names = "--steps", description = "At most this many training steps of 64 x 32 characters "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "5000")
    long steps;

    @Option(names = "--seconds", description = "Stop after this many seconds of training, 0 for no limit (default: "
            + "${DEFAULT-VALUE}). For the same amount of training on every machine: --seconds 0 --steps N.",
            defaultValue = "120")
    double seconds;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "gatun-demo",
            description = "Where the checkpoint and loss.png go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", description = "Seed of the initialization and the samples (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    long seed;

    @Option(names = "--sample-every", description = "Steps between samples, 0 for none (default: ${DEFAULT-VALUE}).",
            defaultValue = "100")
    int sampleEvery;

    @Option(names = "--temperature", description = "Sampling temperature, 0 for greedy (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.8")
    float temperature;

    @Option(names = "--threads", description = Threads.HELP, defaultValue = "1")
    int threads;

    @Option(names = "--quiet", description = "No progress bar, samples or latency; just the summary.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        OptionChecks.range("--steps", steps, 1, 10_000_000);
        OptionChecks.nonNegative("--seconds", seconds);
        OptionChecks.range("--sample-every", sampleEvery, 0, Integer.MAX_VALUE);
        OptionChecks.nonNegative("--temperature", temperature);
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Threads.applyBlasThreads(threads, err);
        Corpus corpus = BuiltInCorpus.load(text);
        TrainConfig config = new TrainConfig(SEQ_LEN, BATCH, LR, CLIP, steps, seed);
        String prime = TrainingLoop.choosePrime(corpus.vocabulary(), "public ");
        try (Trainer trainer = new Trainer(new CharLm(corpus.vocabulary(), MODEL, seed), corpus, config)) {
            o.printf("Training a %d-layer character-level LSTM (embedding %d, hidden %d, %,d parameters)%n",
                    MODEL.layers(), MODEL.embed(), MODEL.hidden(), parameterCount(trainer));
            o.printf("on %s: %,d characters, %d distinct.%n", corpus.name(), corpus.length(),
                    corpus.vocabulary().size());
            o.printf("Truncated BPTT over %d streams x %d steps, Adam (lr %s), gradients clipped to norm %s; "
                    + "%s.%n", BATCH, SEQ_LEN, LR, CLIP,
                    seconds > 0 ? String.format("%.0f seconds (at most %,d steps)", seconds, steps)
                            : String.format("%,d steps", steps));
            o.flush();
            TrainingLoop.Settings settings = new TrainingLoop.Settings(quiet, sampleEvery, 160, temperature, prime,
                    seconds, seed);
            try (StopOnShutdown stop = new StopOnShutdown(trainer::requestStop, Duration.ofSeconds(60)).install()) {
                TrainingSession.Outcome outcome = TrainingSession.run(trainer, settings, out,
                        "gatun demo: 2-layer LSTM, hidden " + MODEL.hidden(), o, barStream(), stop, null);
                return report(outcome, trainer, corpus, prime, o);
            }
        }
    }

    /** The summary, the final sample, the latency and the Java snippet; the exit status. */
    private int report(TrainingSession.Outcome outcome, Trainer trainer, Corpus corpus, String prime, PrintWriter o) {
        TrainingLoop.Result r = outcome.result();
        int v = corpus.vocabulary().size();
        o.println();
        o.printf("Trained %,d steps (%.1f passes over the text) in %.1f s: %,.0f characters/s.%n", r.steps(),
                (double) r.steps() / trainer.chunksPerEpoch(), r.seconds(), r.charsPerSecond());
        o.printf("Loss %.3f -> %.3f nats/char (mean of the first and last 20 steps; a uniform guess is ln %d = %.3f)."
                + "%n", r.meanOfFirst(20), r.meanOfLast(20), v, Math.log(v));
        o.println("Loss curve: " + outcome.lossCurve());
        o.println("Checkpoint: " + outcome.checkpoint());
        if (outcome.interrupted()) {
            o.println("Interrupted at step " + trainer.steps() + "; the checkpoint is saved.");
            return 130;
        }
        o.println();
        o.printf("Sample (temperature %s):%n%s%s%n", temperature, prime,
                TrainingLoop.sample(trainer, prime, 400, temperature, seed));
        if (!quiet) {
            StreamingLatency.Result lat = StreamingLatency.measure(trainer.model(), 1, 1000, 300);
            o.println();
            o.printf("Streaming latency: %.1f µs per character (%,.0f characters/s): batch 1, %d thread, fp32, "
                    + "median of 3 rounds of %d characters after a warm-up.%n", lat.micros(), 1e6 / lat.micros(),
                    lat.threads(), lat.chars());
        }
        o.println();
        o.println("Load it from Java (gatun-autograd on the classpath, e.g. cli/target/gatun.jar):");
        o.println();
        GenerateExample.snippet(outcome.checkpoint()).lines().forEach(l -> o.println(l.isEmpty() ? "" : "    " + l));
        o.println();
        o.println("Or: ./gatun sample --model " + outcome.checkpoint() + " --prime 'public ' --length 400");
        return 0;
    }

    static long parameterCount(Trainer trainer) {
        long n = 0;
        for (var p : trainer.model().parameters()) {
            n += p.value().size();
        }
        return n;
    }

    /** The progress bar goes to stderr (tests redirect stdout through picocli only). */
    static PrintStream barStream() {
        return System.err;
    }
}
