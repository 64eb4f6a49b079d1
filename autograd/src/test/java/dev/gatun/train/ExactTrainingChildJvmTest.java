package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.kernels.CellType;
import dev.gatun.kernels.Vectorization;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * Bitwise determinism and exact resumption, in a child JVM on the scalar kernels ({@code -Dgatun.vector=false}):
 * plain Java float arithmetic is the same in every JIT tier, so the same seed must give the same bits and a resumed
 * run must match an uninterrupted one bit for bit. (The Vector API's exp and tanh round differently before and after
 * C2 compiles them, so with the vector kernels in-process runs agree to rounding only.)
 */
class ExactTrainingChildJvmTest {
    @Test
    void sameSeedAndResumedRunsAgreeBitForBit() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Dgatun.vector=false", "-cp", classPath(),
                ExactTrainingChildJvmTest.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "child JVM failed:\n" + out);
    }

    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        entries.addAll(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        for (Class<?> c : List.of(ExactTrainingChildJvmTest.class, Trainer.class, Vectorization.class,
                Assertions.class, AssertionFailedError.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Child JVM entry point: exits 1 with the failure on stdout. */
    public static void main(String[] args) {
        try {
            if (Vectorization.enabled()) {
                throw new AssertionError("expected the scalar kernels (-Dgatun.vector=false)");
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
                TrainerTest.checkResume(dir, true);
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
