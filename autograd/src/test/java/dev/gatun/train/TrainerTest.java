package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.optim.Adam;
import dev.gatun.kernels.CellType;
import dev.gatun.io.SafeTensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    static final String TEXT = "the quick brown fox jumps over the lazy dog. ".repeat(12);

    @TempDir
    Path dir;

    /** The checks that train, in a child JVM (see {@link ChildJvmSuite}). */
    @Test
    void trainingChecksInAChildJvm() throws Exception {
        ChildJvmSuite.run(TrainerTest.class, "lossFallsOnARepetitiveText", "sameSeedGivesTheSameWeights",
                "resumingFromACheckpointContinuesTheRun", "checkpointFollowsTheModelFileContract",
                "resumeRejectsAnotherTextOrShape", "stopRequestEndsTheRunAtAStepBoundary", "stepAfterTheLastThrows",
                // Adam on tiny parameters too: seen in the test JVM, they make PanamaAdam box its vectors later.
                "resumableAdamMatchesAdamBitForBit", "badSettingsAreRejectedWithTheirNames");
    }

    static Trainer trainer(CellType cell, int layers, long steps, long seed) {
        Corpus corpus = Corpus.of("test", TEXT);
        return new Trainer(new CharLm(corpus.vocabulary(), new LmConfig(cell, 8, 24, layers), seed), corpus,
                new TrainConfig(16, 4, 1e-2f, 1f, steps, seed));
    }

    static List<float[]> weights(Trainer t) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : t.model().parameters()) {
            out.add(p.value().toArray());
        }
        return out;
    }

    static void assertSameBits(List<float[]> a, List<float[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            float[] x = a.get(i);
            float[] y = b.get(i);
            assertEquals(x.length, y.length);
            for (int k = 0; k < x.length; k++) {
                assertEquals(Float.floatToRawIntBits(x[k]), Float.floatToRawIntBits(y[k]),
                        "parameter " + i + " element " + k + ": " + x[k] + " vs " + y[k]);
            }
        }
    }

    void lossFallsOnARepetitiveText() {
        try (Trainer t = trainer(CellType.LSTM, 2, 150, 3)) {
            float[] first = new float[1];
            t.run((step, loss) -> {
                if (step == 1) {
                    first[0] = loss;
                }
            });
            assertEquals(150, t.steps());
            assertTrue(t.finished());
            assertTrue(first[0] > 2.5f, "initial loss ~ ln(V): " + first[0]);
            assertTrue(t.lastLoss() < 0.5f * first[0], "loss " + first[0] + " -> " + t.lastLoss());
        }
    }

    static void assertClose(List<float[]> a, List<float[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), 1e-4f, "parameter " + i);
        }
    }

    /** Bit for bit, in this JVM (and in fresh JVMs: {@link ExactTrainingChildJvmTest}). */
    void sameSeedGivesTheSameWeights() {
        checkSameSeed(CellType.LSTM);
    }

    static void checkSameSeed(CellType cell) {
        try (Trainer a = trainer(cell, 2, 10, 5); Trainer b = trainer(cell, 2, 10, 5)) {
            a.run(null);
            b.run(null);
            assertSameBits(weights(a), weights(b));
        }
    }

    /**
     * LSTM only in this JVM: GRU and RNN runs here would make the sequence kernels' call sites megamorphic and
     * break TrainingStepAllocationTest's no-allocation premise; {@link OtherCellsChildJvmTest} covers them.
     */
    void resumingFromACheckpointContinuesTheRun() throws Exception {
        checkResume(dir, true, CellType.LSTM);
    }

    /** Trains n steps straight, and n/2+2 then save, resume, the rest: the same weights (bitwise or to rounding). */
    static void checkResume(Path dir, boolean bitwise, CellType... cells) throws Exception {
        for (CellType cell : cells) {
            // 8 chunks per epoch: the halves cross an epoch boundary, so the carried state and its reset both count.
            long n = 14;
            Path file = dir.resolve(cell + ".safetensors");
            List<float[]> straight;
            try (Trainer a = trainer(cell, 2, n, 9)) {
                assertEquals(8, a.chunksPerEpoch());
                a.run(null);
                straight = weights(a);
            }
            try (Trainer half = trainer(cell, 2, n, 9)) {
                half.setTotalSteps(n / 2 + 2);
                half.run(null);
                Checkpoint.save(file, half);
            }
            try (Checkpoint c = Checkpoint.open(file); Trainer rest = c.resume(Corpus.of("test", TEXT),
                    c.trainConfig().withSteps(n))) {
                assertEquals(n / 2 + 2, rest.steps());
                rest.run(null);
                assertEquals(n, rest.steps());
                if (bitwise) {
                    assertSameBits(straight, weights(rest));
                } else {
                    assertClose(straight, weights(rest));
                }
            }
        }
    }

    void checkpointFollowsTheModelFileContract() throws Exception {
        Path file = dir.resolve("lm.safetensors");
        try (Trainer t = trainer(CellType.LSTM, 2, 3, 1)) {
            t.run(null);
            Checkpoint.save(file, t);
        }
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            for (String name : List.of("embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l1", "rnn.bias_ih_l1",
                    "rnn.bias_hh_l0", "head.weight", "head.bias", "optimizer.exp_avg.rnn.weight_ih_l0",
                    "optimizer.exp_avg_sq.head.bias", "optimizer.tbptt.h", "optimizer.tbptt.c")) {
                assertTrue(f.contains(name), name + " in " + f.names());
            }
            for (String name : f.names()) {
                assertTrue(name.startsWith("embedding.") || name.startsWith("rnn.") || name.startsWith("head.")
                        || name.startsWith("optimizer."), name);
            }
            Map<String, String> m = f.metadata();
            assertEquals("lstm", m.get("gatun.cell"));
            assertEquals("false", m.get("gatun.batch_first"));
            assertEquals("1", m.get("gatun.format"));
            assertEquals("3", m.get("gatun.step"));
            assertEquals("adam", m.get("gatun.optimizer"));
            assertEquals(Vocabulary.of(TEXT), Vocabulary.fromJson(m.get("gatun.vocab")));
            assertEquals("24", m.get("gatun.train.hidden"));
            assertArrayEquals(new int[] {Vocabulary.of(TEXT).size(), 8}, f.entry("embedding.weight").shape());
        }
    }

    void resumeRejectsAnotherTextOrShape() throws Exception {
        Path file = dir.resolve("lm.safetensors");
        try (Trainer t = trainer(CellType.LSTM, 1, 2, 1)) {
            t.run(null);
            Checkpoint.save(file, t);
        }
        try (Checkpoint c = Checkpoint.open(file)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.resume(Corpus.of("other", TEXT + "!"), c.trainConfig()));
            assertTrue(e.getMessage().contains("another text"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> c.resume(Corpus.of("test", TEXT), new TrainConfig(8, 4, 1e-2f, 1f, 5, 1)));
            assertTrue(e.getMessage().contains("seq-len"), e.getMessage());
        }
    }

    /** The same gradients through both optimizers, five steps: the same bits. */
    void resumableAdamMatchesAdamBitForBit() {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            List<Parameter> a = new ArrayList<>();
            List<Parameter> b = new ArrayList<>();
            dev.gatun.autograd.Rng rng = new dev.gatun.autograd.Rng(3);
            for (int[] shape : new int[][] {{7, 5}, {33}, {1}}) {
                Parameter p = Parameter.allocate(arena, "p" + a.size(), shape);
                Parameter q = Parameter.allocate(arena, "q" + b.size(), shape);
                for (int i = 0; i < p.value().size(); i++) {
                    float w = (float) rng.nextGaussian();
                    p.value().segment().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, w);
                    q.value().segment().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, w);
                }
                a.add(p);
                b.add(q);
            }
            try (Adam adam = new Adam(a, 3e-3f); ResumableAdam mine = new ResumableAdam(b, 3e-3f)) {
                for (int step = 0; step < 5; step++) {
                    for (int k = 0; k < a.size(); k++) {
                        for (int i = 0; i < a.get(k).grad().size(); i++) {
                            float g = (float) (rng.nextGaussian() * Math.pow(10, step - 2));
                            a.get(k).grad().segment().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, g);
                            b.get(k).grad().segment().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, g);
                        }
                    }
                    adam.step();
                    mine.step();
                }
                assertEquals(5, mine.steps());
            }
            List<float[]> x = new ArrayList<>();
            List<float[]> y = new ArrayList<>();
            for (int k = 0; k < a.size(); k++) {
                x.add(a.get(k).value().toArray());
                y.add(b.get(k).value().toArray());
            }
            assertSameBits(x, y);
        }
    }

    void stopRequestEndsTheRunAtAStepBoundary() {
        try (Trainer t = trainer(CellType.LSTM, 1, 1000, 1)) {
            long done = t.run((step, loss) -> {
                if (step == 5) {
                    t.requestStop();
                }
            });
            assertEquals(5, done);
            assertTrue(t.stopRequested());
            assertFalse(t.finished());
        }
    }

    void stepAfterTheLastThrows() {
        try (Trainer t = trainer(CellType.LSTM, 1, 1, 1)) {
            t.step();
            assertThrows(IllegalStateException.class, t::step);
        }
    }

    void badSettingsAreRejectedWithTheirNames() {
        assertThrows(IllegalArgumentException.class, () -> new TrainConfig(0, 4, 1e-3f, 1f, 1, 0));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TrainConfig(4, 4, -1f, 1f, 1, 0))
                .getMessage().startsWith("lr"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TrainConfig(4, 4, 1f, 0f, 1, 0))
                .getMessage().startsWith("clip"));
        assertThrows(IllegalArgumentException.class, () -> new LmConfig(CellType.LSTM, 8, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new LmConfig(CellType.GRU_CLASSIC, 8, 8, 1));
        Corpus corpus = Corpus.of("test", TEXT);
        Corpus other = Corpus.of("x", "abcabc");
        try (CharLm lm = new CharLm(other.vocabulary(), new LmConfig(CellType.LSTM, 4, 4, 1), 0)) {
            assertThrows(IllegalArgumentException.class,
                    () -> new Trainer(lm, corpus, new TrainConfig(4, 4, 1e-3f, 1f, 1, 0)));
        }
    }
}
