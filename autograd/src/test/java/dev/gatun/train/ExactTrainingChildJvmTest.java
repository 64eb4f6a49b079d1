package dev.gatun.train;


import dev.gatun.kernels.CellType;
import dev.gatun.kernels.Vectorization;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Bitwise determinism and exact resumption, in fresh child JVMs (cold JIT: the first steps run interpreted, later
 * ones compiled), on the scalar kernels ({@code -Dgatun.vector=false}) and on the Vector API kernels: the same seed
 * must give the same bits and a resumed run must match an uninterrupted one bit for bit.
 */
class ExactTrainingChildJvmTest {
    @Test
    void sameSeedAndResumedRunsAgreeBitForBitOnTheScalarKernels() throws Exception {
        ChildJvm.run(ExactTrainingChildJvmTest.class, "-Dgatun.vector=false", "-Dgatun.child.expectVector=false");
    }

    @Test
    void sameSeedAndResumedRunsAgreeBitForBitOnTheVectorKernels() throws Exception {
        ChildJvm.run(ExactTrainingChildJvmTest.class, "-Dgatun.child.expectVector=true");
    }

    /** Child JVM entry point: exits 1 with the failure on stdout. */
    public static void main(String[] args) {
        try {
            boolean expectVector = Boolean.getBoolean("gatun.child.expectVector");
            if (Vectorization.enabled() != expectVector) {
                throw new AssertionError("expected the " + (expectVector ? "vector" : "scalar") + " kernels, got "
                        + Vectorization.describe());
            }
            for (int round = 0; round < 2; round++) {   // the second round runs partly compiled code
                try (Trainer a = TrainerTest.trainer(CellType.GRU, 2, 10, 5);
                     Trainer b = TrainerTest.trainer(CellType.GRU, 2, 10, 5)) {
                    a.run(null);
                    b.run(null);
                    TrainerTest.assertSameBits(TrainerTest.weights(a), TrainerTest.weights(b));
                }
            }
            Path dir = Files.createTempDirectory("gatun-exact");
            try {
                TrainerTest.checkResume(dir, true, CellType.LSTM, CellType.GRU, CellType.RNN_TANH);
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.exit(1);
        }
        System.exit(0);
    }
}
