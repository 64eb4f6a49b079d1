package dev.gatun.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File fuzzing of {@link dev.gatun.io.SafeTensorsFile}: ~1000 mutated files by default; with {@code -Plong},
 * 2 x 10^4 in a child JVM with a 48 MB heap, which shows that no header field drives an allocation larger than the
 * file (an OutOfMemoryError there fails the test).
 */
class SafeTensorsFuzzTest {
    @TempDir
    Path dir;

    @Test
    void defaultRun() throws Exception {
        SafeTensorsFuzz f = new SafeTensorsFuzz(Long.getLong("gatun.fuzz.seed", 20261122L), dir);
        f.run(1000);
        System.out.println("[fuzz] safetensors (default): " + f.files() + " files, " + f.rejected() + " rejected, "
                + f.failures().size() + " failures");
        assertTrue(f.failures().isEmpty(), () -> String.join("\n", f.failures()));
    }

    @Test
    @Tag("long")
    void longRunInSmallHeap() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "-Xss512k", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SafeTensorsFuzz.class.getName(), Long.toString(Long.getLong("gatun.fuzz.seed", 20261122L) + 1),
                dir.toString(), "20000"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.MINUTES));
        System.out.println("[fuzz] safetensors (long, -Xmx48m): " + out.trim());
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("files=20024"), out);
    }
}
