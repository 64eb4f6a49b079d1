package dev.gatun.model;

import java.util.List;
import java.util.Map;

/**
 * Everything a {@link Model} is built from, on the heap: the architecture, the weights per layer direction in
 * PyTorch's layout, the optional embedding and head, and the names they were found under (so an export writes them
 * back the same way). Arrays are owned by this object (copied in by whoever builds it).
 */
final class ModelWeights {
    final Architecture arch;
    final String rnnPrefix;        // "" or ends with what precedes weight_ih_l0, e.g. "rnn."
    final String embeddingName;    // module name ("embedding"), or null
    final String headName;         // module name ("head"), or null
    final float[][] wIh;           // [l*D + d] (G*H, I_l)
    final float[][] wHh;           // [l*D + d] (G*H, Hr)
    final float[][] bIh;           // [l*D + d] (G*H), null without bias
    final float[][] bHh;           // [l*D + d] (G*H), null without bias
    final float[][] wHr;           // [l*D + d] (P, H), null without projection
    final float[] embedding;       // (V, I), or null
    final float[] headWeight;      // (O, D*Hr), or null
    final float[] headBias;        // (O), or null
    final List<String> vocab;
    final Map<String, String> metadata;
    final List<String> ignored;    // tensors of the file no part used (optimizer state excluded)

    ModelWeights(Architecture arch, String rnnPrefix, String embeddingName, String headName, float[][] wIh,
                 float[][] wHh, float[][] bIh, float[][] bHh, float[][] wHr, float[] embedding, float[] headWeight,
                 float[] headBias, List<String> vocab, Map<String, String> metadata, List<String> ignored) {
        this.arch = arch;
        this.rnnPrefix = rnnPrefix;
        this.embeddingName = embeddingName;
        this.headName = headName;
        this.wIh = wIh;
        this.wHh = wHh;
        this.bIh = bIh;
        this.bHh = bHh;
        this.wHr = wHr;
        this.embedding = embedding;
        this.headWeight = headWeight;
        this.headBias = headBias;
        this.vocab = List.copyOf(vocab);
        this.metadata = Map.copyOf(metadata);
        this.ignored = List.copyOf(ignored);
    }

    /** The PyTorch suffix of layer direction {@code i}: {@code _l{l}} or {@code _l{l}_reverse}. */
    String suffix(int i) {
        int d = arch.stack().directions();
        return "_l" + (i / d) + (i % d == 1 ? "_reverse" : "");
    }
}
