package dev.gatun.train;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A text to train a character-level model on: its vocabulary and the text as indices. The SHA-256 of the text is
 * kept in checkpoints so a resumed run can check it continues on the same text.
 */
public final class Corpus {
    private final String name;
    private final Vocabulary vocabulary;
    private final int[] tokens;   // (N,)
    private final String sha256;

    private Corpus(String name, String text, Vocabulary vocabulary) {
        this.name = name;
        this.vocabulary = vocabulary;
        this.tokens = vocabulary.encode(text);
        this.sha256 = sha256(text);
    }

    /** A corpus over {@code text} with the vocabulary of its own characters. */
    public static Corpus of(String name, String text) {
        return of(name, text, Vocabulary.of(text));
    }

    /** A corpus over {@code text} with a given vocabulary (every character of the text must be in it). */
    public static Corpus of(String name, String text, Vocabulary vocabulary) {
        if (text == null || text.codePoints().limit(2).count() < 2) {
            throw new IllegalArgumentException("corpus " + name + ": needs at least 2 characters");
        }
        if (vocabulary == null) {
            throw new IllegalArgumentException("corpus " + name + ": vocabulary is null");
        }
        return new Corpus(name, text, vocabulary);
    }

    /** Reads a UTF-8 text file (malformed UTF-8 is an error naming the file). */
    public static String readText(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is not UTF-8 text", e);
        }
    }

    /** Where the text came from (a file name, "built-in"). */
    public String name() {
        return name;
    }

    /** The characters. */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** Number of characters N. */
    public int length() {
        return tokens.length;
    }

    /** Index of the character at {@code position}. */
    public int token(int position) {
        return tokens[position];
    }

    /** Hex SHA-256 of the UTF-8 text. */
    public String sha256() {
        return sha256;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
