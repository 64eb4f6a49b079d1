package dev.gatun.autograd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.optim.Adam;
import dev.gatun.autograd.optim.GradClip;
import dev.gatun.blas.Blas;
import dev.gatun.gemm.Gemm;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.Vectorization;
import dev.gatun.kernels.sequence.StackShape;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 4's budget: once warm, a training step allocates at most {@value #BUDGET} bytes of Java heap. Measured for
 * the benchmark's step (one RNN/LSTM/GRU layer over T=32, loss, backward, SGD) under OpenBLAS and under the
 * pure-Java GEMM (this JVM's provider here, the other in a child JVM: the provider is chosen once per process), and
 * for a fuller step in this JVM (embedding, 2-layer LSTM, linear head, cross-entropy, clipping, Adam).
 */
class TrainingStepAllocationTest {
    /** Bytes a steady-state training step may allocate. */
    static final double BUDGET = 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int VOCAB = 11;
    private static final int STEPS = 6;
    private static final int BATCH = 3;
    private static final StackShape SHAPE = new StackShape(CellType.LSTM, 8, 16, 2, false, 0);

    @Test
    void recurrentTrainingStepsStayWithinBudgetOnThisJvmsGemm() {
        String provider = Gemm.provider().name();
        for (CellType cell : TrainingStepAllocationMain.CELLS) {
            assertWithinBudget(cell, provider, TrainingStepAllocationMain.bytesPerStep(cell, BUDGET));
        }
    }

    /** The other of OpenBLAS and the Java GEMM, in a child JVM. */
    @Test
    void recurrentTrainingStepsStayWithinBudgetOnTheOtherGemm() throws Exception {
        String other = Gemm.provider().name().equals("openblas") ? "java" : "openblas";
        assumeTrue(other.equals("java") ? Vectorization.enabled() : Blas.available(),
                "the " + other + " GEMM cannot run here");
        Map<String, String> child = child(other);
        assertEquals(other, child.get("provider"), child.get("stdout"));
        for (CellType cell : TrainingStepAllocationMain.CELLS) {
            assertWithinBudget(cell, other, Double.parseDouble(child.get(cell.name())));
        }
    }

    private static void assertWithinBudget(CellType cell, String provider, double bytes) {
        System.out.printf("%s training step, %s GEMM: %.0f bytes%n", cell, provider, bytes);
        assertTrue(bytes <= BUDGET, cell + " training step on " + provider + " allocated " + bytes
                + " bytes per step, budget " + BUDGET);
    }

    @Test
    void fullLanguageModelStepStaysWithinBudget() {
        int[] tokens = new int[STEPS * BATCH];
        int[] targets = new int[STEPS * BATCH];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 7) % VOCAB;
            targets[i] = (i * 5 + 1) % VOCAB;
        }
        try (Tape tape = new Tape();
             Embedding embed = new Embedding(VOCAB, 8, 1);
             Recurrent lstm = new Recurrent(SHAPE, 0f, true, 2);
             Linear head = new Linear(16, VOCAB, 3)) {
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
                double step = steadyState(training);
                System.out.printf("language-model training step: %.0f bytes%n", step);
                assertTrue(step <= BUDGET, "the training step allocated " + step + " bytes per step");
            }
        }
    }

    /** Smallest per-call allocation over rounds of 200 calls, stopping once a round is within budget. */
    private static double steadyState(Runnable step) {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 80 && best > BUDGET; round++) {
            for (int i = 0; i < 200; i++) {
                step.run();
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200; i++) {
                step.run();
            }
            best = Math.min(best, (THREADS.getCurrentThreadAllocatedBytes() - before) / 200.0);
        }
        return best;
    }

    /** Runs {@link TrainingStepAllocationMain} with {@code -Dgatun.gemm=provider}; its {@code key=value} lines. */
    private static Map<String, String> child(String provider) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules=jdk.incubator.vector");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Dgatun.gemm=" + provider);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TrainingStepAllocationMain.class.getName());
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String stdout = read(process.getInputStream());
        assertTrue(process.waitFor(240, TimeUnit.SECONDS), "child JVM timed out");
        assertEquals(0, process.exitValue(), () -> "child failed:\n" + stdout + "\n" + stderr.join());
        Map<String, String> values = new HashMap<>();
        for (String line : stdout.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        values.put("stdout", stdout);
        return values;
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
