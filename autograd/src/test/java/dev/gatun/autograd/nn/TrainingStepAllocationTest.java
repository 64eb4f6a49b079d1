package dev.gatun.autograd.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.optim.Adam;
import dev.gatun.autograd.optim.GradClip;
import dev.gatun.gemm.Gemm;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.LayerWeights;
import dev.gatun.kernels.sequence.RecurrentStack;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A whole training step (embedding, 2-layer LSTM, linear head, cross-entropy, backward, clipping, Adam) adds no
 * Java allocation of its own once warm: the tape reuses its nodes and buffers, the layer its per-call objects, the
 * optimizer its state. What the step allocates is what the kernels it calls allocate (argument-check and slice
 * objects in the GEMM dispatch and the sequence kernels), measured here by making the same kernel calls directly;
 * the test bounds the difference.
 */
class TrainingStepAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int VOCAB = 11;
    private static final int STEPS = 6;
    private static final int BATCH = 3;
    private static final StackShape SHAPE = new StackShape(CellType.LSTM, 8, 16, 2, false, 0);

    @Test
    void steadyStateTrainingStepAddsNoAllocationToTheKernels() {
        int[] tokens = new int[STEPS * BATCH];
        int[] targets = new int[STEPS * BATCH];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 7) % VOCAB;
            targets[i] = (i * 5 + 1) % VOCAB;
        }
        try (Tape tape = new Tape();
             Embedding embed = new Embedding(VOCAB, 8, 1);
             Recurrent lstm = new Recurrent(SHAPE, 0f, true, 2);
             Linear head = new Linear(16, VOCAB, 3);
             Arena arena = Arena.ofConfined();
             RecurrentStack stack = new RecurrentStack(SHAPE)) {
            List<Parameter> params = new ArrayList<>(embed.parameters());
            params.addAll(lstm.parameters());
            params.addAll(head.parameters());
            try (Adam adam = new Adam(params, 1e-3f)) {
                List<Parameter> all = adam.parameters();
                Runnable training = () -> {
                    tape.reset();
                    adam.zeroGrad();
                    Var x = embed.forward(tape, tokens, STEPS, BATCH);
                    Var logits = head.forward(tape, lstm.forward(tape, x, null, null).output());
                    tape.backward(Ops.crossEntropy(tape, logits, targets));
                    GradClip.clipGlobalNorm(all, 1.0);
                    adam.step();
                };
                Runnable kernelsOnly = kernelsOnly(arena, stack);
                double step = steadyState(training);
                double kernels = steadyState(kernelsOnly);
                System.out.printf("training step: %.0f bytes, of which the sequence kernels alone: %.0f bytes%n",
                        step, kernels);
                assertTrue(step - kernels <= 32, "the training step allocated " + step + " bytes per step, the "
                        + "kernels it calls " + kernels);
            }
        }
    }

    /** The fused LSTM forward and backward and the head's three GEMMs of the training step, called directly. */
    private static Runnable kernelsOnly(Arena arena, RecurrentStack stack) {
        LayerWeights[] w = new LayerWeights[SHAPE.layers()];
        LayerWeights[] g = new LayerWeights[SHAPE.layers()];
        for (int l = 0; l < w.length; l++) {
            w[l] = LayerWeights.allocate(arena, SHAPE.layer(l));
            g[l] = LayerWeights.allocate(arena, SHAPE.layer(l));
        }
        Tensor x = Tensor.allocate(arena, STEPS, BATCH, 8);
        Tensor y = Tensor.allocate(arena, STEPS, BATCH, 16);
        Tensor hN = Tensor.allocate(arena, 2, BATCH, 16);
        Tensor cN = Tensor.allocate(arena, 2, BATCH, 16);
        Tensor dy = Tensor.allocate(arena, STEPS, BATCH, 16);
        Tensor dx = Tensor.allocate(arena, STEPS, BATCH, 8);
        int rows = STEPS * BATCH;
        Tensor head = Tensor.allocate(arena, VOCAB, 16);
        Tensor logits = Tensor.allocate(arena, rows, VOCAB);
        Tensor dHead = Tensor.allocate(arena, VOCAB, 16);
        return () -> {
            Gemm.sgemm(false, true, rows, VOCAB, 16, 1f, y.segment(), 0, 16, head.segment(), 0, 16, 1f,
                    logits.segment(), 0, VOCAB);
            Gemm.sgemm(false, false, rows, 16, VOCAB, 1f, logits.segment(), 0, VOCAB, head.segment(), 0, 16, 1f,
                    dy.segment(), 0, 16);
            Gemm.sgemm(true, false, VOCAB, 16, rows, 1f, logits.segment(), 0, VOCAB, y.segment(), 0, 16, 1f,
                    dHead.segment(), 0, 16);
            stack.forward(STEPS, BATCH, x.segment(), 0, w, null, 0, null, 0, y.segment(), 0, hN.segment(), 0,
                    cN.segment(), 0);
            stack.backward(STEPS, BATCH, x.segment(), 0, w, null, 0, null, 0, y.segment(), 0, dy.segment(), 0,
                    null, 0, null, 0, g, dx.segment(), 0, null, 0, null, 0);
        };
    }

    /** Smallest per-call allocation over rounds of 1000 calls, once it has not improved for 10 rounds. */
    private static double steadyState(Runnable step) {
        double best = Double.MAX_VALUE;
        int sinceBest = 0;
        for (int round = 0; round < 80 && sinceBest < 10; round++) {
            for (int i = 0; i < 500; i++) {
                step.run();
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 500; i++) {
                step.run();
            }
            double now = (THREADS.getCurrentThreadAllocatedBytes() - before) / 500.0;
            if (now < best) {
                best = now;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
        }
        return best;
    }
}
