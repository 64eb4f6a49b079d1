package dev.gatun.cli.train;

import dev.gatun.train.Corpus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The texts the training commands read: the user's file, or the built-in demo text (Gatun's README and some of its
 * own Java sources, about 250 KB, shipped in the jar; rebuilt by {@code cli/make-demo-corpus.sh}).
 */
public final class BuiltInCorpus {
    /** The name the built-in text goes by in checkpoints and messages. */
    public static final String NAME = "built-in (Gatun's README and Java sources)";
    private static final String RESOURCE = "demo-corpus.txt";

    private BuiltInCorpus() {}

    /** The user's UTF-8 file, or the built-in text when {@code file} is null. */
    public static Corpus load(Path file) throws IOException {
        if (file == null) {
            return Corpus.of(NAME, text());
        }
        return Corpus.of(file.getFileName().toString(), Corpus.readText(file));
    }

    /** The built-in text. */
    public static String text() {
        try (InputStream in = BuiltInCorpus.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the built-in demo text " + RESOURCE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
