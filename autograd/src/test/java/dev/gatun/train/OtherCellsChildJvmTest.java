package dev.gatun.train;

import dev.gatun.kernels.CellType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The GRU and RNN versions of the in-process checks (same seed, resume, streaming vs training forward), on the
 * vector kernels in a child JVM: run in the test JVM, they would make the sequence kernels' call sites megamorphic
 * for the tests after them (TrainingStepAllocationTest counts allocations that escape analysis then no longer
 * removes).
 */
class OtherCellsChildJvmTest {
    @Test
    void gruAndRnnTrainResumeAndStream() throws Exception {
        ChildJvm.run(OtherCellsChildJvmTest.class);
    }

    /** Child JVM entry point: exits 1 with the failure on stdout. */
    public static void main(String[] args) {
        try {
            for (CellType cell : new CellType[] {CellType.GRU, CellType.RNN_TANH}) {
                TrainerTest.checkSameSeed(cell);
                GeneratorTest.checkStreamingMatchesForward(cell);
            }
            Path dir = Files.createTempDirectory("gatun-cells");
            try {
                TrainerTest.checkResume(dir, false, CellType.GRU, CellType.RNN_TANH);
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
