package dev.gatun.examples;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An example's settings, from {@code --key=value} or {@code --key value} arguments; every getter has the example's
 * default. {@link #checkKnown} rejects a key the example does not read, so a typo is an error, not a silent default.
 */
public final class Options {
    private final Map<String, String> values;

    private Options(Map<String, String> values) {
        this.values = values;
    }

    /** No settings: every example runs with its defaults. */
    public static Options defaults() {
        return new Options(Map.of());
    }

    /** Settings from key-value pairs ({@code "steps", "20", "batch", "8"}). */
    public static Options of(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("Options.of: keys and values must come in pairs, got "
                    + Arrays.toString(keyValues));
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new Options(m);
    }

    /** Parses {@code --key=value} and {@code --key value} arguments. */
    public static Options parse(String... args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("expected --key=value or --key value, got '" + a + "'");
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                m.put(a.substring(2, eq), a.substring(eq + 1));
            } else if (i + 1 < args.length) {
                m.put(a.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("option " + a + " has no value");
            }
        }
        return new Options(m);
    }

    /** Throws unless every given key is one of {@code known}. */
    public void checkKnown(String example, String... known) {
        List<String> ok = List.of(known);
        for (String k : values.keySet()) {
            if (!ok.contains(k)) {
                throw new IllegalArgumentException(example + ": unknown option --" + k + "; known: " + ok);
            }
        }
    }

    /** An integer setting, at least {@code min}. */
    public int intValue(String key, int fallback, int min) {
        String v = values.get(key);
        int x;
        try {
            x = v == null ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be an integer, got '" + v + "'");
        }
        if (x < min) {
            throw new IllegalArgumentException("--" + key + " must be >= " + min + ", got " + x);
        }
        return x;
    }

    /** A positive real setting. */
    public double doubleValue(String key, double fallback) {
        String v = values.get(key);
        double x;
        try {
            x = v == null ? fallback : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a number, got '" + v + "'");
        }
        if (!(x > 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("--" + key + " must be a positive number, got " + x);
        }
        return x;
    }

    /** A seed. */
    public long seed(long fallback) {
        String v = values.get("seed");
        try {
            return v == null ? fallback : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed must be an integer, got '" + v + "'");
        }
    }

    /** A comma-separated list setting, each element one of {@code allowed}. */
    public List<String> listValue(String key, String fallback, List<String> allowed) {
        String v = values.getOrDefault(key, fallback);
        List<String> items = Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (items.isEmpty()) {
            throw new IllegalArgumentException("--" + key + " must list at least one of " + allowed);
        }
        for (String s : items) {
            if (!allowed.contains(s)) {
                throw new IllegalArgumentException("--" + key + ": '" + s + "' is not one of " + allowed);
            }
        }
        return items;
    }
}
