package dev.gatun.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.io.DType;
import dev.gatun.io.SafeTensorsFile;
import dev.gatun.io.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SafeTensorsWriter#write} is atomic (temporary file, fsync, rename): an exception in the middle of a write
 * leaves the old file intact and no temporary file behind, and a process killed (SIGKILL) at any moment while
 * writing leaves either the old or the new file, complete and valid.
 */
class AtomicCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void failureMidWriteKeepsTheOldFile() throws IOException {
        Path p = dir.resolve("ckpt.safetensors");
        new SafeTensorsWriter().metadata("version", "old").add("w", new float[] {1, 2, 3}, new int[] {3}, DType.F32)
                .write(p);
        byte[] old = Files.readAllBytes(p);
        SafeTensorsWriter big = new SafeTensorsWriter().metadata("version", "new")
                .add("w", new float[1 << 20], new int[] {1 << 20}, DType.F32);
        // An interrupted thread makes the first FileChannel.write fail (ClosedByInterruptException): the temporary
        // file exists and is open when the write fails.
        Thread.currentThread().interrupt();
        try {
            assertThrows(IOException.class, () -> big.write(p));
        } finally {
            Thread.interrupted();
        }
        assertArrayEquals(old, Files.readAllBytes(p));
        assertEquals(List.of("ckpt.safetensors"), listing());
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals("old", f.metadata().get("version"));
        }
    }

    @Test
    void killedWriterLeavesOldOrNewFile() throws Exception {
        killWriters(3);
    }

    @Test
    @Tag("long")
    void killedWriterSoak() throws Exception {
        killWriters(30);
    }

    private void killWriters(int kills) throws Exception {
        Path p = dir.resolve("ckpt.safetensors");
        KillTarget.write(p, 0);
        int last = 0;
        for (int k = 0; k < kills; k++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), KillTarget.class.getName(), p.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            // Let it write a few versions, then kill it at an arbitrary point.
            Thread.sleep(900 + 137L * k % 400);
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            int v = KillTarget.verify(p); // complete and self-consistent, whichever version won
            assertTrue(v >= 0, "version " + v);
            last = Math.max(last, v);
        }
        assertTrue(last > 0, "the child never completed a write before it was killed: the test proved nothing");
        // Temporary files of killed writers may remain (named ".ckpt.safetensors*.tmp"), never the target itself.
        for (String name : listing()) {
            assertTrue(name.equals("ckpt.safetensors") || name.startsWith(".ckpt.safetensors"), name);
        }
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            s.forEach(x -> names.add(x.getFileName().toString()));
            return names;
        }
    }
}
