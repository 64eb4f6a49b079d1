package dev.gatun.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gatun.io.Json;
import dev.gatun.io.SafeTensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The PyTorch golden cases of tools/conformance/gen_goldens.py, read from the test resources. */
public final class Goldens {
    /** Tolerances of the conformance suite. */
    public static final double RELATIVE = 1e-5;
    public static final double ABSOLUTE = 1e-6;

    /** One case: its configuration, model file and input/expected tensors. */
    public record Case(String name, String cell, int steps, int batch, boolean batchFirst, boolean bidirectional,
                       Path model, Path io) {
        @Override
        public String toString() {
            return name + " " + cell + (bidirectional ? " bidir" : "") + " T=" + steps + " B=" + batch
                    + (batchFirst ? " batch_first" : "");
        }
    }

    private Goldens() {}

    /** Every case of index.json. */
    public static List<Case> cases() {
        Path dir = folder();
        try {
            Object index = Json.parse(Files.readString(dir.resolve("index.json")));
            List<Case> out = new ArrayList<>();
            for (Object o : (List<?>) index) {
                Map<?, ?> m = (Map<?, ?>) o;
                String name = (String) m.get("name");
                out.add(new Case(name, (String) m.get("cell"), ((Long) m.get("steps")).intValue(),
                        ((Long) m.get("batch")).intValue(), (Boolean) m.get("batch_first"),
                        (Boolean) m.get("bidirectional"), dir.resolve(name + ".model.safetensors"),
                        dir.resolve(name + ".io.safetensors")));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The folder of the fixtures: {@code -Dgatun.conformance.dir=DIR} (cases just generated with other seeds or
     * sizes, e.g. {@code gen_goldens.py --seed 7 --out DIR}), else the committed ones in the test resources.
     */
    public static Path folder() {
        String dir = System.getProperty("gatun.conformance.dir");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        URL url = Goldens.class.getResource("/conformance/index.json");
        if (url == null) {
            throw new IllegalStateException("conformance fixtures missing: run tools/conformance/gen_goldens.py");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every tensor of a file, by name, as (shape, data). */
    public static Map<String, Values> read(Path p) throws IOException {
        Map<String, Values> out = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            for (String n : f.names()) {
                out.put(n, new Values(f.entry(n).shape(), f.floats(n)));
            }
        }
        return out;
    }

    /** Asserts {@code |actual - expected| <= ABSOLUTE + RELATIVE * |expected|} elementwise, with the worst index. */
    public static void assertClose(String what, float[] expected, float[] actual) {
        assertClose(what, expected, actual, RELATIVE, ABSOLUTE);
    }

    /** As {@link #assertClose(String, float[], float[])} with given tolerances. */
    public static void assertClose(String what, float[] expected, float[] actual, double rel, double abs) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs((double) actual[i] - expected[i]);
            if (!(diff <= abs + rel * Math.abs(expected[i]))) {
                fail(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i] + " (diff " + diff + ")"
                        + (expected.length <= 16 ? "\n expected " + Arrays.toString(expected) + "\n actual   "
                        + Arrays.toString(actual) : ""));
            }
        }
    }
}
