package dev.gatun.bench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.bench.report.PeerRunner.PeerResult;
import dev.gatun.bench.report.Scenario.Group;
import dev.gatun.bench.report.Scenario.Peer;
import dev.gatun.bench.report.Scenario.PeerCall;
import dev.gatun.bench.report.Scenario.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    static Row row(String cell, int hidden, double[] gatun, Double pytorch, Double onednn, Double target) {
        Scenario s = new Scenario("sequence-" + cell + "-h" + hidden, Group.SEQUENCE, cell + " H" + hidden, "x.B",
                Map.of(), 100, List.of(new PeerCall(Peer.PYTORCH, List.of(cell), 1),
                        new PeerCall(Peer.ONEDNN, List.of(cell), 1)),
                target == null ? null : new Target(target, null, null, "#3"));
        return new Row(s, "", Estimate.of(gatun), null, 0, Map.of(
                Peer.PYTORCH, pytorch == null ? PeerResult.failed("missing") : new PeerResult(pytorch, null),
                Peer.ONEDNN, onednn == null ? PeerResult.failed("missing") : new PeerResult(onednn, null)), null);
    }

    /** Values over two orders of magnitude with an error bar wider than its bar: a log axis without error bars. */
    static List<Row> wideAndNoisy() {
        return List.of(
                row("LSTM", 256, new double[] {9, 10, 300}, 39.5, 19.7, 10.0),
                row("GRU", 256, new double[] {5, 6, 200, 400}, 40.1, null, 6.0),
                row("LSTM", 1024, new double[] {240, 250, 260}, 3819.0, 571.0, 250.0),
                row("RNN", 1024, new double[] {100, 101}, null, null, null));
    }

    @Test
    void drawsLogAxisChartsWithMissingPeersAndNoisyRows(@TempDir Path dir) throws IOException {
        assertTrue(Charts.write(Group.SEQUENCE, wideAndNoisy(), dir));
        byte[] png = Files.readAllBytes(dir.resolve("chart-sequence.png"));
        assertArrayEquals(PNG, Arrays.copyOf(png, 4));
    }

    @Test
    void drawsLinearChartsWithErrorBars(@TempDir Path dir) throws IOException {
        Charts.write(Group.SEQUENCE, List.of(row("LSTM", 256, new double[] {9, 10, 11}, 39.5, 19.7, 10.0),
                row("GRU", 256, new double[] {5, 6, 7}, 40.1, 7.3, 6.0)), dir);
        byte[] png = Files.readAllBytes(dir.resolve("chart-sequence.png"));
        assertArrayEquals(PNG, Arrays.copyOf(png, 4));
    }

    @Test
    void nothingToDrawWritesNothing(@TempDir Path dir) throws IOException {
        Row notRun = new Row(row("LSTM", 256, new double[] {1}, 1.0, 1.0, null).scenario(), "", null, null, 0,
                Map.of(), "not run");
        assertFalse(Charts.write(Group.SEQUENCE, List.of(notRun), dir));
        assertFalse(Files.exists(dir.resolve("chart-sequence.png")));
    }
}
