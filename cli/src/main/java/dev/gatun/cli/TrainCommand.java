package dev.gatun.cli;

import dev.gatun.cli.train.BuiltInCorpus;
import dev.gatun.cli.train.OptionChecks;
import dev.gatun.cli.train.StopOnShutdown;
import dev.gatun.cli.train.Threads;
import dev.gatun.cli.train.TrainingLoop;
import dev.gatun.cli.train.TrainingSession;
import dev.gatun.kernels.CellType;
import dev.gatun.train.CharLm;
import dev.gatun.train.Checkpoint;
import dev.gatun.train.Corpus;
import dev.gatun.train.LmConfig;
import dev.gatun.train.TbpttBatches;
import dev.gatun.train.TrainConfig;
import dev.gatun.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatun train}: trains a character-level language model with every setting exposed; Ctrl-C saves. */
@Command(name = "train", mixinStandardHelpOptions = true, description = {
    "Train a character-level language model (embedding -> RNN/LSTM/GRU stack -> linear head) with truncated BPTT, "
            + "gradient clipping and Adam.",
    "Writes DIR/model.safetensors (weights with PyTorch names, optimizer state, settings) and DIR/loss.png. "
            + "Ctrl-C stops at the next step and saves the checkpoint; --resume continues where it stopped."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--text", paramLabel = "FILE",
            description = "UTF-8 text to train on (default: the built-in demo text).")
    Path text;

    @Option(names = "--cell", defaultValue = "lstm", description = "rnn (tanh), lstm or gru (default: ${DEFAULT-VALUE}).")
    String cell;

    @Option(names = "--layers", defaultValue = "2", description = "Stacked recurrent layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--hidden", defaultValue = "256", description = "Hidden size of each layer (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--embed", defaultValue = "64", description = "Character embedding size (default: ${DEFAULT-VALUE}).")
    int embed;

    @Option(names = "--seq-len", description = "BPTT chunk length in characters (default: ${DEFAULT-VALUE}).",
            defaultValue = "64")
    int seqLen;

    @Option(names = "--batch", description = "Parallel streams over the text (default: ${DEFAULT-VALUE}).",
            defaultValue = "32")
    int batch;

    @Option(names = "--lr", description = "Adam learning rate (default: ${DEFAULT-VALUE}).", defaultValue = "0.003")
    float lr;

    @Option(names = "--clip", description = "Clip gradients to this global L2 norm (default: ${DEFAULT-VALUE}).",
            defaultValue = "1.0")
    float clip;

    @Option(names = "--epochs", description = "Passes over the text (default: ${DEFAULT-VALUE}); --steps overrides.",
            defaultValue = "1")
    int epochs;

    @Option(names = "--steps", description = "Total optimizer steps (default: from --epochs).", defaultValue = "0")
    long steps;

    @Option(names = "--seconds", description = "Stop after this many seconds of training (default: no limit).",
            defaultValue = "0")
    double seconds;

    @Option(names = "--seed", description = "Seed of the initialization and the samples (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    long seed;

    @Option(names = "--threads", description = Threads.HELP, defaultValue = "1")
    int threads;

    @Option(names = "--resume", paramLabel = "CKPT", description = "Continue training from this checkpoint.")
    Path resume;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).",
            defaultValue = "gatun-train")
    Path out;

    @Option(names = "--sample-every", description = "Steps between samples, 0 for none (default: ${DEFAULT-VALUE}).",
            defaultValue = "200")
    int sampleEvery;

    @Option(names = "--temperature", description = "Sampling temperature, 0 for greedy (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.8")
    float temperature;

    @Option(names = "--quiet", description = "No progress bar or samples; just the summary.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        CellType cellType = cellType(cell);
        OptionChecks.range("--layers", layers, 1, 64);
        OptionChecks.range("--hidden", hidden, 1, 65_536);
        OptionChecks.range("--embed", embed, 1, 65_536);
        OptionChecks.range("--seq-len", seqLen, 1, 1_000_000);
        OptionChecks.range("--batch", batch, 1, 1_000_000);
        OptionChecks.positive("--lr", lr);
        OptionChecks.positive("--clip", clip);
        OptionChecks.range("--epochs", epochs, 1, 1_000_000);
        OptionChecks.range("--steps", steps, 0, Long.MAX_VALUE / 2);
        OptionChecks.nonNegative("--seconds", seconds);
        OptionChecks.range("--sample-every", sampleEvery, 0, Integer.MAX_VALUE);
        OptionChecks.nonNegative("--temperature", temperature);
        PrintWriter o = spec.commandLine().getOut();
        Threads.applyBlasThreads(threads, spec.commandLine().getErr());
        Corpus corpus = BuiltInCorpus.load(text);
        try (Trainer trainer = resume == null ? fresh(cellType, corpus) : resumed(corpus)) {
            LmConfig m = trainer.model().config();
            TrainConfig c = trainer.config();
            o.printf("%s %s: %d-layer %s, embedding %d, hidden %d; text %s (%,d characters, %d distinct)%n",
                    resume == null ? "Training" : "Resuming at step " + trainer.steps() + ",",
                    "to step " + c.steps(), m.layers(), m.cell().name().toLowerCase(Locale.ROOT), m.embed(),
                    m.hidden(), corpus.name(), corpus.length(), corpus.vocabulary().size());
            o.printf("TBPTT %d streams x %d steps (%d steps per pass), Adam lr %s, clip %s, seed %d%n", c.batch(),
                    c.seqLen(), trainer.chunksPerEpoch(), c.lr(), c.clip(), c.seed());
            o.flush();
            String prime = TrainingLoop.choosePrime(corpus.vocabulary(), "public ");
            TrainingLoop.Settings settings = new TrainingLoop.Settings(quiet, sampleEvery, 160, temperature, prime,
                    seconds, c.seed());
            try (StopOnShutdown stop = new StopOnShutdown(trainer::requestStop, Duration.ofSeconds(60)).install()) {
                TrainingSession.Outcome outcome = TrainingSession.run(trainer, settings, out, "gatun train: "
                        + m.layers() + "-layer " + m.cell().name().toLowerCase(Locale.ROOT) + ", hidden " + m.hidden(),
                        o, DemoCommand.barStream(), stop, null);
                TrainingLoop.Result r = outcome.result();
                o.println();
                o.printf("Step %,d of %,d: %,d steps in %.1f s (%,.0f characters/s), loss %.3f -> %.3f "
                        + "(mean of the first and last 20 steps of this run)%n", trainer.steps(), c.steps(), r.steps(),
                        r.seconds(), r.charsPerSecond(), r.meanOfFirst(20), r.meanOfLast(20));
                o.println("Checkpoint: " + outcome.checkpoint());
                if (outcome.lossCurve() != null) {
                    o.println("Loss curve: " + outcome.lossCurve());
                }
                if (!trainer.finished()) {
                    o.println((outcome.interrupted() ? "Interrupted" : "Stopped by --seconds") + "; continue with: "
                            + "gatun train --resume " + outcome.checkpoint()
                            + (text == null ? "" : " --text " + text));
                }
                return outcome.interrupted() ? 130 : 0;
            }
        }
    }

    private Trainer fresh(CellType cellType, Corpus corpus) {
        long total = steps > 0 ? steps : (long) epochs * new TbpttBatches(corpus, batch, seqLen).chunksPerEpoch();
        LmConfig model = new LmConfig(cellType, embed, hidden, layers);
        return new Trainer(new CharLm(corpus.vocabulary(), model, seed), corpus,
                new TrainConfig(seqLen, batch, lr, clip, total, seed));
    }

    private Trainer resumed(Corpus corpus) throws IOException {
        var parsed = spec.commandLine().getParseResult();
        try (Checkpoint ckpt = Checkpoint.open(resume)) {
            TrainConfig saved = ckpt.trainConfig();
            LmConfig m = ckpt.lmConfig();
            String savedCell = m.cell().name().toLowerCase(Locale.ROOT);
            unchanged(parsed, "--cell", cellType(cell).name().toLowerCase(Locale.ROOT), savedCell);
            unchanged(parsed, "--layers", layers, m.layers());
            unchanged(parsed, "--hidden", hidden, m.hidden());
            unchanged(parsed, "--embed", embed, m.embed());
            unchanged(parsed, "--seq-len", seqLen, saved.seqLen());
            unchanged(parsed, "--batch", batch, saved.batch());
            unchanged(parsed, "--seed", seed, saved.seed());
            TrainConfig config = saved;
            if (parsed.hasMatchedOption("--steps") || parsed.hasMatchedOption("--epochs")) {
                config = config.withSteps(steps > 0 ? steps
                        : (long) epochs * new TbpttBatches(corpus, saved.batch(), saved.seqLen()).chunksPerEpoch());
            }
            if (parsed.hasMatchedOption("--lr")) {
                config = config.withLr(lr);
            }
            if (parsed.hasMatchedOption("--clip")) {
                config = config.withClip(clip);
            }
            if (config.steps() <= ckpt.step()) {
                throw new IllegalArgumentException("--resume: the checkpoint is at step " + ckpt.step() + " of "
                        + config.steps() + "; pass --steps (total) or --epochs beyond it to train further");
            }
            return ckpt.resume(corpus, config);
        }
    }

    /** Options that shape the run come from the checkpoint: giving another value is an error. */
    private static void unchanged(picocli.CommandLine.ParseResult parsed, String option, Object given, Object saved) {
        if (parsed.hasMatchedOption(option) && !given.equals(saved)) {
            throw new IllegalArgumentException(option + " cannot change on --resume: the checkpoint has " + saved
                    + ", got " + given);
        }
    }

    static CellType cellType(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "lstm" -> CellType.LSTM;
            case "gru" -> CellType.GRU;
            case "rnn" -> CellType.RNN_TANH;
            default -> throw new IllegalArgumentException("--cell must be rnn, lstm or gru, got '" + name + "'");
        };
    }
}
