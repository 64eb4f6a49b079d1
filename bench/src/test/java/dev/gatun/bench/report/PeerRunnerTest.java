package dev.gatun.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatun.bench.report.PeerRunner.PeerResult;
import dev.gatun.bench.report.Scenario.Metric;
import dev.gatun.bench.report.Scenario.Peer;
import dev.gatun.bench.report.Scenario.PeerCall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerRunnerTest {
    /** A stand-in for torch_rnn_bench.py that reports its thread count as its time, and counts its runs. */
    private static final String FAKE_TORCH = """
            import json, os, sys
            open(os.path.join(os.path.dirname(__file__), "runs"), "a").write("x")
            print("a warning on stdout")
            print(json.dumps({"peer": "pytorch-fake", "cell": sys.argv[1], "us_per_step": float(os.environ["THREADS"]),
                              "tok_per_s": 1000.0, "omp": os.environ["OMP_NUM_THREADS"]}))
            """;

    @Test
    void runsEachCallOnceWithItsThreadCountAndRecordsTheLine(@TempDir Path dir) throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs /usr/bin/python3");
        Path peers = Files.createDirectory(dir.resolve("peers"));
        Files.writeString(peers.resolve("torch_rnn_bench.py"), FAKE_TORCH);
        Path jsonl = dir.resolve("peers.jsonl");
        try (PeerRunner runner = new PeerRunner(peers, null, dir, jsonl, false)) {
            PeerCall two = new PeerCall(Peer.PYTORCH, List.of("lstm", "256", "1", "100", "step"), 2);
            assertEquals(2.0, runner.run(two, Metric.US_PER_STEP).value());
            assertEquals(1000.0, runner.run(two, Metric.TOKENS_PER_S).value());
            PeerCall one = new PeerCall(Peer.PYTORCH, List.of("gru", "256", "1", "100", "step"), 1);
            assertEquals(1.0, runner.run(one, Metric.US_PER_STEP).value());
            assertEquals("pytorch-fake", runner.versions().get(Peer.PYTORCH));
        }
        assertEquals("xx", Files.readString(peers.resolve("runs")), "one process per distinct call");
        List<String> lines = Files.readAllLines(jsonl);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("{\"threads\":2,\"args\":\"lstm 256 1 100 step\",\"peer\":\"pytorch-fake\""),
                lines.get(0));
        assertTrue(lines.get(0).contains("\"omp\":\"2\""), lines.get(0));
    }

    @Test
    void missingHarnessesAreReportedNotThrown(@TempDir Path dir) throws IOException {
        try (PeerRunner runner = new PeerRunner(dir, null, dir, dir.resolve("peers.jsonl"), false)) {
            PeerResult r = runner.run(new PeerCall(Peer.ONEDNN, List.of("lstm", "256", "1", "1", "inf"), 1),
                    Metric.US_PER_STEP);
            assertFalse(r.ok());
            assertTrue(r.problem().contains("onednn_rnn_bench.cpp is missing"), r.problem());
            assertTrue(runner.notes().getFirst().contains("onednn_rnn_bench.cpp is missing"), runner.notes().toString());
        }
        try (PeerRunner off = PeerRunner.disabled(dir.resolve("off.jsonl"))) {
            assertFalse(off.run(new PeerCall(Peer.C_CBLAS, List.of("256"), 1), Metric.GFLOPS).ok());
            assertEquals(List.of("Peers not run (--no-peers)."), off.notes());
        }
    }
}
