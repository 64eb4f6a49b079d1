package dev.gatun.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.gatun.kernels.CellType;
import dev.gatun.train.CharLm;
import dev.gatun.train.Checkpoint;
import dev.gatun.train.Corpus;
import dev.gatun.train.LmConfig;
import dev.gatun.train.TrainConfig;
import dev.gatun.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java that {@code gatun demo} prints compiles (it is {@link GenerateExample#run}) and works. */
class GenerateExampleTest {
    @TempDir
    Path dir;

    @Test
    void thePrintedSnippetIsTheCompiledCode() throws Exception {
        List<String> source = Files.readAllLines(Path.of("src/main/java/dev/gatun/cli/train/GenerateExample.java"));
        int begin = source.indexOf("        // snippet:begin");
        int end = source.indexOf("        // snippet:end");
        assertTrue(begin > 0 && end > begin, "markers in GenerateExample.java");
        String compiled = String.join("\n", source.subList(begin + 1, end)).stripIndent()
                .replace("Checkpoint.loadModel(checkpoint)", "Checkpoint.loadModel(Path.of(\"x/model.safetensors\"))")
                .replace("out.println(", "System.out.println(");
        String printed = GenerateExample.snippet(Path.of("x/model.safetensors"));
        assertTrue(printed.strip().endsWith(compiled.strip()), "printed:\n" + printed + "\ncompiled:\n" + compiled);
    }

    @Test
    void theSnippetLoadsACheckpointAndGenerates() throws Exception {
        Corpus corpus = Corpus.of("t", "public static void main() { return; }\n".repeat(20));
        Path ckpt = dir.resolve("model.safetensors");
        try (Trainer t = new Trainer(new CharLm(corpus.vocabulary(), new LmConfig(CellType.LSTM, 8, 16, 2), 1),
                corpus, new TrainConfig(8, 4, 1e-2f, 1f, 5, 1))) {
            t.run(null);
            Checkpoint.save(ckpt, t);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        GenerateExample.run(ckpt, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(200, text.stripTrailing().codePointCount(0, text.stripTrailing().length()) + trailing(text));
    }

    // Sampled newlines and spaces at the end are part of the 200 characters.
    private static int trailing(String printed) {
        String body = printed.substring(0, printed.length() - System.lineSeparator().length());
        return body.codePointCount(0, body.length()) - body.stripTrailing().codePointCount(0,
                body.stripTrailing().length());
    }
}
