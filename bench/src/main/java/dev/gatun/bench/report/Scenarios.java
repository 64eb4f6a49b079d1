package dev.gatun.bench.report;

import dev.gatun.bench.report.Scenario.Group;
import dev.gatun.bench.report.Scenario.Peer;
import dev.gatun.bench.report.Scenario.PeerCall;
import dev.gatun.bench.report.Scenario.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's scenarios, one line each: the standard RNN scenarios of issue #6 (I = H, one layer), with the targets
 * of issues #3 (inference) and #4 (training) and the peers of {@code ../shared/peers/run_anchors.sh}; then GEMM per
 * provider and size against the C harness {@code bench/native/sgemm_bench.c}, with the targets of issue #2.
 */
final class Scenarios {
    private static final String STREAMING = "dev.gatun.bench.stream.StreamingStepBenchmark";
    private static final String SEQUENCE = "dev.gatun.bench.rnn.SequenceInferenceBenchmark";
    private static final String BATCHED = "dev.gatun.bench.rnn.BatchedForwardBenchmark";
    private static final String TRAINING = "dev.gatun.bench.rnn.TrainingStepBenchmark";
    private static final String GEMM = "dev.gatun.bench.gemm.GemmBenchmark";

    /** Issue #3: 0 bytes allocated per streaming step. */
    private static final double NO_ALLOCATION = 0;
    /** Issue #4: at most 1 KiB allocated per training step. */
    private static final double TRAINING_ALLOCATION = 1024;

    private Scenarios() {}

    static List<Scenario> all() {
        List<Scenario> s = new ArrayList<>();
        // cell, weight format, Gatun threads, target us/step (issue #3)
        s.add(streaming("lstm", "fp32", 1, 16.0));
        s.add(streaming("lstm", "bf16", 1, 5.0));
        s.add(streaming("lstm", "fp32", 2, 5.0));
        s.add(streaming("lstm", "bf16", 2, 5.0));
        s.add(streaming("gru", "fp32", 1, 12.0));
        s.add(streaming("gru", "bf16", 1, 4.0));
        s.add(streaming("gru", "fp32", 2, 4.0));
        s.add(streaming("gru", "bf16", 2, 4.0));
        s.add(streaming("rnn", "fp32", 1, 3.0));
        s.add(streaming("rnn", "bf16", 1, 3.0));
        s.add(streaming("rnn", "fp32", 2, 3.0));
        s.add(streaming("rnn", "bf16", 2, 3.0));
        // cell, H, target us/step (issue #3; null: none set)
        s.add(sequence("lstm", 256, 10.0));
        s.add(sequence("gru", 256, 6.0));
        s.add(sequence("rnn", 256, null));
        s.add(sequence("lstm", 512, 50.0));
        s.add(sequence("gru", 512, null));
        s.add(sequence("rnn", 512, null));
        s.add(sequence("lstm", 1024, 250.0));
        s.add(sequence("gru", 1024, null));
        s.add(sequence("rnn", 1024, null));
        // cell, target tok/s (issue #3)
        s.add(batched("lstm", 235_000.0));
        s.add(batched("gru", 320_000.0));
        s.add(batched("rnn", null));
        // cell, H, B, target tok/s (issue #4)
        s.add(training("lstm", 256, 32, 72_000.0));
        s.add(training("gru", 256, 32, 98_000.0));
        s.add(training("rnn", 256, 32, 280_000.0));
        s.add(training("lstm", 512, 32, 18_500.0));
        s.add(training("lstm", 256, 1, 45_000.0));
        // provider, n (m = n = k), target (issue #2: relative to the same OpenBLAS called from C, AVX-512 kernels)
        s.add(gemm("openblas", 256, 0.97));
        s.add(gemm("openblas", 512, null));
        s.add(gemm("openblas", 1024, null));
        // Issue #2: the AVX-512 rows should be >= 1.8x the Haswell kernels at 512 (ReportWriter adds the ratios);
        // OpenBLAS's own detection picks Haswell on some Zen 4/5 hosts and an AVX-512 core on others.
        s.add(gemm("openblasHaswell", 256, null));
        s.add(gemm("openblasHaswell", 512, null));
        s.add(gemm("openblasHaswell", 1024, null));
        s.add(gemm("openblasDetected", 512, null));
        s.add(gemm("java", 256, null));
        s.add(gemm("java", 512, 0.6));
        s.add(gemm("java", 1024, null));
        return List.copyOf(s);
    }

