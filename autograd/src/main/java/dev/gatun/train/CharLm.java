package dev.gatun.train;

import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.nn.Embedding;
import dev.gatun.autograd.nn.Linear;
import dev.gatun.autograd.nn.Module;
import dev.gatun.autograd.nn.Recurrent;
import dev.gatun.autograd.nn.RecurrentOutput;
import dev.gatun.autograd.nn.RecurrentState;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;

/**
 * A character-level language model: {@code embedding} (V, E) -> {@code rnn} (a {@link Recurrent} stack of LSTM,
 * GRU or RNN layers, H units) -> {@code head} (a {@link Linear} H -> V) giving the logits of the next character.
 * Parameter names are PyTorch's ({@code embedding.weight}, {@code rnn.weight_ih_l0}, {@code head.weight}), so the
 * state dict of the same model written in PyTorch maps one to one.
 */
public final class CharLm extends Module {
    private final Vocabulary vocabulary;
    private final LmConfig config;
    private final Embedding embedding;
    private final Recurrent rnn;
    private final Linear head;

    /** A freshly initialized model (PyTorch's initializers) for {@code vocabulary}, drawn from {@code seed}. */
    public CharLm(Vocabulary vocabulary, LmConfig config, long seed) {
        if (vocabulary == null || config == null) {
            throw new IllegalArgumentException("CharLm: vocabulary and config must not be null");
        }
        this.vocabulary = vocabulary;
        this.config = config;
        int v = vocabulary.size();
        this.embedding = child("embedding", new Embedding(v, config.embed(), seed + 1));
        this.rnn = child("rnn", new Recurrent(new StackShape(config.cell(), config.embed(), config.hidden(),
                config.layers(), false, 0), 0f, true, seed + 2));
        this.head = child("head", new Linear(config.hidden(), v, seed + 4));
    }

    /**
     * Logits (T, B, V) of the next character after each input, starting from the state carried in {@code state}
     * and leaving the chunk's final state there for the next chunk (gradients stop at the chunk boundary).
     *
     * @param tokens time-major indices {@code [t*B + b]}, T*B of them
     */
    public Var logits(Tape tape, int[] tokens, int steps, int batch, RecurrentState state) {
        if (state == null) {
            throw new IllegalArgumentException("CharLm: state is null");
        }
        Var x = embedding.forward(tape, tokens, steps, batch);                       // (T, B, E)
        RecurrentOutput out = rnn.forward(tape, x, state.h0(tape), state.c0(tape));  // (T, B, H)
        state.carry(out);
        return head.forward(tape, out.output());                                   // (T, B, V)
    }

    /** A zero state for {@code batch} sequences. */
    public RecurrentState newState(int batch) {
        return new RecurrentState(rnn.shape(), batch);
    }

    /** The characters. */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The sizes. */
    public LmConfig config() {
        return config;
    }

    /** The embedding (V, E). */
    public Embedding embedding() {
        return embedding;
    }

    /** The recurrent stack. */
    public Recurrent rnn() {
        return rnn;
    }

    /** The output layer H -> V. */
    public Linear head() {
        return head;
    }

    /** The recurrent cell as stored in {@code gatun.cell}: {@code lstm}, {@code gru}, {@code rnn_tanh}, ... */
    static String cellName(CellType cell) {
        return cell.name().toLowerCase(java.util.Locale.ROOT);
    }
}
