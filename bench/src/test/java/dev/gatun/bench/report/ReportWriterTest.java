package dev.gatun.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.bench.report.PeerRunner.PeerResult;
import dev.gatun.bench.report.Scenario.Group;
import dev.gatun.bench.report.Scenario.Peer;
import dev.gatun.bench.report.Scenario.PeerCall;
import dev.gatun.bench.report.Scenario.Target;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportWriterTest {
    private static final MachineInfo MACHINE = new MachineInfo("Test CPU", 2, List.of("avx512f", "avx512bw"),
            "L1d 48K, L2 2048K", "24 GiB", "Linux", "JDK 25", "OpenBLAS test", "Vector API, 512-bit float vectors",
            "abc1234");

    private static Scenario streaming(Target target) {
        return new Scenario("streaming-test", Group.STREAMING, "LSTM H256 fp32, 1 thread", "x.Bench",
                Map.of("cell", "lstm"), 1,
                List.of(new PeerCall(Peer.PYTORCH, List.of("lstm"), 1), new PeerCall(Peer.ONEDNN, List.of("lstm"), 1)),
                target);
    }

    private static String report(List<Row> rows) {
        ReportWriter.Header h = new ReportWriter.Header("2026-11-21T23:00:00Z", "./gatun ... --quick", "1 fork",
                MACHINE, "0.5 0.5 0.5", "complete", Map.of(Peer.PYTORCH, "pytorch-1.13.1"), List.of("a run note."));
        return ReportWriter.markdown(h, rows, Map.of(Group.STREAMING, "chart-streaming.png"));
    }

    private static String line(String md, String start) {
        return md.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow(() -> new AssertionError(start));
    }

    @Test
    void rowShowsMedianErrorRatiosAndTarget() {
        // Gatun 10 us/step (+-1%), PyTorch 25 us, oneDNN 20 us: Gatun is 2.5x and 2x better; target <= 16 met.
        Row row = new Row(streaming(new Target(16, null, 0.0, "#3")), "",
                Estimate.of(new double[] {9.8, 10, 10.2}), 0.002, 50_000,
                Map.of(Peer.PYTORCH, new PeerResult(25, null), Peer.ONEDNN, new PeerResult(20, null)), null);
        String md = report(List.of(row));
        assertEquals("| scenario | Gatun µs/step | PyTorch | oneDNN | Gatun/PyTorch | Gatun/oneDNN | target | met? "
                + "| alloc B/op | note |", line(md, "| scenario"));
        assertEquals("| LSTM H256 fp32, 1 thread | 10.0 ±1.0% | 25.0 | 20.0 | 2.50× | 2.00× | ≤ 16.0 | yes | 0.0 |  |",
                line(md, "| LSTM"));
        assertTrue(md.contains("![Streaming"), "chart linked");
        assertTrue(md.contains("Ratios above 1 mean Gatun is faster (peer time / Gatun time)."));
        assertTrue(md.contains("| AVX-512 / AMX | avx512f avx512bw |"));
        assertTrue(md.contains("- a run note."));
    }

    @Test
    void noisyMissedAndAllocatingRowsSayWhy() {
        // 20 us against a 16 us target, +-10%, 48 B/op against a 0 B/op target, oneDNN failed.
        Row row = new Row(streaming(new Target(16, null, 0.0, "#3")), "",
                Estimate.of(new double[] {16, 20, 24}), 48.0, 25_000,
                Map.of(Peer.PYTORCH, new PeerResult(25, null), Peer.ONEDNN, PeerResult.failed("oneDNN exited with 1")),
                null);
        String l = line(report(List.of(row)), "| LSTM");
        assertTrue(l.contains("| 20.0 ±10.0% |"), l);
        assertTrue(l.contains("| **no** |"), l);
        assertTrue(l.contains("noisy: ±10.0% over 3 iterations"), l);
        assertTrue(l.contains("oneDNN exited with 1"), l);
        assertTrue(l.contains("allocates more than the 0 B/op target"), l);
    }

    @Test
    void allocationBeyondJmhBookkeepingMissesTheTarget() {
        Scenario s = streaming(new Target(16, null, 0.0, "#3"));
        Estimate fast = Estimate.of(new double[] {10});
        // 50,000 ops per iteration: JMH's 64 KiB allowance is 1.3 B/op.
        assertTrue(new Row(s, "", fast, 0.5, 50_000, Map.of(), null).targetMet());
        assertEquals(Boolean.FALSE, new Row(s, "", fast, 16.0, 50_000, Map.of(), null).targetMet());
        // 8,000 ops per iteration (slow steps): up to 8.2 B/op is JMH's own; 24 B/op is not.
        assertTrue(new Row(s, "", fast, 1.0, 8_000, Map.of(), null).targetMet());
        assertEquals(Boolean.FALSE, new Row(s, "", fast, 24.0, 8_000, Map.of(), null).targetMet());
    }

    @Test
    void relativeTargetComparesWithThePeer() {
        Scenario gemm = new Scenario("gemm-test", Group.GEMM, "openblas 256³", "x.Gemm", Map.of(), 1,
                List.of(new PeerCall(Peer.C_CBLAS, List.of("256"), 1)), new Target(0.97, Peer.C_CBLAS, null, "#2"));
        Row close = new Row(gemm, "", Estimate.of(new double[] {98}), null, 0,
                Map.of(Peer.C_CBLAS, new PeerResult(100, null)), null);
        Row far = new Row(gemm, "", Estimate.of(new double[] {90}), null, 0,
                Map.of(Peer.C_CBLAS, new PeerResult(100, null)), null);
        Row noPeer = new Row(gemm, "", Estimate.of(new double[] {98}), null, 0,
                Map.of(Peer.C_CBLAS, PeerResult.failed("gcc failed")), null);
        assertEquals(Boolean.TRUE, close.targetMet());
        assertEquals(Boolean.FALSE, far.targetMet());
        assertNull(noPeer.targetMet(), "unknown without the peer");
        String l = line(report(List.of(close)), "| openblas");
        assertTrue(l.contains("| 98.0 ±0.0% | 100 | 0.98× | ≥ 0.97× C cblas | yes |"), l);
    }

    @Test
    void missingBenchmarkIsShownNotDropped() {
        Row row = new Row(streaming(null), "", null, null, 0, Map.of(),
                "not run: StreamingStepBenchmark is not in this build");
        String l = line(report(List.of(row)), "| LSTM");
        assertTrue(l.startsWith("| LSTM H256 fp32, 1 thread | – |"), l);
        assertTrue(l.endsWith("| not run: StreamingStepBenchmark is not in this build |"), l);
    }

    @Test
    void numbersKeepThreeSignificantDigits() {
        assertEquals("4.93", ReportWriter.number(4.931));
        assertEquals("19.7", ReportWriter.number(19.66));
        assertEquals("571", ReportWriter.number(571.4));
        assertEquals("235,120", ReportWriter.number(235_120.4));
    }

    @Test
    void gemmTableGivesTheCoreTypeEffect() {
        Scenario fast = new Scenario("gemm-openblas-512", Group.GEMM, "openblas 512³", "x.Gemm", Map.of(), 1,
                List.of(), null);
        Scenario slow = new Scenario("gemm-openblas-haswell-512", Group.GEMM, "openblas, Haswell kernels 512³",
                "x.Gemm", Map.of(), 1, List.of(), null);
        // GFLOP/s: 190 with the AVX-512 kernels against 100 with Haswell's is 1.90x.
        Row a = new Row(fast, "", Estimate.of(new double[] {190}), null, 0, Map.of(), null);
        Row b = new Row(slow, "", Estimate.of(new double[] {100}), null, 0, Map.of(), null);
        String md = report(List.of(a, b));
        assertTrue(md.contains("Haswell kernels: 512³ 1.90×"), md);
    }
}
