package dev.gatun.model;

import dev.gatun.io.Json;
import dev.gatun.io.SafeTensorsFile;
import dev.gatun.io.TensorEntry;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.LayerShape;
import dev.gatun.kernels.sequence.StackShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a PyTorch state_dict ({@code nn.RNN}/{@code nn.LSTM}/{@code nn.GRU}, optionally with an {@code nn.Embedding}
 * and an {@code nn.Linear} head, under any module prefix) or a Gatun checkpoint into {@link ModelWeights}, inferring
 * the architecture from the shapes. Every inconsistency is an {@link IllegalArgumentException} naming the tensor and
 * the shapes.
 */
final class StateDictReader {
    static final String OPTIMIZER_PREFIX = "optimizer.";
    private static final String FIRST = "weight_ih_l0";
    private static final Pattern RECURRENT_NAME = Pattern.compile("(weight|bias)_(ih|hh|hr)_l\\d+(_reverse)?");

    private final SafeTensorsFile file;
    private final LoadOptions options;
    private final Set<String> used = new LinkedHashSet<>();
    private final List<String> names = new ArrayList<>();

    private StateDictReader(SafeTensorsFile file, LoadOptions options) {
        this.file = file;
        this.options = options;
        for (String n : file.names()) {
            if (!n.startsWith(OPTIMIZER_PREFIX)) {
                names.add(n);
            }
        }
    }

    static ModelWeights read(SafeTensorsFile file, LoadOptions options) {
        return new StateDictReader(file, options).read();
    }

