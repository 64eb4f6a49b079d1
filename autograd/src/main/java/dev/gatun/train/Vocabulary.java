package dev.gatun.train;

import dev.gatun.io.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The characters (Unicode code points) a character-level model knows, in index order. Index {@code i} is the i-th
 * smallest code point of the text the vocabulary was built from. Stored in checkpoints as metadata
 * {@code gatun.vocab}: a JSON array of one-character strings.
 */
public final class Vocabulary {
    private final int[] codePoints;   // (V,) ascending

    private Vocabulary(int[] codePoints) {
        this.codePoints = codePoints;
    }

    /** The distinct code points of {@code text}, ascending. */
    public static Vocabulary of(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("vocabulary: the text is empty");
        }
        return new Vocabulary(text.codePoints().distinct().sorted().toArray());
    }

    /** From the JSON array of {@code gatun.vocab}. */
    public static Vocabulary fromJson(String json) {
        if (json == null) {
            throw new IllegalArgumentException("vocabulary: gatun.vocab is missing");
        }
        if (!(Json.parse(json) instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("vocabulary: gatun.vocab must be a non-empty JSON array of strings");
        }
        int[] cps = new int[list.size()];
        for (int i = 0; i < cps.length; i++) {
            if (!(list.get(i) instanceof String s) || s.codePointCount(0, s.length()) != 1) {
                throw new IllegalArgumentException("vocabulary: entry " + i + " of gatun.vocab is not one character: "
                        + list.get(i));
            }
            cps[i] = s.codePointAt(0);
            if (i > 0 && cps[i] <= cps[i - 1]) {
                throw new IllegalArgumentException("vocabulary: gatun.vocab is not strictly ascending at entry " + i);
            }
        }
        return new Vocabulary(cps);
    }

    /** The JSON array stored as {@code gatun.vocab}. */
    public String toJson() {
        List<Object> list = new ArrayList<>(codePoints.length);
        for (int cp : codePoints) {
            list.add(Character.toString(cp));
        }
        return Json.write(list);
    }

    /** Number of characters V. */
    public int size() {
        return codePoints.length;
    }

    /** The index of a code point, or -1 when unknown. */
    public int indexOf(int codePoint) {
        int i = Arrays.binarySearch(codePoints, codePoint);
        return i < 0 ? -1 : i;
    }

    /** The code point of an index. */
    public int codePoint(int index) {
        if (index < 0 || index >= codePoints.length) {
            throw new IllegalArgumentException("vocabulary: index " + index + " out of range [0, " + codePoints.length
                    + ")");
        }
        return codePoints[index];
    }

    /** The indices of every character of {@code text}; an unknown character is an IllegalArgumentException. */
    public int[] encode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("vocabulary: text is null");
        }
        int[] cps = text.codePoints().toArray();
        int[] out = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            out[i] = indexOf(cps[i]);
            if (out[i] < 0) {
                throw new IllegalArgumentException("character " + describe(cps[i]) + " at position " + i
                        + " is not in the model's vocabulary of " + codePoints.length + " characters");
            }
        }
        return out;
    }

    /** The text of the given indices. */
    public String decode(int[] indices) {
        StringBuilder sb = new StringBuilder(indices.length);
        for (int i : indices) {
            sb.appendCodePoint(codePoint(i));
        }
        return sb.toString();
    }

    private static String describe(int cp) {
        return Character.isISOControl(cp) ? String.format("U+%04X", cp) : "'" + Character.toString(cp) + "'";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && Arrays.equals(codePoints, v.codePoints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codePoints);
    }

    @Override
    public String toString() {
        return "Vocabulary(" + codePoints.length + " characters)";
    }
}
