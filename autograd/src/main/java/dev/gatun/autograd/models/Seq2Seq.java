package dev.gatun.autograd.models;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.nn.Embedding;
import dev.gatun.autograd.nn.Linear;
import dev.gatun.autograd.nn.Module;
import dev.gatun.autograd.nn.Recurrent;
import dev.gatun.autograd.nn.RecurrentOutput;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;

/**
 * Encoder-decoder over tokens: the encoder stack reads the embedded source, and its final states (h, and c for the
 * LSTM) are the decoder's initial states. The decoder predicts the target one token at a time from the previous
 * token, starting from a begin token.
 *
 * <ul>
 *   <li>Training, {@link #forward}: teacher forcing, the decoder is fed {@code bos, y_0, ..., y_{T-2}} in one fused
 *   call and returns logits for {@code y_0..y_{T-1}}; train with {@link Ops#crossEntropy} against the targets.</li>
 *   <li>Inference, {@link #greedy}: under no-grad, each step feeds back the most likely token of the step
 *   before.</li>
 * </ul>
 * Token arrays are time-major, {@code [t*B + b]}; every sequence of a batch has the batch's length.
 *
 * <p>Parameters: {@code source.weight}, {@code encoder.*}, {@code target.weight}, {@code decoder.*},
 * {@code head.weight}, {@code head.bias}.
 */
public final class Seq2Seq extends Module {
    private final Embedding source;
    private final Recurrent encoder;
    private final Embedding target;
    private final Recurrent decoder;
    private final Linear head;
    private final int bos;
    private final int targetVocab;
    private int[] fed = new int[0];

    /**
     * A model.
     *
     * @param cell the recurrent cell of both stacks
     * @param sourceVocab source tokens
     * @param targetVocab target tokens, including {@code bos}
     * @param embedding embedding size of both vocabularies
     * @param hiddenSize state size of both stacks
     * @param layers layers of each stack
     * @param bos the begin token fed to the decoder's first step, in [0, targetVocab)
     * @param seed initialization seed
     */
    public Seq2Seq(CellType cell, int sourceVocab, int targetVocab, int embedding, int hiddenSize, int layers, int bos,
                   long seed) {
        if (bos < 0 || bos >= targetVocab) {
            throw new IllegalArgumentException("Seq2Seq: bos " + bos + " is not a target token in [0, " + targetVocab
                    + ")");
        }
        StackShape shape = new StackShape(cell, embedding, hiddenSize, layers, false, 0);
        this.source = child("source", new Embedding(sourceVocab, embedding, seed));
        this.encoder = child("encoder", new Recurrent(shape, 0f, true, seed + 1));
        this.target = child("target", new Embedding(targetVocab, embedding, seed + 2));
        this.decoder = child("decoder", new Recurrent(shape, 0f, true, seed + 3));
        this.head = child("head", new Linear(hiddenSize, targetVocab, seed + 4));
        this.bos = bos;
        this.targetVocab = targetVocab;
    }

    /**
     * Teacher-forced logits.
     *
     * @param src source tokens {@code [t*B + b]}, {@code srcSteps * batch} of them
     * @param tgt target tokens {@code [t*B + b]}, {@code tgtSteps * batch} of them
     * @return logits (tgtSteps, B, targetVocab): step t predicts {@code tgt[t]} from {@code tgt[t-1]}
     */
    public Var forward(Tape tape, int[] src, int srcSteps, int[] tgt, int tgtSteps, int batch) {
        RecurrentOutput enc = encode(tape, src, srcSteps, batch);
        checkTokens("tgt", tgt, tgtSteps, batch);
        int n = tgtSteps * batch;
        if (fed.length < n) {
            fed = new int[n];
        }
        for (int b = 0; b < batch; b++) {
            fed[b] = bos;
        }
        System.arraycopy(tgt, 0, fed, batch, n - batch);
        Var in = target.forward(tape, fed, tgtSteps, batch);
        Var out = decoder.forward(tape, in, enc.hidden(), enc.cell()).output();
        return head.forward(tape, out);
    }

    /**
     * Greedy decoding, recording nothing on the tape's gradient path.
     *
     * @param src source tokens {@code [t*B + b]}
     * @param steps tokens to produce per sequence
     * @return the tokens, {@code [t*B + b]}
     */
    public int[] greedy(Tape tape, int[] src, int srcSteps, int batch, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("Seq2Seq: steps must be >= 1, got " + steps);
        }
        int[] result = new int[steps * batch];
        int[] current = new int[batch];
        java.util.Arrays.fill(current, bos);
        try (var g = tape.noGrad()) {
            RecurrentOutput enc = encode(tape, src, srcSteps, batch);
            Var h = enc.hidden();
            Var c = enc.cell();
            for (int t = 0; t < steps; t++) {
                RecurrentOutput o = decoder.forward(tape, target.forward(tape, current, 1, batch), h, c);
                h = o.hidden();
                c = o.cell();
                Tensor logits = head.forward(tape, o.output()).value();   // (1, B, V)
                for (int b = 0; b < batch; b++) {
                    current[b] = argmax(logits, b);
                    result[t * batch + b] = current[b];
                }
            }
        }
        return result;
    }

    private RecurrentOutput encode(Tape tape, int[] src, int srcSteps, int batch) {
        checkTokens("src", src, srcSteps, batch);
        return encoder.forward(tape, source.forward(tape, src, srcSteps, batch), null, null);
    }

    private int argmax(Tensor logits, int b) {
        int best = 0;
        float max = logits.get(0, b, 0);
        for (int k = 1; k < targetVocab; k++) {
            float v = logits.get(0, b, k);
            if (v > max) {
                max = v;
                best = k;
            }
        }
        return best;
    }

    private static void checkTokens(String name, int[] tokens, int steps, int batch) {
        if (steps < 1 || batch < 1) {
            throw new IllegalArgumentException("Seq2Seq: " + name + " steps and batch must be >= 1, got " + steps
                    + ", " + batch);
        }
        if (tokens == null || tokens.length < (long) steps * batch) {
            throw new IllegalArgumentException("Seq2Seq: " + name + " needs " + steps + " x " + batch + " tokens, got "
                    + (tokens == null ? "null" : tokens.length));
        }
    }
}
