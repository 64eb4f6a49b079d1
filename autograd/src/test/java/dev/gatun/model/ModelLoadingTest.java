package dev.gatun.model;

import static dev.gatun.model.Goldens.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.autograd.nn.Embedding;
import dev.gatun.autograd.nn.Linear;
import dev.gatun.autograd.nn.Recurrent;
import dev.gatun.io.DType;
import dev.gatun.io.SafeTensorsWriter;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.kernels.stream.WeightFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State_dict loading: architecture inference, prefixes, heads, checkpoints, and the errors of broken files. */
class ModelLoadingTest {
    @TempDir
    Path dir;

    private static final StackShape LSTM2 = new StackShape(CellType.LSTM, 4, 6, 2, false, 0);

    /** A state_dict of an embedding + 2-layer LSTM + head, as Model.of names it (embedding., rnn., head.). */
    private static Map<String, Values> lstmWithParts() {
        try (Embedding emb = new Embedding(5, 4, 1); Recurrent rnn = new Recurrent(LSTM2, 0f, true, 2);
             Linear head = new Linear(6, 5, 3);
             Model m = Model.of(emb, rnn, head, false, List.of(), WeightFormat.FP32)) {
            return m.stateDict();
        }
    }

    private Path write(String name, Map<String, Values> tensors, Map<String, String> metadata) throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter();
        metadata.forEach(w::metadata);
        tensors.forEach((k, v) -> w.add(k, v.data(), v.shape(), DType.F32));
        Path p = dir.resolve(name);
        w.write(p);
        return p;
    }

    private Path edited(Consumer<Map<String, Values>> edit) throws IOException {
        Map<String, Values> sd = new LinkedHashMap<>(lstmWithParts());
        edit.accept(sd);
        return write("edited.safetensors", sd, Map.of());
    }

    private static String loadError(Path p) {
        return loadError(p, LoadOptions.DEFAULTS);
    }

    private static String loadError(Path p, LoadOptions o) {
        return assertThrows(IllegalArgumentException.class, () -> Model.load(p, o).close()).getMessage();
    }

    @Test
    void readsACheckpointWithPrefixVocabularyAndOptimizerState() throws IOException {
        Map<String, Values> sd = lstmWithParts();
        Map<String, Values> file = new LinkedHashMap<>();
        sd.forEach((k, v) -> file.put("model." + k, v));
        sd.forEach((k, v) -> file.put("optimizer.exp_avg.model." + k, v));
        Path p = write("ckpt.safetensors", file, Map.of("gatun.vocab", "[\"a\",\"b\",\"c\",\"\\n\",\"é\"]",
                "gatun.step", "120", "gatun.optimizer", "adam"));
        try (Model m = Model.load(p); Session s = m.newSession()) {
            Architecture a = m.architecture();
            assertEquals(LSTM2, a.stack());
            assertEquals(5, a.vocabularySize());
            assertEquals(5, a.outputSize());
            assertTrue(a.headBias() && a.bias());
            assertEquals(List.of("a", "b", "c", "\n", "é"), m.vocab());
            assertEquals(List.of(), m.ignoredTensors());
            assertEquals("model.rnn.", m.rnnPrefix());
            assertEquals("120", m.metadata().get("gatun.step"));
            assertEquals(file.keySet().stream().filter(k -> k.startsWith("model.")).toList(),
                    List.copyOf(m.stateDict().keySet()));
            long params = sd.values().stream().mapToLong(v -> v.data().length).sum();
            assertEquals(params, m.parameterCount());

            // Streaming tokens one by one gives the whole-sequence logits.
            int[] tokens = {3, 1, 4, 1, 0, 2};
            SequenceOutput whole = s.forward(tokens, tokens.length, 1, null, null);
            for (int t = 0; t < tokens.length; t++) {
                float[] logits = s.step(tokens[t]);
                assertClose("logits " + t, java.util.Arrays.copyOfRange(whole.logits().data(), t * 5, t * 5 + 5),
                        logits);
            }
        }
    }

    @Test
    void findsBareAndNestedPrefixesAndPicksAmbiguousHeadsByName() throws IOException {
        Map<String, Values> sd = lstmWithParts();
        Map<String, Values> file = new LinkedHashMap<>();
        sd.forEach((k, v) -> file.put(k.replace("rnn.", "encoder.rnn.").replace("head.", "decoder_a."), v));
        file.put("decoder_b.weight", sd.get("head.weight"));
        Path p = write("two-heads.safetensors", file, Map.of());
        String msg = loadError(p);
        assertTrue(msg.contains("ambiguous head") && msg.contains("decoder_a") && msg.contains("--head"), msg);
        try (Model m = Model.load(p, LoadOptions.DEFAULTS.withHead("decoder_b"))) {
            assertEquals("encoder.rnn.", m.rnnPrefix());
            assertFalse(m.architecture().headBias());
            assertEquals(List.of("decoder_a.weight", "decoder_a.bias"), m.ignoredTensors());
        }
        try (Model m = Model.load(p, LoadOptions.DEFAULTS.withHead(LoadOptions.NONE).withEmbedding("none"))) {
            assertFalse(m.architecture().hasHead());
            assertFalse(m.architecture().hasEmbedding());
        }
    }

    @Test
    void brokenStateDictsNameTheTensorAndTheShapes() throws IOException {
        String msg = loadError(edited(sd -> sd.remove("rnn.weight_hh_l1")));
        assertTrue(msg.contains("missing tensor 'rnn.weight_hh_l1'"), msg);

        msg = loadError(edited(sd -> sd.put("rnn.bias_hh_l0", new Values(new int[] {23}, new float[23]))));
        assertTrue(msg.contains("'rnn.bias_hh_l0' has shape [23], expected [24]"), msg);

        msg = loadError(edited(sd -> sd.put("rnn.weight_ih_l0", new Values(new int[] {12, 4}, new float[48]))));
        assertTrue(msg.contains("rnn.weight_ih_l0 [12, 4]") && msg.contains("gate blocks"), msg);

        msg = loadError(edited(sd -> sd.put("rnn.bias_ih_l7", new Values(new int[] {24}, new float[24]))));
        assertTrue(msg.contains("unexpected tensor 'rnn.bias_ih_l7'") && msg.contains("2 layer(s)"), msg);

        msg = loadError(edited(sd -> sd.remove("rnn.bias_ih_l1")));
        assertTrue(msg.contains("rnn.bias_ih_l1"), msg);

        msg = loadError(edited(sd -> sd.put("extra.weight_ih_l0", sd.get("rnn.weight_ih_l0"))));
        assertTrue(msg.contains("several recurrent stacks") && msg.contains("--rnn"), msg);

        msg = loadError(edited(sd -> sd.keySet().removeIf(k -> k.startsWith("rnn."))));
        assertTrue(msg.contains("no recurrent stack"), msg);

        msg = loadError(edited(sd -> { }), LoadOptions.DEFAULTS.withCell(CellType.GRU));
        assertTrue(msg.contains("needs 3 gate blocks") && msg.contains("has 4"), msg);

        Path p = write("meta.safetensors", lstmWithParts(), Map.of("gatun.batch_first", "maybe"));
        msg = loadError(p);
        assertTrue(msg.contains("gatun.batch_first='maybe'"), msg);

        msg = loadError(edited(sd -> sd.put("head.bias", new Values(new int[] {4}, new float[4]))));
        assertTrue(msg.contains("'head.bias' has shape [4], expected [5]"), msg);

        msg = loadError(p, LoadOptions.DEFAULTS.withHead("nohead"));
        assertTrue(msg.contains("no tensor 'nohead.weight'"), msg);
    }

    @Test
    void shapesTellTheCellAndMetadataTheNonlinearityAndGruForm() throws IOException {
        StackShape gru = new StackShape(CellType.GRU, 3, 5, 1, true, 0);
        try (Recurrent rnn = new Recurrent(gru, 0f, false, 4); Model src = Model.of(rnn)) {
            Path p = write("gru.safetensors", src.stateDict(), Map.of("gatun.cell", "gru_classic",
                    "gatun.batch_first", "true"));
            try (Model m = Model.load(p)) {
                assertEquals(CellType.GRU_CLASSIC, m.architecture().cell());
                assertTrue(m.architecture().batchFirst());
                assertFalse(m.architecture().bias());
                assertTrue(m.architecture().stack().bidirectional());
            }
            try (Model m = Model.load(p, LoadOptions.DEFAULTS.withCell(CellType.GRU).withBatchFirst(false))) {
                assertEquals(CellType.GRU, m.architecture().cell());
                assertFalse(m.architecture().batchFirst());
            }
            // Metadata that contradicts the shapes loses (contract: shapes win).
            Path q = write("gru-as-lstm.safetensors", src.stateDict(), Map.of("gatun.cell", "lstm"));
            try (Model m = Model.load(q)) {
                assertEquals(CellType.GRU, m.architecture().cell());
            }
        }
    }

    @Test
    void readsBf16Weights() throws IOException {
        Map<String, Values> sd = lstmWithParts();
        SafeTensorsWriter w = new SafeTensorsWriter();
        sd.forEach((k, v) -> w.add(k, v.data(), v.shape(), DType.BF16));
        Path p = dir.resolve("bf16.safetensors");
        w.write(p);
        try (Model m = Model.load(p)) {
            float[] orig = sd.get("rnn.weight_hh_l1").data();
            float[] read = m.stateDict().get("rnn.weight_hh_l1").data();
            for (int i = 0; i < orig.length; i++) {
                assertEquals(DType.fromBf16(DType.toBf16(orig[i])), read[i]);
            }
        }
    }

    @Test
    void exportLoadsBackUnderTheSameNames() throws IOException {
        Goldens.Case c = Goldens.cases().stream().filter(k -> k.name().equals("case03")).findFirst().orElseThrow();
        try (Model m = Model.load(c.model())) {
            Path out = dir.resolve("export.safetensors");
            m.export(out);
            Map<String, Values> original = Goldens.read(c.model());
            Map<String, Values> exported = Goldens.read(out);
            assertEquals(original.keySet(), exported.keySet());
            original.forEach((k, v) -> {
                assertArrayEquals(v.shape(), exported.get(k).shape(), k);
                assertArrayEquals(v.data(), exported.get(k).data(), k);
            });
            try (Model back = Model.load(out)) {
                assertEquals(m.architecture(), back.architecture());
            }
        }
    }

    @Test
    void bidirectionalModelsRunWholeSequencesButDoNotStream() {
        try (Recurrent rnn = new Recurrent(new StackShape(CellType.LSTM, 3, 4, 1, true, 0));
             Model m = Model.of(rnn); Session s = m.newSession()) {
            assertFalse(m.canStream());
            String msg = assertThrows(IllegalStateException.class, () -> s.step(new float[3])).getMessage();
            assertTrue(msg.contains("bidirectional") && msg.contains("forward"), msg);
            SequenceOutput out = s.forward(new float[2 * 3 * 3], 2, 3, null, null);
            assertArrayEquals(new int[] {2, 3, 8}, out.output().shape());
            assertArrayEquals(new int[] {2, 3, 4}, out.cN().shape());
            assertNull(out.logits());
        }
    }

    @Test
    void badArgumentsAndUseAfterCloseAreReported() {
        try (Recurrent rnn = new Recurrent(new StackShape(CellType.GRU, 3, 4, 2, false, 0))) {
            Model m = Model.of(rnn);
            Session s = m.newSession();
            String msg = assertThrows(IllegalArgumentException.class, () -> s.step(new float[2])).getMessage();
            assertTrue(msg.contains("input_size=3"), msg);
            msg = assertThrows(IllegalArgumentException.class,
                    () -> s.forward(new float[6], 2, 1, null, new float[8])).getMessage();
            assertTrue(msg.contains("c0"), msg);
            msg = assertThrows(IllegalArgumentException.class,
                    () -> s.forward(new float[6], 2, 1, new float[3], null)).getMessage();
            assertTrue(msg.contains("h0 must hold 8 floats"), msg);
            assertThrows(IllegalStateException.class, () -> s.step(1));
            assertThrows(IllegalArgumentException.class, () -> m.newSession(3));
            m.close();
            assertThrows(IllegalStateException.class, () -> s.step(new float[3]));
            assertThrows(IllegalStateException.class, m::newSession);
            s.close();
        }
    }

    @Test
    void classicGruStreamsLikeTheSequenceKernels() {
        StackShape shape = new StackShape(CellType.GRU_CLASSIC, 5, 7, 3, false, 0);
        try (Recurrent rnn = new Recurrent(shape, 0f, true, 9); Model m = Model.of(rnn);
             Session s = m.newSession()) {
            int steps = 8;
            float[] x = new float[steps * 5];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i * 0.7);
            }
            float[] h0 = new float[3 * 7];
            for (int i = 0; i < h0.length; i++) {
                h0[i] = (float) Math.cos(i * 0.3) * 0.5f;
            }
            SequenceOutput whole = s.forward(x, steps, 1, h0, null);
            s.setState(h0, null);
            for (int t = 0; t < steps; t++) {
                float[] h = s.step(java.util.Arrays.copyOfRange(x, t * 5, t * 5 + 5));
                assertClose("step " + t, java.util.Arrays.copyOfRange(whole.output().data(), t * 7, t * 7 + 7), h);
            }
            assertClose("h_n", whole.hN().data(), s.hidden());
        }
    }
}
