package dev.gatun.train;

import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Rng;
import dev.gatun.gemm.Gemm;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.stream.Nonlinearity;
import dev.gatun.kernels.stream.StreamingCell;
import dev.gatun.kernels.stream.StreamingStepper;
import dev.gatun.kernels.stream.WeightFormat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;

/**
 * Generates text from a {@link CharLm} one character at a time through the batch-1 streaming kernels: each layer's
 * weights are repacked once into a {@link StreamingCell}, and a step is an embedding row, one fused GEMV+gates step
 * per layer and the head's GEMV. The weights are copied when the generator is built: later training does not
 * change it. Not thread-safe; a step allocates nothing.
 */
public final class Generator implements AutoCloseable {
    private final Vocabulary vocabulary;
    private final int embed;
    private final int hidden;
    private final int vocab;
    private final StreamingCell[] cells;
    private final StreamingStepper[] steppers;
    private final float[] table;          // (V, E) embedding rows
    private final float[] h;              // (H,) a layer's output
    private final float[] logits;         // (V,)
    private final double[] weights;       // (V,) sampling scratch
    // The head's GEMV runs on native memory: a GEMV on heap segments was seen to box vectors (576 B per character)
    // in this calling context, and runs at half the speed.
    private final Arena arena = Arena.ofShared();
    private final MemorySegment headW;    // (V, H)
    private final MemorySegment headB;    // (V,)
    private final MemorySegment hSeg;     // (H,) the last layer's output
    private final MemorySegment logitSeg; // (V,)

    /** A single-threaded generator. */
    public Generator(CharLm model) {
        this(model, 1);
    }

    /**
     * A generator whose steppers use {@code threads} threads (1 or 2: the caller and one worker per layer; see
     * {@link StreamingCell#newStepper(int)}).
     */
    public Generator(CharLm model, int threads) {
        if (model == null) {
            throw new IllegalArgumentException("Generator: model is null");
        }
        if (threads != 1 && threads != 2) {
            throw new IllegalArgumentException("Generator: threads must be 1 or 2, got " + threads);
        }
        LmConfig c = model.config();
        this.vocabulary = model.vocabulary();
        this.embed = c.embed();
        this.hidden = c.hidden();
        this.vocab = vocabulary.size();
        Map<String, Parameter> p = model.namedParameters();
        this.table = p.get("embedding.weight").value().toArray();
        this.cells = new StreamingCell[c.layers()];
        this.steppers = new StreamingStepper[c.layers()];
        try {
            for (int l = 0; l < c.layers(); l++) {
                cells[l] = cell(c.cell(), p, l, l == 0 ? embed : hidden, hidden);
                steppers[l] = cells[l].newStepper(threads);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.h = new float[hidden];
        this.logits = new float[vocab];
        this.weights = new double[vocab];
        this.headW = arena.allocateFrom(ValueLayout.JAVA_FLOAT, p.get("head.weight").value().toArray());
        this.headB = arena.allocateFrom(ValueLayout.JAVA_FLOAT, p.get("head.bias").value().toArray());
        this.hSeg = arena.allocate((long) hidden * Float.BYTES, 64);
        this.logitSeg = arena.allocate((long) vocab * Float.BYTES, 64);
    }

    private static StreamingCell cell(CellType type, Map<String, Parameter> p, int l, int in, int hidden) {
        float[] wIh = p.get("rnn.weight_ih_l" + l).value().toArray();
        float[] wHh = p.get("rnn.weight_hh_l" + l).value().toArray();
        float[] bIh = p.get("rnn.bias_ih_l" + l).value().toArray();
        float[] bHh = p.get("rnn.bias_hh_l" + l).value().toArray();
        return switch (type) {
            case LSTM -> StreamingCell.lstm(wIh, wHh, bIh, bHh, in, hidden, WeightFormat.FP32);
            case GRU -> StreamingCell.gru(wIh, wHh, bIh, bHh, in, hidden, WeightFormat.FP32);
            case RNN_TANH -> StreamingCell.rnn(wIh, wHh, bIh, bHh, in, hidden, Nonlinearity.TANH, WeightFormat.FP32);
            case RNN_RELU -> StreamingCell.rnn(wIh, wHh, bIh, bHh, in, hidden, Nonlinearity.RELU, WeightFormat.FP32);
            case GRU_CLASSIC -> throw new IllegalArgumentException("Generator: GRU_CLASSIC has no streaming kernel");
        };
    }

    /** Back to the zero state. */
    public void reset() {
        for (StreamingStepper s : steppers) {
            s.reset();
        }
    }

    /**
     * Feeds one character index and returns the logits (V) of the next one: a live buffer, overwritten by the next
     * call.
     */
    public float[] feed(int token) {
        if (token < 0 || token >= vocab) {
            throw new IllegalArgumentException("Generator: token " + token + " out of range [0, " + vocab + ")");
        }
        steppers[0].step(table, token * embed);
        for (int l = 1; l < steppers.length; l++) {
            steppers[l - 1].h(h);
            steppers[l].step(h);
        }
        steppers[steppers.length - 1].h(hSeg, 0);
        MemorySegment.copy(headB, 0, logitSeg, 0, (long) vocab * Float.BYTES);
        Gemm.sgemv(false, vocab, hidden, 1f, headW, 0, hidden, hSeg, 0, 1, 1f, logitSeg, 0, 1);
        MemorySegment.copy(logitSeg, ValueLayout.JAVA_FLOAT, 0, logits, 0, vocab);
        return logits;
    }

    /**
     * Draws the next index from the last logits: softmax of {@code logits / temperature}, or the most likely index
     * when {@code temperature == 0} (greedy).
     */
    public int pick(float temperature, Rng rng) {
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        if (temperature == 0f) {
            return best;
        }
        if (rng == null) {
            throw new IllegalArgumentException("Generator: rng is null (needed when temperature > 0)");
        }
        double max = logits[best];
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            weights[i] = Math.exp((logits[i] - max) / temperature);
            sum += weights[i];
        }
        double u = rng.nextDouble() * sum;
        for (int i = 0; i < vocab; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        return best;   // rounding left a sliver of mass: give it to the most likely index
    }

    /**
     * From the zero state, reads {@code prime} (at least one character, all in the vocabulary) and continues it by
     * {@code length} sampled characters; returns only the continuation.
     */
    public String sample(String prime, int length, float temperature, Rng rng) {
        if (prime == null || prime.isEmpty()) {
            throw new IllegalArgumentException("prime must have at least one character");
        }
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        int[] primed = vocabulary.encode(prime);
        reset();
        for (int t : primed) {
            feed(t);
        }
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int next = pick(temperature, rng);
            out.appendCodePoint(vocabulary.codePoint(next));
            feed(next);
        }
        return out.toString();
    }

    /** The model's characters. */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
        for (StreamingStepper s : steppers) {
            if (s != null) {
                s.close();
            }
        }
        for (StreamingCell c : cells) {
            if (c != null) {
                c.close();
            }
        }
    }
}
