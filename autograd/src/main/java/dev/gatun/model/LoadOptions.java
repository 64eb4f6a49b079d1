package dev.gatun.model;

import dev.gatun.kernels.CellType;
import dev.gatun.kernels.stream.WeightFormat;

/**
 * How {@link Model#load(java.nio.file.Path, LoadOptions)} reads a state_dict: overrides for what shapes cannot tell,
 * names to pick the parts when they are ambiguous, and the streaming weight format. Immutable; start from
 * {@link #DEFAULTS} and chain the {@code with...} methods.
 *
 * @param cell the recurrence, overriding {@code gatun.cell} (must agree with the gate count of the shapes); or null
 * @param batchFirst overriding {@code gatun.batch_first}; or null
 * @param rnnPrefix the prefix in front of {@code weight_ih_l0} (e.g. {@code "encoder.rnn."}), or null to find it
 * @param embedding the module name of the embedding ({@code "embedding"} for {@code embedding.weight}),
 *                  {@link #NONE} for none, or null to find it
 * @param head the module name of the linear head, {@link #NONE} for none, or null to find it
 * @param streamingFormat weight format of the batch-1 streaming path (float32 or bfloat16)
 */
public record LoadOptions(CellType cell, Boolean batchFirst, String rnnPrefix, String embedding, String head,
                          WeightFormat streamingFormat) {
    /** Module name meaning "this part is absent". */
    public static final String NONE = "none";
    /** Everything inferred; float32 streaming weights. */
    public static final LoadOptions DEFAULTS = new LoadOptions(null, null, null, null, null, WeightFormat.FP32);

    /** Validates. */
    public LoadOptions {
        if (streamingFormat == null) {
            throw new IllegalArgumentException("LoadOptions: streamingFormat is null");
        }
    }

    /** With the recurrence overridden. */
    public LoadOptions withCell(CellType c) {
        return new LoadOptions(c, batchFirst, rnnPrefix, embedding, head, streamingFormat);
    }

    /** With the layout overridden. */
    public LoadOptions withBatchFirst(Boolean b) {
        return new LoadOptions(cell, b, rnnPrefix, embedding, head, streamingFormat);
    }

    /** With the stack's prefix given. */
    public LoadOptions withRnnPrefix(String p) {
        return new LoadOptions(cell, batchFirst, p, embedding, head, streamingFormat);
    }

    /** With the embedding's module name given ({@link #NONE} for none). */
    public LoadOptions withEmbedding(String name) {
        return new LoadOptions(cell, batchFirst, rnnPrefix, name, head, streamingFormat);
    }

    /** With the head's module name given ({@link #NONE} for none). */
    public LoadOptions withHead(String name) {
        return new LoadOptions(cell, batchFirst, rnnPrefix, embedding, name, streamingFormat);
    }

    /** With the streaming weight format. */
    public LoadOptions withStreamingFormat(WeightFormat f) {
        return new LoadOptions(cell, batchFirst, rnnPrefix, embedding, head, f);
    }
}
