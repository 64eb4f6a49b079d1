package dev.gatun.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.gatun.kernels.CellType;
import dev.gatun.train.CharLm;
import dev.gatun.train.Checkpoint;
import dev.gatun.train.Corpus;
import dev.gatun.train.LmConfig;
import dev.gatun.train.TrainConfig;
import dev.gatun.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingSessionTest {
    @TempDir
    Path dir;

    private static Trainer trainer(long steps) {
        Corpus corpus = Corpus.of("fox", "the quick brown fox jumps over the lazy dog.\n".repeat(20));
        return new Trainer(new CharLm(corpus.vocabulary(), new LmConfig(CellType.LSTM, 8, 16, 1), 1), corpus,
                new TrainConfig(8, 4, 1e-2f, 1f, steps, 1));
    }

    private static TrainingLoop.Settings quiet(double seconds) {
        return new TrainingLoop.Settings(true, 0, 10, 1f, "the", seconds, 1);
    }

    /** A shutdown (Ctrl-C) mid-run, simulated by running the hook's body on another thread: stop, save, release. */
    @Test
    void shutdownStopsAtAStepBoundaryAndWaitsForTheCheckpoint() throws Exception {
        Path out = dir.resolve("run");
        Path ckpt = out.resolve(TrainingSession.CHECKPOINT);
        try (Trainer t = trainer(100_000)) {
            StopOnShutdown stop = new StopOnShutdown(t::requestStop, Duration.ofSeconds(30));
            AtomicBoolean savedWhenHookReturned = new AtomicBoolean();
            AtomicLong hookStep = new AtomicLong(-1);
            Thread[] hook = new Thread[1];
            TrainingSession.Outcome o = TrainingSession.run(t, quiet(0), out, "test", new PrintWriter(new StringWriter()),
                    System.err, stop, (step, loss) -> {
                        if (step == 3) {
                            hook[0] = new Thread(() -> {
                                stop.onShutdown();
                                savedWhenHookReturned.set(Files.isRegularFile(ckpt));
                            });
                            hook[0].start();
                        }
                        if (hook[0] != null && hookStep.get() < 0 && t.stopRequested()) {
                            hookStep.set(step);
                        }
                    });
            stop.close();   // as the command does once it has reported
            hook[0].join(30_000);
            assertFalse(hook[0].isAlive());
            assertTrue(o.interrupted());
            assertTrue(savedWhenHookReturned.get(), "the hook returned before the checkpoint was written");
            assertTrue(t.steps() < 100_000 && t.steps() >= 3, "stopped at " + t.steps());
            assertEquals(t.steps(), o.result().steps());
            try (Checkpoint c = Checkpoint.open(ckpt)) {
                assertEquals(t.steps(), c.step());
            }
            assertTrue(Files.isRegularFile(out.resolve(TrainingSession.LOSS_PNG)));
        }
    }

    @Test
    void aNormalEndReleasesAndUnregistersTheHook() throws Exception {
        try (Trainer t = trainer(3)) {
            StopOnShutdown stop = new StopOnShutdown(t::requestStop, Duration.ofSeconds(30)).install();
            TrainingSession.Outcome o;
            try (stop) {
                o = TrainingSession.run(t, quiet(0), dir, "test", new PrintWriter(new StringWriter()), System.err,
                        stop, null);
            }
            assertFalse(o.interrupted());
            assertEquals(3, o.result().steps());
            long t0 = System.nanoTime();
            stop.onShutdown();   // a late signal finds the latch open and returns at once
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
        }
    }

    @Test
    void timeBudgetStopsTheRunAndTheBarAndSamplesRender() {
        try (Trainer t = trainer(1_000_000)) {
            StringWriter text = new StringWriter();
            ByteArrayOutputStream bar = new ByteArrayOutputStream();
            TrainingLoop.Result r = TrainingLoop.run(t, new TrainingLoop.Settings(false, 5, 12, 0.5f, "the", 0.5, 1),
                    new PrintWriter(text, true), new PrintStream(bar, true), null);
            assertTrue(r.outOfTime());
            assertTrue(r.steps() >= 5 && t.steps() == r.steps(), "steps " + r.steps());
            assertTrue(r.charsPerSecond() > 0);
            assertTrue(text.toString().contains("--- step 5, loss"), text.toString());
            assertTrue(bar.toString().contains("chars"), bar.toString());
            assertTrue(bar.toString().contains("loss"), bar.toString());
        }
    }

    @Test
    void primeFallsBackToCharactersTheModelKnows() {
        var v = Corpus.of("x", "ab\ncd").vocabulary();
        assertEquals("ab", TrainingLoop.choosePrime(v, "ab"));
        assertEquals("\n", TrainingLoop.choosePrime(v, "public "));
        assertEquals("a", TrainingLoop.choosePrime(Corpus.of("y", "abab").vocabulary(), "xyz"));
    }
}
