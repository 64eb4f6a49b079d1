package dev.gatun.fuzz;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kernels module's API fuzzer: every public entry point with random, awkward and invalid arguments. The default
 * run makes a few thousand calls in a few seconds; {@code -Plong} runs {@link #longRun} (over 10^5 calls). Replay a
 * failure with {@code -Dgatun.fuzz.seed=<seed>}.
 */
class KernelApiFuzzTest {

    /** Runs every case {@code scale} times its base count. */
    static Fuzzer fuzz(long seed, int scale) {
        Fuzzer f = new Fuzzer(seed);
        f.run("tensor", 80 * scale, TensorFuzz::fuzzTensor);
        f.run("scratch", 40 * scale, TensorFuzz::fuzzScratch);
        f.run("activations", 80 * scale, TensorFuzz::fuzzActivations);
        f.run("gemm", 120 * scale, GemmFuzz::fuzzGemm);
        f.run("gemv", 120 * scale, GemmFuzz::fuzzGemv);
        f.run("cells", 160 * scale, CellFuzz::fuzzOne);
        f.run("shapes", 20 * scale, SequenceFuzz::fuzzShapes);
        f.run("pass", 30 * scale, SequenceFuzz::fuzzPass);
        f.run("stack", 16 * scale, SequenceFuzz::fuzzStack);
        f.run("streamingFactories", 40 * scale, StreamingFuzz::fuzzFactories);
        f.run("stepper", 30 * scale, StreamingFuzz::fuzzStepper);
        return f;
    }

    @Test
    void defaultRun() {
        fuzz(Fuzzer.seed(), 1).assertClean("kernels (default)");
    }

    @Test
    @Tag("long")
    void longRun() {
        Fuzzer f = fuzz(Fuzzer.seed() + 1, 40);
        f.assertClean("kernels (long)");
        if (f.calls() < 100_000) {
            throw new AssertionError("only " + f.calls() + " calls");
        }
    }
}
