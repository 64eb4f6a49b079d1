package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.gatun.blas.Blas;
import dev.gatun.gemm.Gemm;
import dev.gatun.io.SafeTensorsFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gatun demo}, {@code train} and {@code sample} in-process, with tiny sizes. */
class TrainCommandsTest {
    static final String TEXT = "the quick brown fox jumps over the lazy dog.\n".repeat(40);

    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cl = GatunCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private Path text() throws Exception {
        Path f = dir.resolve("fox.txt");
        Files.writeString(f, TEXT);
        return f;
    }

    private String[] tinyTrain(String... more) throws Exception {
        String[] base = {"train", "--text", text().toString(), "--cell", "gru", "--layers", "1", "--hidden", "16",
            "--embed", "8", "--seq-len", "8", "--batch", "4", "--lr", "0.01", "--quiet"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    private static String meta(Path ckpt, String key) throws Exception {
        try (SafeTensorsFile f = SafeTensorsFile.open(ckpt)) {
            return f.metadata().get(key);
        }
    }

    @Test
    void demoTrainsSavesDrawsAndPrintsTheJavaToLoadIt() {
        Path outDir = dir.resolve("demo");
        assertEquals(0, run("demo", "--steps", "2", "--seconds", "0", "--sample-every", "1", "--out",
                outDir.toString()), err.toString());
        String s = out.toString();
        assertTrue(s.contains("2-layer character-level LSTM"), s);
        assertTrue(s.contains("Trained 2 steps"), s);
        assertTrue(s.contains("--- step 1, loss"), s);          // the periodic sample
        assertTrue(s.contains("Streaming latency:"), s);
        assertTrue(s.contains("µs per character"), s);
        assertTrue(s.contains("Checkpoint.loadModel(Path.of("), s);
        assertTrue(Files.isRegularFile(outDir.resolve("model.safetensors")));
        assertTrue(Files.isRegularFile(outDir.resolve("loss.png")));
    }

    @Test
    void quietDemoOnTheUsersText() throws Exception {
        Path big = dir.resolve("big.txt");
        Files.writeString(big, TEXT.repeat(2));
        Path outDir = dir.resolve("demo");
        assertEquals(0, run("demo", "--text", big.toString(), "--steps", "1", "--out", outDir.toString(),
                "--quiet"), err.toString());
        assertTrue(out.toString().contains("on big.txt: 3,600 characters"), out.toString());
        assertFalse(out.toString().contains("--- step"), out.toString());
        assertEquals("1", meta(outDir.resolve("model.safetensors"), "gatun.step"));
    }

    @Test
    void trainResumeAndSample() throws Exception {
        Path a = dir.resolve("a");
        assertEquals(0, run(tinyTrain("--steps", "30", "--out", a.toString())), err.toString());
        Path ckpt = a.resolve("model.safetensors");
        assertEquals("30", meta(ckpt, "gatun.step"));
        assertEquals("gru", meta(ckpt, "gatun.cell"));
        assertTrue(Files.isRegularFile(a.resolve("loss.png")));

        Path b = dir.resolve("b");
        assertEquals(0, run("train", "--resume", ckpt.toString(), "--text", text().toString(), "--steps", "40",
                "--out", b.toString(), "--quiet"), err.toString());
        assertTrue(out.toString().startsWith("Resuming at step 30"), out.toString());
        assertEquals("40", meta(b.resolve("model.safetensors"), "gatun.step"));

        assertEquals(0, run("sample", "--model", ckpt.toString(), "--prime", "the ", "--length", "40",
                "--temperature", "0", "--seed", "3"), err.toString());
        String sample = out.toString().replaceFirst("\\R$", "");
        assertTrue(sample.startsWith("the "), sample);
        assertEquals(44, sample.codePointCount(0, sample.length()), sample);
        assertEquals(0, run("sample", "--model", ckpt.toString(), "--prime", "the ", "--length", "40",
                "--temperature", "0", "--seed", "4"));
        assertEquals(sample, out.toString().replaceFirst("\\R$", ""), "greedy does not depend on the seed");
    }

    @Test
    void epochsSetTheSteps() throws Exception {
        // 1800 characters, 4 streams of 449, chunks of 8: 56 steps per pass.
        Path a = dir.resolve("a");
        assertEquals(0, run(tinyTrain("--epochs", "2", "--out", a.toString())), err.toString());
        assertEquals("112", meta(a.resolve("model.safetensors"), "gatun.step"));
    }

    @Test
    void resumeRefusesChangedShapesAndNothingToDo() throws Exception {
        Path a = dir.resolve("a");
        assertEquals(0, run(tinyTrain("--steps", "5", "--out", a.toString())), err.toString());
        String ckpt = a.resolve("model.safetensors").toString();
        assertEquals(2, run("train", "--resume", ckpt, "--text", text().toString(), "--hidden", "32", "--steps", "9"));
        assertTrue(err.toString().startsWith("gatun: --hidden cannot change on --resume"), err.toString());
        assertEquals(2, run("train", "--resume", ckpt, "--text", text().toString()));
        assertTrue(err.toString().contains("is at step 5 of 5"), err.toString());
        assertEquals(2, run("train", "--resume", ckpt, "--steps", "9", "--out", dir.resolve("c").toString()));
        assertTrue(err.toString().contains("another text"), err.toString());
    }

    @Test
    void threadsSetOpenBlasThreadsForTraining() throws Exception {
        int before = Blas.available() ? Blas.threads() : 0;
        try {
            Path a = dir.resolve("a");
            assertEquals(0, run(tinyTrain("--steps", "3", "--threads", "2", "--out", a.toString())), err.toString());
            if ("openblas".equals(Gemm.provider().name())) {
                assertEquals(2, Blas.threads());
            } else {
                assertTrue(err.toString().contains("--threads 2 ignored"), err.toString());
            }
        } finally {
            if (Blas.available()) {
                Blas.setThreads(Math.max(1, before));
            }
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"demo", "train", "sample"}) {
            assertEquals(0, run(command, "--help"));
            assertTrue(out.toString().startsWith("Usage: gatun " + command), out.toString());
        }
    }

    @Test
    void badOptionValuesGiveOneLineAndStatusTwo() throws Exception {
        String[][] cases = {
            {"train", "--hidden", "0"}, {"train", "--cell", "lstmx"}, {"train", "--lr", "-1"},
            {"train", "--clip", "0"}, {"train", "--threads", "0"}, {"train", "--lr", "abc"},
            {"train", "--seq-len", "100000000"}, {"demo", "--temperature", "-1"}, {"demo", "--steps", "0"},
            {"sample", "--model", dir.resolve("missing.safetensors").toString()}, {"sample"},
            {"train", "--text", dir.resolve("missing.txt").toString()},
        };
        for (String[] args : cases) {
            assertEquals(2, run(args), String.join(" ", args) + ": " + err);
            String e = err.toString();
            assertTrue(e.startsWith("gatun: "), e);
            assertEquals(1, e.strip().lines().count(), String.join(" ", args) + " gave: " + e);
        }
        assertEquals(2, run("train", "--hidden", "0"));
        assertTrue(err.toString().startsWith("gatun: --hidden must be between 1 and"), err.toString());
        // A batch the text cannot fill, and a prime outside the vocabulary.
        assertEquals(2, run("train", "--text", text().toString(), "--batch", "1000", "--steps", "1", "--quiet",
                "--out", dir.resolve("x").toString()));
        assertTrue(err.toString().contains("too short"), err.toString());
        Path a = dir.resolve("a");
        assertEquals(0, run(tinyTrain("--steps", "2", "--out", a.toString())), err.toString());
        assertEquals(2, run("sample", "--model", a.resolve("model.safetensors").toString(), "--prime", "XYZ"));
        assertTrue(err.toString().startsWith("gatun: --prime: character 'X'"), err.toString());
    }
}
