package dev.gatun.cli;

import dev.gatun.io.DType;
import dev.gatun.io.SafeTensorsFile;
import dev.gatun.io.SafeTensorsWriter;
import dev.gatun.io.TensorEntry;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.model.Architecture;
import dev.gatun.model.LoadOptions;
import dev.gatun.model.Model;
import dev.gatun.model.SequenceOutput;
import dev.gatun.model.Sequences;
import dev.gatun.model.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatun forward}: runs a model's recurrent stack over the sequences of a safetensors file, as
 * {@code torch.nn.LSTM(...)(input, (h0, c0))} would. X holds {@code input} (T, B, I), or (B, T, I) with
 * batch_first, or unbatched (T, I), and optionally {@code h0}, {@code c0}; Y gets {@code output}, {@code h_n},
 * {@code c_n} (LSTM) with PyTorch's shapes, and {@code logits} (the head over every output) when the model has a
 * head.
 */
@Command(name = "forward", description = "Run a model over input sequences: X.safetensors (input, h0, c0) -> "
        + "Y.safetensors (output, h_n, c_n) with PyTorch's shapes.")
final class ForwardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "M.safetensors", description = "Model file.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "X.safetensors",
            description = "Holds input (T, B, I) [(B, T, I) with batch_first], optionally h0 and c0.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "Y.safetensors",
            description = "Written: output, h_n, c_n (LSTM), logits (with a head).")
    Path output;

    @Mixin
    ModelOptions options;

    @Override
    public Integer call() throws IOException {
        try (Model m = options.load(model); Session s = m.newSession()) {
            SequenceInput in = SequenceInput.read(input, m.architecture());
            SequenceOutput out = s.forward(in.x(), in.steps(), in.batch(), in.h0(), in.c0());
            SafeTensorsWriter w = new SafeTensorsWriter();
            StackShape st = m.architecture().stack();
            w.add("output", in.toFileLayout(out.output().data(), st.outputSize()),
                    in.sequenceShape(st.outputSize()), DType.F32);
            w.add("h_n", out.hN().data(), in.stateShape(st.stateSize()), DType.F32);
            if (out.cN() != null) {
                w.add("c_n", out.cN().data(), in.stateShape(st.hiddenSize()), DType.F32);
            }
            if (out.logits() != null) {
                int o = m.architecture().outputSize();
                w.add("logits", in.toFileLayout(out.logits().data(), o), in.sequenceShape(o), DType.F32);
            }
            w.write(output);
            spec.commandLine().getOut().println("wrote " + output + ": output " + Arrays.toString(
                    in.sequenceShape(st.outputSize())) + ", h_n " + Arrays.toString(in.stateShape(st.stateSize()))
                    + (out.cN() != null ? ", c_n " + Arrays.toString(in.stateShape(st.hiddenSize())) : ""));
        }
        return 0;
    }

    /**
     * The sequences of an input file, time-major for the model API, with the file's layout remembered for writing
     * results back: batched (T, B, F) or (B, T, F), or unbatched (T, F).
     */
    record SequenceInput(float[] x, int steps, int batch, boolean batchFirst, boolean unbatched, float[] h0,
                         float[] c0, int layerDirections) {

        static SequenceInput read(Path path, Architecture a) throws IOException {
            ModelOptions.requireFile(path, "input");
            StackShape s = a.stack();
            int ld = s.layers() * s.directions();
            try (SafeTensorsFile f = SafeTensorsFile.open(path)) {
                if (!f.contains("input")) {
                    throw new IllegalArgumentException(path + ": no tensor 'input' (the file holds " + f.names() + ")");
                }
                int[] shape = f.entry("input").shape();
                String layout = a.batchFirst() ? "(B, T, I)" : "(T, B, I)";
                if ((shape.length != 3 && shape.length != 2) || shape[shape.length - 1] != s.inputSize()) {
                    throw new IllegalArgumentException(path + ": input " + Arrays.toString(shape) + " must be "
                            + layout + " or unbatched (T, I) with I = input_size = " + s.inputSize());
                }
                boolean unbatched = shape.length == 2;
                int steps = unbatched ? shape[0] : a.batchFirst() ? shape[1] : shape[0];
                int batch = unbatched ? 1 : a.batchFirst() ? shape[0] : shape[1];
                if (steps < 1 || batch < 1) {
                    throw new IllegalArgumentException(path + ": input " + Arrays.toString(shape)
                            + " is empty (T and B must be >= 1)");
                }
                float[] x = f.floats("input");
                if (a.batchFirst() && !unbatched) {
                    x = Sequences.swapLeadingAxes(x, batch, steps, s.inputSize());
                }
                float[] h0 = state(f, path, "h0", ld, batch, s.stateSize(), unbatched);
                float[] c0 = null;
                if (f.contains("c0")) {
                    if (s.cell() != CellType.LSTM) {
                        throw new IllegalArgumentException(path + ": c0 given, but a " + a.describe()
                                + " has no cell state");
                    }
                    c0 = state(f, path, "c0", ld, batch, s.hiddenSize(), unbatched);
                }
                return new SequenceInput(x, steps, batch, a.batchFirst(), unbatched, h0, c0, ld);
            }
        }

        private static float[] state(SafeTensorsFile f, Path path, String name, int ld, int batch, int size,
                                     boolean unbatched) {
            if (!f.contains(name)) {
                return null;
            }
            int[] expected = unbatched ? new int[] {ld, size} : new int[] {ld, batch, size};
            int[] shape = f.entry(name).shape();
            if (!Arrays.equals(shape, expected)) {
                throw new IllegalArgumentException(path + ": " + name + " " + Arrays.toString(shape) + ", expected "
                        + Arrays.toString(expected) + (unbatched ? " (L*D, size)" : " (L*D, B, size)"));
            }
            return f.floats(name);
        }

        /** The shape of a (T, B, width) result in the file's layout. */
        int[] sequenceShape(int width) {
            return unbatched ? new int[] {steps, width}
                    : batchFirst ? new int[] {batch, steps, width} : new int[] {steps, batch, width};
        }

        /** The shape of a (L*D, B, size) state in the file's layout. */
        int[] stateShape(int size) {
            return unbatched ? new int[] {layerDirections, size} : new int[] {layerDirections, batch, size};
        }

        /** A time-major (T, B, width) result in the file's layout. */
        float[] toFileLayout(float[] timeMajor, int width) {
            return batchFirst && !unbatched ? Sequences.swapLeadingAxes(timeMajor, steps, batch, width) : timeMajor;
        }

        /** A (T, B, width) tensor of a file in the file's layout, time-major, after checking its shape. */
        float[] readSequence(SafeTensorsFile f, Path path, String name, int width) {
            if (!f.contains(name)) {
                throw new IllegalArgumentException(path + ": no tensor '" + name + "' (the file holds " + f.names()
                        + ")");
            }
            TensorEntry e = f.entry(name);
            int[] expected = sequenceShape(width);
            if (!Arrays.equals(e.shape(), expected)) {
                throw new IllegalArgumentException(path + ": " + name + " " + Arrays.toString(e.shape())
                        + ", expected " + Arrays.toString(expected) + ", the shape of the forward output");
            }
            float[] v = f.floats(name);
            return batchFirst && !unbatched ? Sequences.swapLeadingAxes(v, batch, steps, width) : v;
        }
    }

    /** The options every model-reading command shares: overrides of what shapes cannot tell, and part names. */
    static final class ModelOptions {
        @Option(names = "--cell", paramLabel = "CELL",
                description = "Override the cell: rnn_tanh, rnn_relu, lstm, gru or gru_classic (must fit the shapes).")
        String cell;

        @Option(names = "--nonlinearity", paramLabel = "tanh|relu",
                description = "Override the nonlinearity of an nn.RNN model.")
        String nonlinearity;

        @Option(names = "--batch-first", negatable = true,
                description = "Sequence tensors are (B, T, F) (default: the model's gatun.batch_first, else false).")
        Boolean batchFirst;

        @Option(names = "--rnn", paramLabel = "PREFIX",
                description = "Prefix of the recurrent stack (e.g. encoder.rnn.).")
        String rnn;

        @Option(names = "--head", paramLabel = "NAME", description = "Module name of the linear head, or 'none'.")
        String head;

        @Option(names = "--embedding", paramLabel = "NAME", description = "Module name of the embedding, or 'none'.")
        String embedding;

        /** Loads {@code path} with the overrides; missing files and bad options are IllegalArgumentExceptions. */
        Model load(Path path) throws IOException {
            requireFile(path, "model");
            LoadOptions o = LoadOptions.DEFAULTS.withBatchFirst(batchFirst).withRnnPrefix(rnn).withHead(head)
                    .withEmbedding(embedding);
            CellType c = cell == null ? null : parseCell(cell);
            if (nonlinearity != null) {
                CellType n = switch (nonlinearity.toLowerCase(Locale.ROOT)) {
                    case "tanh" -> CellType.RNN_TANH;
                    case "relu" -> CellType.RNN_RELU;
                    default -> throw new IllegalArgumentException("--nonlinearity must be tanh or relu, got '"
                            + nonlinearity + "'");
                };
                if (c != null && c != n) {
                    throw new IllegalArgumentException("--cell " + cell + " contradicts --nonlinearity "
                            + nonlinearity);
                }
                c = n;
            }
            if (c != null) {
                o = o.withCell(c);
            }
            return Model.load(path, o);   // an override that does not fit the shapes fails here, naming both
        }

        static void requireFile(Path p, String what) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(what + " file not found: " + p);
            }
        }

        static CellType parseCell(String s) {
            for (CellType c : CellType.values()) {
                if (cellName(c).equals(s.toLowerCase(Locale.ROOT))) {
                    return c;
                }
            }
            throw new IllegalArgumentException("--cell must be rnn_tanh, rnn_relu, lstm, gru or gru_classic, got '"
                    + s + "'");
        }

        static String cellName(CellType c) {
            return c.name().toLowerCase(Locale.ROOT);
        }
    }
}
