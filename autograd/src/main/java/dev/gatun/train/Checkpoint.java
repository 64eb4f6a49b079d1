package dev.gatun.train;

import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.nn.RecurrentState;
import dev.gatun.io.DType;
import dev.gatun.io.SafeTensorsFile;
import dev.gatun.io.SafeTensorsWriter;
import dev.gatun.kernels.CellType;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint of a {@link CharLm}: one safetensors file in Gatun's model format, so inference loaders read
 * it as a model and {@link #resume} continues training exactly.
 *
 * <ul>
 *   <li>weights under PyTorch's names: {@code embedding.weight} (V, E), {@code rnn.weight_ih_l{k}},
 *   {@code rnn.weight_hh_l{k}}, {@code rnn.bias_ih_l{k}}, {@code rnn.bias_hh_l{k}}, {@code head.weight} (V, H),
 *   {@code head.bias} (V);</li>
 *   <li>under {@code optimizer.} (ignored by inference loaders): Adam's {@code optimizer.exp_avg.<name>} and
 *   {@code optimizer.exp_avg_sq.<name>}, and the recurrent state carried between BPTT chunks,
 *   {@code optimizer.tbptt.h} (L, B, H) and, for the LSTM, {@code optimizer.tbptt.c};</li>
 *   <li>metadata {@code gatun.format=1}, {@code gatun.cell}, {@code gatun.batch_first=false}, {@code gatun.vocab}
 *   (JSON array of characters), {@code gatun.step}, {@code gatun.optimizer=adam} and the hyper-parameters as
 *   {@code gatun.train.*}.</li>
 * </ul>
 */
public final class Checkpoint implements AutoCloseable {
    static final String OPT = "optimizer.";
    static final String TBPTT_H = OPT + "tbptt.h";
    static final String TBPTT_C = OPT + "tbptt.c";

    private final SafeTensorsFile file;
    private final Map<String, String> meta;
    private final LmConfig lmConfig;
    private final Vocabulary vocabulary;

    private Checkpoint(SafeTensorsFile file) {
        this.file = file;
        this.meta = file.metadata();
        this.vocabulary = Vocabulary.fromJson(meta.get("gatun.vocab"));
        this.lmConfig = configFromShapes(file, meta);
        int rows = file.entry("embedding.weight").shape()[0];
        if (rows != vocabulary.size()) {
            throw new IllegalArgumentException("embedding.weight has " + rows + " rows but gatun.vocab "
                    + vocabulary.size() + " characters");
        }
    }

    /**
     * The sizes, from the tensor shapes (they win over metadata, as the model contract says): E from
     * {@code embedding.weight} (V, E), H from {@code rnn.weight_hh_l0} (G*H, H), L from the layers present, the cell
     * from the gate count G, with {@code gatun.cell} choosing between forms the shapes cannot tell apart
     * (rnn_tanh / rnn_relu).
     */
    private static LmConfig configFromShapes(SafeTensorsFile file, Map<String, String> meta) {
        int[] emb = file.entry("embedding.weight").shape();
        int[] hh = file.entry("rnn.weight_hh_l0").shape();
        if (emb.length != 2 || hh.length != 2 || hh[0] % hh[1] != 0) {
            throw new IllegalArgumentException("embedding.weight " + java.util.Arrays.toString(emb)
                    + " and rnn.weight_hh_l0 " + java.util.Arrays.toString(hh) + " are not (V, E) and (G*H, H)");
        }
        int hidden = hh[1];
        int layers = 0;
        while (file.contains("rnn.weight_ih_l" + layers)) {
            layers++;
        }
        String cell = meta.getOrDefault("gatun.cell", "");
        CellType type = switch (hh[0] / hidden) {
            case 4 -> CellType.LSTM;
            case 3 -> CellType.GRU;
            case 1 -> cell.equals("rnn_relu") ? CellType.RNN_RELU : CellType.RNN_TANH;
            default -> throw new IllegalArgumentException("rnn.weight_hh_l0 has " + hh[0] + " rows for hidden size "
                    + hidden + ": not 1, 3 or 4 gates");
        };
        if (cell.equals("gru_classic")) {
            throw new IllegalArgumentException("gatun.cell gru_classic has no streaming kernel");
        }
        return new LmConfig(type, emb[1], hidden, layers);
    }

    /** Opens a checkpoint written by {@link #save} (an IllegalArgumentException says what is missing). */
    public static Checkpoint open(Path path) throws IOException {
        SafeTensorsFile f = SafeTensorsFile.open(path);
        try {
            return new Checkpoint(f);
        } catch (RuntimeException e) {
            f.close();
            throw new IllegalArgumentException(path + ": not a Gatun character-LM checkpoint: " + e.getMessage(), e);
        }
    }

    /** The trained model of a checkpoint, for generation. */
    public static CharLm loadModel(Path path) throws IOException {
        try (Checkpoint c = open(path)) {
            return c.model();
        }
    }

    /** Writes the trainer's model, optimizer, carried state and settings to {@code path}, atomically. */
    public static void save(Path path, Trainer trainer) throws IOException {
        if (path == null || trainer == null) {
            throw new IllegalArgumentException("checkpoint: path and trainer must not be null");
        }
        CharLm model = trainer.model();
        LmConfig lm = model.config();
        TrainConfig tc = trainer.config();
        SafeTensorsWriter w = new SafeTensorsWriter()
                .metadata("gatun.format", "1")
                .metadata("gatun.cell", CharLm.cellName(lm.cell()))
                .metadata("gatun.batch_first", "false")
                .metadata("gatun.vocab", model.vocabulary().toJson())
                .metadata("gatun.step", Long.toString(trainer.steps()))
                .metadata("gatun.optimizer", "adam")
                .metadata("gatun.train.embed", Integer.toString(lm.embed()))
                .metadata("gatun.train.hidden", Integer.toString(lm.hidden()))
                .metadata("gatun.train.layers", Integer.toString(lm.layers()))
                .metadata("gatun.train.seq_len", Integer.toString(tc.seqLen()))
                .metadata("gatun.train.batch", Integer.toString(tc.batch()))
                .metadata("gatun.train.lr", Float.toString(tc.lr()))
                .metadata("gatun.train.clip", Float.toString(tc.clip()))
                .metadata("gatun.train.steps", Long.toString(tc.steps()))
                .metadata("gatun.train.seed", Long.toString(tc.seed()))
                .metadata("gatun.train.loss", Float.toString(trainer.lastLoss()))
                .metadata("gatun.train.text", trainer.corpus().name())
                .metadata("gatun.train.text_sha256", trainer.corpus().sha256());
        List<Map.Entry<String, Parameter>> named = List.copyOf(model.namedParameters().entrySet());
        for (Map.Entry<String, Parameter> e : named) {
            w.add(e.getKey(), e.getValue().value(), DType.F32);
        }
        ResumableAdam adam = trainer.optimizer();
        for (int i = 0; i < named.size(); i++) {
            w.add(OPT + "exp_avg." + named.get(i).getKey(), adam.expAvg(i), DType.F32);
            w.add(OPT + "exp_avg_sq." + named.get(i).getKey(), adam.expAvgSq(i), DType.F32);
        }
        RecurrentState state = trainer.state();
        w.add(TBPTT_H, state.hidden(), DType.F32);
        Tensor c = carriedCell(state);
        if (c != null) {
            w.add(TBPTT_C, c, DType.F32);
        }
        w.write(path);
    }

    /** The model's sizes. */
    public LmConfig lmConfig() {
        return lmConfig;
    }

    /** The characters. */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** Training steps done when saved. */
    public long step() {
        return longValue("gatun.step");
    }

    /** The training settings saved. */
    public TrainConfig trainConfig() {
        return new TrainConfig(intValue("gatun.train.seq_len"), intValue("gatun.train.batch"),
                Float.parseFloat(required("gatun.train.lr")), Float.parseFloat(required("gatun.train.clip")),
                longValue("gatun.train.steps"), longValue("gatun.train.seed"));
    }

    /** SHA-256 of the training text. */
    public String textSha256() {
        return required("gatun.train.text_sha256");
    }

    /** The loss of the last step before saving. */
    public float loss() {
        return Float.parseFloat(required("gatun.train.loss"));
    }

    /** Every metadata entry. */
    public Map<String, String> metadata() {
        return meta;
    }

    /** A new model holding the checkpoint's weights (the caller closes it). */
    public CharLm model() {
        CharLm model = new CharLm(vocabulary, lmConfig, 0L);
        try {
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                file.readInto(e.getKey(), e.getValue().value());
            }
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * A trainer that continues this checkpoint on {@code corpus} with {@code config}: weights, Adam's moments and
     * step, the carried state and the position in the text are restored. The text and the settings that shape the
     * run (seq-len, batch, seed) must be the saved ones; the learning rate, clip norm and total steps may change.
     */
    public Trainer resume(Corpus corpus, TrainConfig config) {
        if (corpus == null || config == null) {
            throw new IllegalArgumentException("resume: corpus and config must not be null");
        }
        if (!corpus.sha256().equals(textSha256())) {
            throw new IllegalArgumentException("resume: the checkpoint was trained on another text ("
                    + meta.getOrDefault("gatun.train.text", "?") + "); pass the same --text");
        }
        TrainConfig saved = trainConfig();
        if (saved.seqLen() != config.seqLen() || saved.batch() != config.batch() || saved.seed() != config.seed()) {
            throw new IllegalArgumentException("resume: seq-len, batch and seed must be the checkpoint's ("
                    + saved.seqLen() + ", " + saved.batch() + ", " + saved.seed() + "), got (" + config.seqLen()
                    + ", " + config.batch() + ", " + config.seed() + ")");
        }
        Trainer trainer = new Trainer(model(), corpus, config);
        try {
            List<String> names = List.copyOf(trainer.model().namedParameters().keySet());
            ResumableAdam adam = trainer.optimizer();
            for (int i = 0; i < names.size(); i++) {
                file.readInto(OPT + "exp_avg." + names.get(i), adam.expAvg(i));
                file.readInto(OPT + "exp_avg_sq." + names.get(i), adam.expAvgSq(i));
            }
            RecurrentState state = trainer.state();
            file.readInto(TBPTT_H, state.hidden());
            Tensor c = carriedCell(state);
            if (c != null) {
                file.readInto(TBPTT_C, c);
            }
            trainer.restoreStep(step());
            return trainer;
        } catch (RuntimeException e) {
            trainer.close();
            throw e;
        }
    }

    /**
     * The carried LSTM cell state (L, B, H), or null. RecurrentState exposes it only as a tape input, whose value is
     * the carried tensor itself (Tape.input does not copy); a scratch tape hands it out.
     */
    private static Tensor carriedCell(RecurrentState state) {
        try (Tape scratch = new Tape()) {
            var c = state.c0(scratch);
            return c == null ? null : c.value();
        }
    }

    private String required(String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new IllegalArgumentException("metadata " + key + " is missing");
        }
        return v;
    }

    private int intValue(String key) {
        long v = longValue(key);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("metadata " + key + " = " + v + " is out of range");
        }
        return (int) v;
    }

    private long longValue(String key) {
        String v = required(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata " + key + " is not an integer: '" + v + "'");
        }
    }

    @Override
    public void close() {
        file.close();
    }
}