    private ModelWeights read() {
        String prefix = findPrefix();
        TensorEntry ih0 = matrix(prefix + FIRST);
        TensorEntry hh0 = matrix(require(prefix + "weight_hh_l0"));
        String hr0Name = prefix + "weight_hr_l0";
        TensorEntry hr0 = file.contains(hr0Name) ? matrix(hr0Name) : null;
        int gateRows = ih0.shape()[0];
        int hidden = hr0 != null ? hr0.shape()[1] : hh0.shape()[1];
        int proj = hr0 != null ? hr0.shape()[0] : 0;
        if (hidden < 1 || gateRows % hidden != 0 || !isGateCount(gateRows / hidden)) {
            throw new IllegalArgumentException(prefix + FIRST + " " + Arrays.toString(ih0.shape()) + ": " + gateRows
                    + " rows are not 1, 3 or 4 gate blocks of hidden_size " + hidden + " (from "
                    + (hr0 != null ? hr0Name + " " + Arrays.toString(hr0.shape()) : prefix + "weight_hh_l0 "
                    + Arrays.toString(hh0.shape())) + ")");
        }
        CellType cell = cell(gateRows / hidden, prefix);
        int layers = 0;
        while (file.contains(prefix + "weight_ih_l" + layers)) {
            layers++;
        }
        boolean bidirectional = file.contains(prefix + FIRST + "_reverse");
        boolean bias = file.contains(prefix + "bias_ih_l0");
        StackShape stack;
        try {
            stack = new StackShape(cell, ih0.shape()[1], hidden, layers, bidirectional, proj);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + FIRST + " " + Arrays.toString(ih0.shape()) + ", "
                    + prefix + "weight_hh_l0 " + Arrays.toString(hh0.shape()) + ": " + e.getMessage());
        }
        int n = layers * stack.directions();
        float[][] wIh = new float[n][];
        float[][] wHh = new float[n][];
        float[][] bIh = bias ? new float[n][] : null;
        float[][] bHh = bias ? new float[n][] : null;
        float[][] wHr = new float[n][];
        for (int l = 0; l < layers; l++) {
            LayerShape ls = stack.layer(l);
            int gh = ls.gateRows();
            for (int k = 0; k < stack.directions(); k++) {
                int i = l * stack.directions() + k;
                String s = "_l" + l + (k == 1 ? "_reverse" : "");
                wIh[i] = tensor(prefix + "weight_ih" + s, gh, ls.inputSize());
                wHh[i] = tensor(prefix + "weight_hh" + s, gh, ls.stateSize());
                if (bias) {
                    bIh[i] = tensor(prefix + "bias_ih" + s, gh);
                    bHh[i] = tensor(prefix + "bias_hh" + s, gh);
                } else {
                    absent(prefix + "bias_ih" + s, prefix + "bias_ih_l0");
                    absent(prefix + "bias_hh" + s, prefix + "bias_ih_l0");
                }
                if (proj > 0) {
                    wHr[i] = tensor(prefix + "weight_hr" + s, proj, hidden);
                } else {
                    absent(prefix + "weight_hr" + s, hr0Name);
                }
            }
        }
        for (String name : names) {
            if (!used.contains(name) && name.startsWith(prefix)
                    && RECURRENT_NAME.matcher(name.substring(prefix.length())).matches()) {
                throw new IllegalArgumentException("unexpected tensor '" + name + "' " + Arrays.toString(
                        file.entry(name).shape()) + ": the stack inferred from " + prefix + FIRST + " has " + layers
                        + " layer(s), " + stack.directions() + " direction(s)" + (bias ? "" : ", no bias")
                        + (proj > 0 ? "" : ", no projection"));
            }
        }
        Part embedding = findEmbedding(stack);
        Part head = findHead(stack, embedding);
        float[] emb = embedding == null ? null : tensor(embedding.weight, embedding.rows, stack.inputSize());
        float[] headW = head == null ? null : tensor(head.weight, head.rows, stack.outputSize());
        float[] headB = head == null || head.bias == null ? null : tensor(head.bias, head.rows);
        Architecture arch = new Architecture(stack, bias, batchFirst(), embedding == null ? 0 : embedding.rows,
                head == null ? 0 : head.rows, headB != null);
        List<String> ignored = new ArrayList<>();
        for (String name : names) {
            if (!used.contains(name)) {
                ignored.add(name);
            }
        }
        return new ModelWeights(arch, prefix, embedding == null ? null : embedding.module,
                head == null ? null : head.module, wIh, wHh, bIh, bHh, wHr, emb, headW, headB, vocab(),
                file.metadata(), ignored);
    }

    // ---- the recurrent stack ----------------------------------------------------------------------------------

    private String findPrefix() {
        if (options.rnnPrefix() != null) {
            String p = options.rnnPrefix();
            if (!p.isEmpty() && !p.endsWith(".") && !file.contains(p + FIRST)) {
                p = p + ".";
            }
            if (!file.contains(p + FIRST)) {
                throw new IllegalArgumentException("no tensor '" + p + FIRST + "' for the given recurrent prefix '"
                        + options.rnnPrefix() + "'" + candidates());
            }
            return p;
        }
        List<String> prefixes = new ArrayList<>();
        for (String name : names) {
            if (name.endsWith(FIRST)) {
                prefixes.add(name.substring(0, name.length() - FIRST.length()));
            }
        }
        if (prefixes.isEmpty()) {
            throw new IllegalArgumentException("no recurrent stack: no tensor named [prefix]" + FIRST
                    + " (the file holds " + abbreviate(names) + ")");
        }
        if (prefixes.size() > 1) {
            throw new IllegalArgumentException("several recurrent stacks " + prefixes + " (tensors *" + FIRST
                    + "): pick one with --rnn PREFIX / LoadOptions.withRnnPrefix");
        }
        return prefixes.get(0);
    }

    private String candidates() {
        List<String> l = new ArrayList<>();
        for (String name : names) {
            if (name.endsWith(FIRST)) {
                l.add(name);
            }
        }
        return l.isEmpty() ? "" : " (the file has " + l + ")";
    }

    private static boolean isGateCount(int g) {
        return g == 1 || g == 3 || g == 4;
    }

    private CellType cell(int gates, String prefix) {
        CellType fromShapes = switch (gates) {
            case 1 -> CellType.RNN_TANH;
            case 3 -> CellType.GRU;
            default -> CellType.LSTM;
        };
        CellType override = options.cell();
        if (override != null) {
            if (override.gates() != gates) {
                throw new IllegalArgumentException("cell " + name(override) + " needs " + override.gates()
                        + " gate blocks, but " + prefix + FIRST + " has " + gates + " (a " + name(fromShapes) + ")");
            }
            return override;
        }
        String meta = file.metadata().get("gatun.cell");
        if (meta == null) {
            return fromShapes;
        }
        CellType declared = parseCell(meta);
        // Shapes win when they can tell (contract): metadata only chooses tanh/relu and the GRU form.
        return declared.gates() == gates ? declared : fromShapes;
    }

    /** {@code rnn_tanh}, {@code rnn_relu}, {@code lstm}, {@code gru}, {@code gru_classic} to a cell type. */
    static CellType parseCell(String s) {
        for (CellType c : CellType.values()) {
            if (name(c).equals(s.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown cell '" + s + "' (expected rnn_tanh, rnn_relu, lstm, gru or "
                + "gru_classic)");
    }

    /** The metadata/CLI name of a cell type. */
    static String name(CellType c) {
        return c.name().toLowerCase(Locale.ROOT);
    }

    private boolean batchFirst() {
        if (options.batchFirst() != null) {
            return options.batchFirst();
        }
        String meta = file.metadata().get("gatun.batch_first");
        if (meta == null) {
            return false;
        }
        return switch (meta) {
            case "true", "True", "1" -> true;
            case "false", "False", "0" -> false;
            default -> throw new IllegalArgumentException("metadata gatun.batch_first='" + meta
                    + "' is not true or false");
        };
    }

    private List<String> vocab() {
        String meta = file.metadata().get("gatun.vocab");
        if (meta == null) {
            return List.of();
        }
        Object parsed;
        try {
            parsed = Json.parse(meta);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metadata gatun.vocab is not JSON: " + e.getMessage());
        }
        if (!(parsed instanceof List<?> list)) {
            throw new IllegalArgumentException("metadata gatun.vocab is not a JSON array of strings");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException("metadata gatun.vocab holds a non-string: " + o);
            }
            out.add(s);
        }
        return out;
    }

    // ---- embedding and head -------------------------------------------------------------------------------------

    /** A Linear or Embedding found in the file: module name, weight and bias tensor names, rows. */
    private record Part(String module, String weight, String bias, int rows) {
        int columns(SafeTensorsFile f) {
            return f.entry(weight).shape()[1];
        }
    }

    private Part findEmbedding(StackShape stack) {
        String given = options.embedding();
        if (LoadOptions.NONE.equals(given)) {
            return null;
        }
        if (given != null) {
            Part p = part(given, "embedding");
            checkColumns(p, stack.inputSize(), "the stack's input_size");
            if (p.bias != null) {
                throw new IllegalArgumentException("embedding '" + given + "' has a bias tensor '" + p.bias
                        + "': an nn.Embedding has none");
            }
            return p;
        }
        List<Part> found = new ArrayList<>();
        for (Part p : unusedParts()) {
            boolean fitsHead = p.columns(file) == stack.outputSize();
            boolean named = p.module.toLowerCase(Locale.ROOT).contains("emb");
            if (p.bias == null && p.columns(file) == stack.inputSize() && (named || !fitsHead)) {
                found.add(p);
            }
        }
        return pick(found, "embedding", "emb", "--embedding NAME / LoadOptions.withEmbedding");
    }

    private Part findHead(StackShape stack, Part embedding) {
        String given = options.head();
        if (LoadOptions.NONE.equals(given)) {
            return null;
        }
        if (given != null) {
            Part p = part(given, "head");
            checkColumns(p, stack.outputSize(), "the stack's output width D*Hr");
            return p;
        }
        List<Part> found = new ArrayList<>();
        for (Part p : unusedParts()) {
            if ((embedding == null || !p.module.equals(embedding.module)) && p.columns(file) == stack.outputSize()) {
                found.add(p);
            }
        }
        return pick(found, "head", "head", "--head NAME / LoadOptions.withHead");
    }

    private Part part(String module, String role) {
        String m = module.endsWith(".") ? module.substring(0, module.length() - 1) : module;
        String w = m.isEmpty() ? "weight" : m + ".weight";
        String b = m.isEmpty() ? "bias" : m + ".bias";
        if (!file.contains(w)) {
            throw new IllegalArgumentException("no tensor '" + w + "' for the " + role + " '" + module + "'");
        }
        TensorEntry e = matrix(w);
        return new Part(m, w, file.contains(b) ? b : null, e.shape()[0]);
    }

    private void checkColumns(Part p, int expected, String what) {
        int[] s = file.entry(p.weight).shape();
        if (s[1] != expected) {
            throw new IllegalArgumentException("'" + p.weight + "' " + Arrays.toString(s) + ": expected "
                    + expected + " columns (" + what + ")");
        }
    }

    /** Every unused {@code <m>.weight} of rank 2, with its {@code <m>.bias} if any. */
    private List<Part> unusedParts() {
        List<Part> parts = new ArrayList<>();
        for (String name : names) {
            if (used.contains(name) || !(name.equals("weight") || name.endsWith(".weight"))) {
                continue;
            }
            int[] s = file.entry(name).shape();
            if (s.length != 2) {
                continue;
            }
            String module = name.equals("weight") ? "" : name.substring(0, name.length() - ".weight".length());
            String bias = module.isEmpty() ? "bias" : module + ".bias";
            // A bias of the wrong shape still belongs to the module: reading it reports the shapes.
            boolean hasBias = file.contains(bias) && !used.contains(bias);
            parts.add(new Part(module, name, hasBias ? bias : null, s[0]));
        }
        return parts;
    }

    private static Part pick(List<Part> found, String role, String hint, String how) {
        if (found.size() <= 1) {
            return found.isEmpty() ? null : found.get(0);
        }
        List<Part> named = new ArrayList<>();
        for (Part p : found) {
            if (p.module.toLowerCase(Locale.ROOT).contains(hint)) {
                named.add(p);
            }
        }
        if (named.size() == 1) {
            return named.get(0);
        }
        List<String> modules = new ArrayList<>();
        for (Part p : found) {
            modules.add(p.module);
        }
        throw new IllegalArgumentException("ambiguous " + role + ": modules " + modules + " all fit; pick one with "
                + how + " ('none' for no " + role + ")");
    }

    // ---- tensors ----------------------------------------------------------------------------------------------

    private String require(String name) {
        if (!file.contains(name)) {
            throw new IllegalArgumentException("missing tensor '" + name + "'");
        }
        return name;
    }

    private TensorEntry matrix(String name) {
        TensorEntry e = file.entry(require(name));
        if (e.shape().length != 2) {
            throw new IllegalArgumentException("tensor '" + name + "' " + Arrays.toString(e.shape())
                    + " must be a matrix");
        }
        return e;
    }

    private void absent(String name, String because) {
        if (file.contains(name)) {
            throw new IllegalArgumentException("unexpected tensor '" + name + "' "
                    + Arrays.toString(file.entry(name).shape()) + ": '" + because + "' is absent");
        }
    }

    /** The tensor's elements after checking it has exactly {@code shape}; marks it used. */
    private float[] tensor(String name, int... shape) {
        TensorEntry e = file.entry(require(name));
        if (!Arrays.equals(e.shape(), shape)) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(e.shape())
                    + ", expected " + Arrays.toString(shape));
        }
        if (!e.dtype().isFloat()) {
            throw new IllegalArgumentException("tensor '" + name + "' has dtype " + e.dtype()
                    + ", expected a float type (F32, F16, BF16, F64)");
        }
        used.add(name);
        return file.floats(name);
    }

    private static String abbreviate(List<String> l) {
        return l.size() <= 10 ? l.toString() : l.subList(0, 10) + "... (" + l.size() + ")";
    }

}
