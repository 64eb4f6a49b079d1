package dev.gatun.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Each example learns, on sizes small enough for CI; the adding problem at its full T = 100 is tagged long. */
class ExamplesTest {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

    private String printed() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private Map<String, Double> run(String name, String... options) {
        Map<String, Double> m = Examples.find(name).run(Options.of(options), out);
        System.out.println(printed());
        return m;
    }

    @Test
    void registryListsEveryExampleOnceAndRejectsUnknownNames() {
        List<Example> all = Examples.all();
        assertEquals(7, all.size());
        assertEquals(all.size(), new HashSet<>(all.stream().map(Example::name).toList()).size());
        Examples.list(out);
        for (Example e : all) {
            assertTrue(printed().contains(e.name()), e.name());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Examples.find("nope"));
        assertTrue(e.getMessage().contains("adding"), e.getMessage());
    }

    @Test
    void optionsAreParsedAndCheckedByName() {
        Options o = Options.parse("--steps=12", "--lr", "0.5");
        assertEquals(12, o.intValue("steps", 3, 1));
        assertEquals(0.5, o.doubleValue("lr", 1));
        assertEquals(7, o.intValue("batch", 7, 1));
        assertThrows(IllegalArgumentException.class, () -> o.checkKnown("x", "steps"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("steps=3"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--steps"));
        assertThrows(IllegalArgumentException.class, () -> Options.of("steps", "0").intValue("steps", 3, 1));
        assertThrows(IllegalArgumentException.class, () -> Examples.run("adding", new String[] {"--stepz", "3"},
                out));
    }

    @Test
    void tinyRnnPrintsSeed002sTable() {
        Map<String, Double> m = run("tinyrnn");
        assertTrue(printed().contains("Length= 5 h_init.grad = 200000.000000, wh.grad = 100000.000000"), printed());
        assertEquals(2e-5, m.get("wh0.1.L5.h_init"), 1e-9);   // vanishing: 2 * 0.1^5
        assertEquals(2.0, m.get("wh1.L10.h_init"));
        assertEquals(2e5, m.get("wh10.L5.h_init"), 1e-6);     // exploding: 2 * 10^5
    }

    /** The same qualitative result as at T = 100, at T = 40: gated cells solve it, the vanilla RNN does not. */
    @Test
    void addingProblemGatedCellsSolveItVanillaRnnDoesNot() {
        Map<String, Double> m = run("adding", "steps", "40", "iterations", "700");
        assertTrue(m.get("lstm.mse") < AddingProblem.SOLVED * 3, "lstm " + m);
        assertTrue(m.get("gru.mse") < AddingProblem.SOLVED * 3, "gru " + m);
        assertTrue(m.get("rnn.mse") > 0.5 * AddingProblem.BASELINE, "rnn " + m);
    }

    @Tag("long")
    @Test
    void addingProblemAtT100() {
        Map<String, Double> m = run("adding");
        assertTrue(m.get("lstm.mse") < AddingProblem.SOLVED, "lstm " + m);
        assertTrue(m.get("gru.mse") < AddingProblem.SOLVED, "gru " + m);
        assertTrue(m.get("rnn.mse") > 0.5 * AddingProblem.BASELINE, "rnn " + m);
    }

    @Test
    void manyToOneClassifierLearnsTheMostFrequentSymbol() {
        Map<String, Double> m = run("classify", "steps", "10", "iterations", "250");
        assertTrue(m.get("accuracy") > 0.85, m.toString());
    }

    @Test
    void oneToManyGeneratorReproducesTheWaves() {
        Map<String, Double> m = run("generate", "steps", "12", "iterations", "150");
        assertTrue(m.get("relativeMse") < 0.1, m.toString());
    }

    @Test
    void encoderDecoderReversesWithGreedyDecoding() {
        Map<String, Double> m = run("reverse", "length", "4", "digits", "6", "batch", "32", "hidden", "32",
                "iterations", "350");
        assertTrue(m.get("tokenAccuracy") > 0.9, m.toString());
    }

    @Test
    void attentionGatedRnnAndTcnLearnBesideTheLstm() {
        Map<String, Double> m = run("compare", "steps", "8", "delay", "3", "batch", "16", "hidden", "16",
                "iterations", "160", "lr", "0.02");
        assertTrue(m.get("tcn") > 0.9, m.toString());          // chance is 0.25
        assertTrue(m.get("attention") > 0.6, m.toString());
        assertTrue(m.get("lstm") > 0.6, m.toString());
    }

    @Test
    void bidirectionalTaggerSeesWhatComesLater() {
        Map<String, Double> m = run("tagging", "steps", "8", "iterations", "400");
        assertTrue(m.get("bidirectional") > 0.9, m.toString());
        assertTrue(m.get("bidirectional") > m.get("unidirectional") + 0.08, m.toString());
    }
}
