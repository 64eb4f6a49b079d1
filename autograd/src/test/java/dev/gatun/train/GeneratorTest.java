package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.nn.RecurrentState;
import dev.gatun.kernels.CellType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
    @TempDir
    Path dir;

    /** The checks that run the models, in a child JVM (see {@link ChildJvmSuite}). */
    @Test
    void generationChecksInAChildJvm() throws Exception {
        ChildJvmSuite.run(GeneratorTest.class, "streamingLogitsMatchTheTrainingForward",
                "greedyIsDeterministicAndATrainedModelContinuesItsText", "aModelFileWithoutTrainingMetadataLoads",
                "badArgumentsAreRejected", "feedAndPickAllocateNothing");
    }

    /** After warm-up a generated character (feed, then pick) allocates nothing: the smallest round average is 0. */
    void feedAndPickAllocateNothing() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Corpus corpus = Corpus.of("t", TrainerTest.TEXT);
        try (CharLm lm = new CharLm(corpus.vocabulary(), new LmConfig(CellType.LSTM, 16, 96, 2), 5);
             Generator gen = new Generator(lm)) {
            Rng rng = new Rng(3);
            int token = 0;
            double best = Double.MAX_VALUE;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (best > 0 && System.nanoTime() < deadline) {
                for (int i = 0; i < 2000; i++) {
                    gen.feed(token);
                    token = gen.pick(1f, rng);
                }
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 2000; i++) {
                    gen.feed(token);
                    token = gen.pick(1f, rng);
                }
                best = Math.min(best, (threads.getCurrentThreadAllocatedBytes() - before) / 2000.0);
            }
            assertEquals(0.0, best, "bytes per generated character");
        }
    }

    /** LSTM here; GRU and RNN in {@link OtherCellsChildJvmTest} (see {@link TrainerTest}). */
    void streamingLogitsMatchTheTrainingForward() {
        checkStreamingMatchesForward(CellType.LSTM);
    }

    static void checkStreamingMatchesForward(CellType... cells) {
        for (CellType cell : cells) {
            Corpus corpus = Corpus.of("t", TrainerTest.TEXT);
            String prime = "the lazy fox";
            int[] tokens = corpus.vocabulary().encode(prime);
            try (CharLm lm = new CharLm(corpus.vocabulary(), new LmConfig(cell, 8, 24, 2), 4);
                 Generator gen = new Generator(lm); Tape tape = new Tape(); RecurrentState s = lm.newState(1)) {
                Var logits = lm.logits(tape, tokens, tokens.length, 1, s);   // (T, 1, V)
                int v = corpus.vocabulary().size();
                for (int t = 0; t < tokens.length; t++) {
                    float[] got = gen.feed(tokens[t]);
                    for (int k = 0; k < v; k++) {
                        assertEquals(logits.value().get(t, 0, k), got[k], 1e-4f, cell + " step " + t + " class " + k);
                    }
                }
            }
        }
    }

    void greedyIsDeterministicAndATrainedModelContinuesItsText() throws Exception {
        try (Trainer t = TrainerTest.trainer(CellType.LSTM, 2, 150, 3)) {
            t.run(null);
            Checkpoint.save(dir.resolve("lm.safetensors"), t);
        }
        try (CharLm lm = Checkpoint.loadModel(dir.resolve("lm.safetensors")); Generator gen = new Generator(lm, 2)) {
            String a = gen.sample("the quick brown ", 20, 0f, null);
            String b = gen.sample("the quick brown ", 20, 0f, null);
            assertEquals(a, b);
            assertTrue(a.startsWith("fox"), a);
            String sampled = gen.sample("the ", 50, 0.8f, new Rng(1));
            assertEquals(50, sampled.codePointCount(0, sampled.length()));
            assertEquals(sampled, gen.sample("the ", 50, 0.8f, new Rng(1)));
        }
    }

    /** A state dict under the contract's names plus gatun.vocab (as a PyTorch export would write): sizes from shapes. */
    void aModelFileWithoutTrainingMetadataLoads() throws Exception {
        Corpus corpus = Corpus.of("t", TrainerTest.TEXT);
        Path file = dir.resolve("exported.safetensors");
        int[] prime = corpus.vocabulary().encode("the quick");
        float[] expected;
        try (CharLm lm = new CharLm(corpus.vocabulary(), new LmConfig(CellType.LSTM, 6, 10, 3), 8);
             Generator gen = new Generator(lm)) {
            dev.gatun.io.SafeTensorsWriter w = new dev.gatun.io.SafeTensorsWriter()
                    .metadata("gatun.vocab", corpus.vocabulary().toJson());
            for (var e : lm.namedParameters().entrySet()) {
                w.add(e.getKey(), e.getValue().value(), dev.gatun.io.DType.F32);
            }
            w.write(file);
            for (int t : prime) {
                gen.feed(t);
            }
            expected = gen.feed(prime[0]).clone();
        }
        try (Checkpoint c = Checkpoint.open(file)) {
            assertEquals(new LmConfig(CellType.LSTM, 6, 10, 3), c.lmConfig());
        }
        try (CharLm lm = Checkpoint.loadModel(file); Generator gen = new Generator(lm)) {
            for (int t : prime) {
                gen.feed(t);
            }
            assertArrayEquals(expected, gen.feed(prime[0]), 1e-5f);   // exp/tanh may round differently once JIT-compiled
        }
    }

    void badArgumentsAreRejected() {
        Corpus corpus = Corpus.of("t", "abcabc");
        try (CharLm lm = new CharLm(corpus.vocabulary(), new LmConfig(CellType.LSTM, 4, 8, 1), 0);
             Generator gen = new Generator(lm)) {
            assertThrows(IllegalArgumentException.class, () -> gen.sample("", 5, 1f, new Rng(0)));
            assertThrows(IllegalArgumentException.class, () -> gen.sample("xyz", 5, 1f, new Rng(0)));
            assertThrows(IllegalArgumentException.class, () -> gen.sample("a", -1, 1f, new Rng(0)));
            assertThrows(IllegalArgumentException.class, () -> gen.sample("a", 5, -1f, new Rng(0)));
            assertThrows(IllegalArgumentException.class, () -> gen.feed(3));
            assertThrows(IllegalArgumentException.class, () -> new Generator(lm, 3));
        }
    }
}
