package dev.gatun.model;

import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.nn.Embedding;
import dev.gatun.autograd.nn.Linear;
import dev.gatun.autograd.nn.Recurrent;
import dev.gatun.io.DType;
import dev.gatun.io.Json;
import dev.gatun.io.SafeTensorsFile;
import dev.gatun.io.SafeTensorsWriter;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.LayerShape;
import dev.gatun.kernels.sequence.LayerWeights;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.kernels.stream.Nonlinearity;
import dev.gatun.kernels.stream.StreamingCell;
import dev.gatun.kernels.stream.WeightFormat;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recurrent model for inference: an optional {@code nn.Embedding}, a stack of {@code nn.RNN}/{@code nn.LSTM}/
 * {@code nn.GRU} layers and an optional {@code nn.Linear} head, loaded once from a PyTorch state_dict or a Gatun
 * checkpoint ({@link #load}) or built from trained modules ({@link #of}).
 *
 * <p>Immutable and thread-safe: the weights are read-only and shared by every {@link Session}; each caller (thread,
 * stream, request) opens its own session for its state. The batch-1 streaming path packs each layer once into a
 * {@link StreamingCell} (float32 or bfloat16, {@link LoadOptions#streamingFormat()}); whole sequences and batches run
 * the float32 weights through the sequence kernels.
 *
 * <p>{@link #close()} frees the weights; sessions used afterwards throw {@link IllegalStateException}.
 */
public final class Model implements AutoCloseable {
    private final ModelWeights w;
    private final WeightFormat streamingFormat;
    private final Arena arena = Arena.ofShared();
    private final LayerWeights[] layers;        // [l*D + d] float32, for the sequence kernels
    private final StreamingCell[] cells;        // [l], or null when the model cannot use the streaming kernels
    private volatile boolean closed;

    private Model(ModelWeights w, WeightFormat streamingFormat) {
        this.w = w;
        this.streamingFormat = streamingFormat;
        StackShape s = w.arch.stack();
        int n = s.layers() * s.directions();
        this.layers = new LayerWeights[n];
        List<StreamingCell> made = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                LayerShape ls = s.layer(i / s.directions());
                int gh = ls.gateRows();
                layers[i] = new LayerWeights(
                        Tensor.of(arena, w.wIh[i], gh, ls.inputSize()),
                        Tensor.of(arena, w.wHh[i], gh, ls.stateSize()),
                        w.bIh == null ? Tensor.allocate(arena, gh) : Tensor.of(arena, w.bIh[i], gh),
                        w.bHh == null ? Tensor.allocate(arena, gh) : Tensor.of(arena, w.bHh[i], gh),
                        ls.projSize() > 0 ? Tensor.of(arena, w.wHr[i], ls.projSize(), ls.hiddenSize()) : null);
            }
            if (usesStreamingCells(w.arch)) {
                for (int l = 0; l < s.layers(); l++) {
                    made.add(cell(w, l, streamingFormat));
                }
                this.cells = made.toArray(new StreamingCell[0]);
            } else {
                this.cells = null;
            }
        } catch (RuntimeException | Error e) {
            made.forEach(StreamingCell::close);
            arena.close();
            throw e;
        }
    }

    // ---- construction ---------------------------------------------------------------------------------------

    /** Loads a model file with everything inferred ({@link LoadOptions#DEFAULTS}). */
    public static Model load(Path path) throws IOException {
        return load(path, LoadOptions.DEFAULTS);
    }

    /**
     * Loads a PyTorch state_dict or a Gatun checkpoint (safetensors; F32, F16, BF16 or F64 tensors). The recurrent
     * stack is found by its {@code weight_ih_l0} under any prefix; its cell type comes from the gate count (1, 3, 4
     * blocks of H rows), its sizes, layers, directions, bias and proj_size from the shapes; tanh/relu and the GRU
     * form from metadata {@code gatun.cell}, the layout from {@code gatun.batch_first}, unless {@code options}
     * override them. Tensors under {@code optimizer.} (a checkpoint's optimizer state) are ignored; the vocabulary
     * in {@code gatun.vocab} is read.
     *
     * @throws IllegalArgumentException naming the tensor and shapes when the file is inconsistent
     */
    public static Model load(Path path, LoadOptions options) throws IOException {
        if (path == null || options == null) {
            throw new IllegalArgumentException("Model.load: path and options must not be null");
        }
        ModelWeights w;
        try (SafeTensorsFile f = SafeTensorsFile.open(path)) {
            try {
                w = StateDictReader.read(f, options);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path.getFileName() + ": " + e.getMessage(), e);
            }
        }
        return new Model(w, options.streamingFormat());
    }

    /**
     * A model from trained modules (their current weights are copied, the modules stay the caller's).
     *
     * @param embedding in front of the stack, or null; its width must be the stack's input size
     * @param rnn the recurrent stack
     * @param head after the stack, or null; its input must be the stack's output width D*Hr
     * @param batchFirst the layout recorded for sequence files ({@code gatun.batch_first})
     * @param vocab the characters/tokens in index order (empty for none)
     * @param streamingFormat the batch-1 streaming weight format
     */
    public static Model of(Embedding embedding, Recurrent rnn, Linear head, boolean batchFirst, List<String> vocab,
                           WeightFormat streamingFormat) {
        if (rnn == null || vocab == null || streamingFormat == null) {
            throw new IllegalArgumentException("Model.of: rnn, vocab and streamingFormat must not be null");
        }
        StackShape s = rnn.shape();
        Map<String, Parameter> p = rnn.namedParameters();
        boolean bias = p.containsKey("bias_ih_l0");
        int n = s.layers() * s.directions();
        float[][] wIh = new float[n][];
        float[][] wHh = new float[n][];
        float[][] bIh = bias ? new float[n][] : null;
        float[][] bHh = bias ? new float[n][] : null;
        float[][] wHr = new float[n][];
        for (int i = 0; i < n; i++) {
            String sfx = "_l" + (i / s.directions()) + (i % s.directions() == 1 ? "_reverse" : "");
            wIh[i] = p.get("weight_ih" + sfx).value().toArray();
            wHh[i] = p.get("weight_hh" + sfx).value().toArray();
            if (bias) {
                bIh[i] = p.get("bias_ih" + sfx).value().toArray();
                bHh[i] = p.get("bias_hh" + sfx).value().toArray();
            }
            if (s.projSize() > 0) {
                wHr[i] = p.get("weight_hr" + sfx).value().toArray();
            }
        }
        float[] emb = null;
        if (embedding != null) {
            Tensor t = embedding.weight().value();
            if (t.dim(1) != s.inputSize()) {
                throw new IllegalArgumentException("Model.of: embedding " + t.shapeString() + " is " + t.dim(1)
                        + " wide, the stack's input_size is " + s.inputSize());
            }
            emb = t.toArray();
        }
        float[] headW = null;
        float[] headB = null;
        if (head != null) {
            Tensor t = head.weight().value();
            if (t.dim(1) != s.outputSize()) {
                throw new IllegalArgumentException("Model.of: head weight " + t.shapeString() + " takes " + t.dim(1)
                        + " inputs, the stack's output width D*Hr is " + s.outputSize());
            }
            headW = t.toArray();
            headB = head.bias() == null ? null : head.bias().value().toArray();
        }
        boolean parts = embedding != null || head != null;
        Architecture arch = new Architecture(s, bias, batchFirst,
                embedding == null ? 0 : embedding.weight().value().dim(0),
                head == null ? 0 : head.weight().value().dim(0), headB != null);
        ModelWeights w = new ModelWeights(arch, parts ? "rnn." : "", embedding == null ? null : "embedding",
                head == null ? null : "head", wIh, wHh, bIh, bHh, wHr, emb, headW, headB, vocab, Map.of(), List.of());
        return new Model(w, streamingFormat);
    }

    /** A model of the recurrent stack alone, time-major, float32 streaming weights. */
    public static Model of(Recurrent rnn) {
        return of(null, rnn, null, false, List.of(), WeightFormat.FP32);
    }

    private static boolean usesStreamingCells(Architecture a) {
        return !a.stack().bidirectional() && a.cell() != CellType.GRU_CLASSIC;
    }

    private static StreamingCell cell(ModelWeights w, int l, WeightFormat f) {
        LayerShape ls = w.arch.stack().layer(l);
        float[] bIh = w.bIh == null ? null : w.bIh[l];
        float[] bHh = w.bHh == null ? null : w.bHh[l];
        return switch (ls.cell()) {
            case LSTM -> StreamingCell.lstm(w.wIh[l], w.wHh[l], bIh, bHh, w.wHr[l], ls.inputSize(),
                    ls.hiddenSize(), ls.projSize(), f);
            case GRU -> StreamingCell.gru(w.wIh[l], w.wHh[l], bIh, bHh, ls.inputSize(), ls.hiddenSize(), f);
            case RNN_TANH -> StreamingCell.rnn(w.wIh[l], w.wHh[l], bIh, bHh, ls.inputSize(), ls.hiddenSize(),
                    Nonlinearity.TANH, f);
            case RNN_RELU -> StreamingCell.rnn(w.wIh[l], w.wHh[l], bIh, bHh, ls.inputSize(), ls.hiddenSize(),
                    Nonlinearity.RELU, f);
            case GRU_CLASSIC -> throw new IllegalStateException("the streaming kernels have no classic GRU");
        };
    }

    // ---- sessions -------------------------------------------------------------------------------------------

    /** A new session with zero state, streaming on the calling thread. */
    public Session newSession() {
        return newSession(1);
    }

    /**
     * A new session with zero state. {@code streamingThreads} (1 or 2) is the number of threads a streaming step
     * uses (2 pays for layers whose weights do not fit one core's L2).
     */
    public Session newSession(int streamingThreads) {
        checkOpen();
        if (streamingThreads != 1 && streamingThreads != 2) {
            throw new IllegalArgumentException("streamingThreads must be 1 or 2, got " + streamingThreads);
        }
        return new Session(this, streamingThreads);
    }

    /** True when {@link Session#step} can stream this model (every unidirectional model). */
    public boolean canStream() {
        return !w.arch.stack().bidirectional();
    }

    // ---- description ----------------------------------------------------------------------------------------

    /** What the model computes. */
    public Architecture architecture() {
        return w.arch;
    }

    /** Number of weights (embedding, stack, head). */
    public long parameterCount() {
        long n = 0;
        for (Values v : stateDict().values()) {
            n += v.data().length;
        }
        return n;
    }

    /** The vocabulary from metadata {@code gatun.vocab} (index order), empty when absent. */
    public List<String> vocab() {
        return w.vocab;
    }

    /** The file's {@code __metadata__} (empty for a model built from modules). */
    public Map<String, String> metadata() {
        return w.metadata;
    }

    /** Tensors of the loaded file that no part of the model used (optimizer state not counted). */
    public List<String> ignoredTensors() {
        return w.ignored;
    }

    /** The prefix of the recurrent stack's names, e.g. {@code ""} or {@code "rnn."}. */
    public String rnnPrefix() {
        return w.rnnPrefix;
    }

    /** The streaming weight format. */
    public WeightFormat streamingFormat() {
        return streamingFormat;
    }

    /**
     * The weights under their PyTorch names, in state_dict order (embedding, stack, head), as copies. Without a
     * prefix these are exactly {@code torch.nn.LSTM(...).state_dict()}'s keys.
     */
    public Map<String, Values> stateDict() {
        checkOpen();
        Map<String, Values> out = new LinkedHashMap<>();
        StackShape s = w.arch.stack();
        if (w.embedding != null) {
            out.put(w.embeddingName + ".weight", new Values(new int[] {w.arch.vocabularySize(), s.inputSize()},
                    w.embedding.clone()));
        }
        for (int i = 0; i < w.wIh.length; i++) {
            LayerShape ls = s.layer(i / s.directions());
            int gh = ls.gateRows();
            String p = w.rnnPrefix;
            String sfx = w.suffix(i);
            out.put(p + "weight_ih" + sfx, new Values(new int[] {gh, ls.inputSize()}, w.wIh[i].clone()));
            out.put(p + "weight_hh" + sfx, new Values(new int[] {gh, ls.stateSize()}, w.wHh[i].clone()));
            if (w.bIh != null) {
                out.put(p + "bias_ih" + sfx, new Values(new int[] {gh}, w.bIh[i].clone()));
                out.put(p + "bias_hh" + sfx, new Values(new int[] {gh}, w.bHh[i].clone()));
            }
            if (ls.projSize() > 0) {
                out.put(p + "weight_hr" + sfx, new Values(new int[] {ls.projSize(), ls.hiddenSize()},
                        w.wHr[i].clone()));
            }
        }
        if (w.headWeight != null) {
            out.put(w.headName + ".weight", new Values(new int[] {w.arch.outputSize(), s.outputSize()},
                    w.headWeight.clone()));
            if (w.headBias != null) {
                out.put(w.headName + ".bias", new Values(new int[] {w.arch.outputSize()}, w.headBias.clone()));
            }
        }
        return out;
    }

    /**
     * Writes the model as safetensors (float32) under the PyTorch names of {@link #stateDict()}, with metadata
     * {@code gatun.format}, {@code gatun.cell}, {@code gatun.batch_first} and {@code gatun.vocab}: the file loads
     * back here and into {@code torch.nn.LSTM(...).load_state_dict(...)} (after stripping any prefix).
     */
    public void export(Path path) throws IOException {
        if (path == null) {
            throw new IllegalArgumentException("export: path is null");
        }
        SafeTensorsWriter out = new SafeTensorsWriter()
                .metadata("gatun.format", "1")
                .metadata("gatun.cell", StateDictReader.name(w.arch.cell()))
                .metadata("gatun.batch_first", Boolean.toString(w.arch.batchFirst()));
        if (!w.vocab.isEmpty()) {
            out.metadata("gatun.vocab", Json.write(w.vocab));
        }
        for (Map.Entry<String, Values> e : stateDict().entrySet()) {
            out.add(e.getKey(), e.getValue().data(), e.getValue().shape(), DType.F32);
        }
        out.write(path);
    }

    // ---- shared with sessions -------------------------------------------------------------------------------

    ModelWeights weights() {
        return w;
    }

    LayerWeights[] layers() {
        return layers;
    }

    /** The streaming cells per layer, or null (bidirectional, or a classic GRU: no streaming kernel). */
    StreamingCell[] cells() {
        return cells;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the model was closed");
        }
    }

    /** True until {@link #close()}. */
    public boolean isOpen() {
        return !closed;
    }

    /** Frees the weights; idempotent. Close the sessions first. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (cells != null) {
            for (StreamingCell c : cells) {
                c.close();
            }
        }
        arena.close();
    }

    @Override
    public String toString() {
        return "Model " + w.arch.describe();
    }
}