    /** One JMH operation = one time step. oneDNN has no streaming API: its streaming figure is a T=1 sequence. */
    private static Scenario streaming(String cell, String format, int threads, double targetUs) {
        return new Scenario("streaming-" + cell + "-h256-" + format + "-t" + threads, Group.STREAMING,
                name(cell) + " H256 " + format + ", " + threads + (threads == 1 ? " thread" : " threads"),
                STREAMING, Map.of("cell", cell, "hidden", "256", "format", format, "threads", str(threads)), 1,
                List.of(rnnPeer(Peer.PYTORCH, threads, cell, 256, 1, 100, "step"),
                        rnnPeer(Peer.ONEDNN, threads, cell, 256, 1, 1, "inf")),
                new Target(targetUs, null, NO_ALLOCATION, "#3"));
    }

    /** One JMH operation = a whole sequence of T=100 steps (fp32 weights). */
    private static Scenario sequence(String cell, int hidden, Double targetUs) {
        return new Scenario("sequence-" + cell + "-h" + hidden, Group.SEQUENCE, name(cell) + " H" + hidden,
                SEQUENCE, Map.of("cell", cell, "hidden", str(hidden), "steps", "100", "format", "fp32"), 100,
                List.of(rnnPeer(Peer.PYTORCH, 1, cell, hidden, 1, 100, "inf"),
                        rnnPeer(Peer.ONEDNN, 1, cell, hidden, 1, 100, "inf")),
                targetUs == null ? null : new Target(targetUs, null, null, "#3"));
    }

    /** One JMH operation = a forward over (T=64, B=32), 2048 tokens. */
    private static Scenario batched(String cell, Double targetTokens) {
        return new Scenario("batched-" + cell + "-h256", Group.BATCHED, name(cell) + " H256",
                BATCHED, Map.of("cell", cell, "hidden", "256", "batch", "32", "steps", "64"), 32 * 64,
                List.of(rnnPeer(Peer.PYTORCH, 1, cell, 256, 32, 64, "inf"),
                        rnnPeer(Peer.ONEDNN, 1, cell, 256, 32, 64, "inf")),
                targetTokens == null ? null : new Target(targetTokens, null, null, "#3"));
    }

    /** One JMH operation = one SGD step on a (T=64, B) batch, B*64 tokens. */
    private static Scenario training(String cell, int hidden, int batch, double targetTokens) {
        return new Scenario("training-" + cell + "-h" + hidden + "-b" + batch, Group.TRAINING,
                name(cell) + " H" + hidden + " B" + batch, TRAINING,
                Map.of("cell", cell, "hidden", str(hidden), "batch", str(batch), "steps", "64"), batch * 64,
                List.of(rnnPeer(Peer.PYTORCH, 1, cell, hidden, batch, 64, "train"),
                        rnnPeer(Peer.ONEDNN, 1, cell, hidden, batch, 64, "train")),
                new Target(targetTokens, null, TRAINING_ALLOCATION, "#4"));
    }

    /**
     * One JMH operation = one n x n x n sgemm, 2n^3 flops (GemmBenchmark scores calls per second). The peer is the
     * same OpenBLAS called from C with its AVX-512 kernels, so the Haswell and detected-core providers get no peer:
     * their comparison is the {@code openblas} row of the same size.
     */
    private static Scenario gemm(String provider, int n, Double targetVersusC) {
        String id = switch (provider) {
            case "openblasDetected" -> "openblas-detected";
            case "openblasHaswell" -> "openblas-haswell";
            default -> provider;
        };
        String title = switch (provider) {
            case "openblasDetected" -> "openblas, core OpenBLAS detects";
            case "openblasHaswell" -> "openblas, Haswell kernels";
            default -> provider;
        };
        boolean avx512Peer = provider.equals("openblas") || provider.equals("java");
        return new Scenario("gemm-" + id + "-" + n, Group.GEMM, title + " " + n + "³", GEMM,
                Map.of("provider", provider, "shape", str(n)), 2.0 * n * n * n,
                avx512Peer ? List.of(new PeerCall(Peer.C_CBLAS, List.of(str(n)), 1)) : List.of(),
                targetVersusC == null ? null : new Target(targetVersusC, Peer.C_CBLAS, null, "#2"));
    }

    /** Arguments of both RNN peer harnesses: {@code CELL H B T MODE}. */
    private static PeerCall rnnPeer(Peer peer, int threads, String cell, int hidden, int batch, int steps,
                                    String mode) {
        return new PeerCall(peer, List.of(cell, str(hidden), str(batch), str(steps), mode), threads);
    }

    private static String name(String cell) {
        return cell.toUpperCase(Locale.ROOT);
    }

    private static String str(int n) {
        return Integer.toString(n);
    }
}
