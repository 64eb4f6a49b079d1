package dev.gatun.bench.report;

import java.util.List;
import java.util.Map;

/**
 * One row of the benchmark report: a JMH benchmark with fixed parameters, the peers measured beside it, and the goal
 * the issues set for it. When the benchmark class has several {@code @Benchmark} methods, or parameters the scenario
 * leaves free, the scenario yields one row per JMH result.
 *
 * @param id stable name, matched by {@code --only}, e.g. {@code "streaming-lstm-h256-fp32-t1"}
 * @param group the table the row belongs to; it fixes the metric
 * @param title what the row shows, e.g. {@code "LSTM H256 fp32, 1 thread"}
 * @param benchmark the JMH benchmark class, fully qualified; every {@code @Benchmark} method in it runs
 * @param params {@code @Param} values fixed for this scenario (name to value)
 * @param workPerOp the work one JMH operation does, counted in the metric's unit of work (time steps for µs/step,
 *     tokens for tok/s, floating-point operations for GFLOP/s); JMH's score is time (or ops/time) per operation
 * @param peers the peer runs to compare with, empty for none
 * @param target the goal from the issues, or {@code null}
 */
public record Scenario(String id, Group group, String title, String benchmark, Map<String, String> params,
                       double workPerOp, List<PeerCall> peers, Target target) {

    public Scenario {
        params = Map.copyOf(params);
        peers = List.copyOf(peers);
        if (!(workPerOp > 0)) {
            throw new IllegalArgumentException("workPerOp must be > 0 for " + id + ": " + workPerOp);
        }
    }

    /** What a group's rows report, and which way is better. */
    public enum Metric {
        /** Latency per time step; {@code work} counts time steps. */
        US_PER_STEP("µs/step", true, "us_per_step"),
        /** Tokens (batch rows times time steps) per second; {@code work} counts tokens. */
        TOKENS_PER_S("tok/s", false, "tok_per_s"),
        /** Floating-point throughput; {@code work} counts flops (2·m·n·k for a GEMM). */
        GFLOPS("GFLOP/s", false, "median_gflops");

        /** Unit shown in tables and on chart axes. */
        public final String unit;
        /** True for times: a smaller value is better. */
        public final boolean lowerIsBetter;
        /** The field of a peer's JSON line that holds this metric. */
        public final String peerField;

        Metric(String unit, boolean lowerIsBetter, String peerField) {
            this.unit = unit;
            this.lowerIsBetter = lowerIsBetter;
            this.peerField = peerField;
        }

        /** Converts seconds per JMH operation doing {@code work} units of work to this metric. */
        public double fromSecondsPerOp(double secondsPerOp, double work) {
            return switch (this) {
                case US_PER_STEP -> secondsPerOp * 1e6 / work;
                case TOKENS_PER_S -> work / secondsPerOp;
                case GFLOPS -> work / secondsPerOp / 1e9;
            };
        }

        /** How many times better Gatun is than a peer: above 1 Gatun wins, whichever way the metric points. */
        public double advantage(double gatun, double peer) {
            return lowerIsBetter ? peer / gatun : gatun / peer;
        }

        /** Whether {@code value} reaches {@code goal} ({@code <=} for times, {@code >=} for throughputs). */
        public boolean meets(double value, double goal) {
            return lowerIsBetter ? value <= goal : value >= goal;
        }
    }

    /** A table of the report. */
    public enum Group {
        STREAMING("Streaming step (B=1, one call per time step, state carried)", Metric.US_PER_STEP, true, 1),
        SEQUENCE("Sequence inference (B=1, T=100)", Metric.US_PER_STEP, false, 1),
        BATCHED("Batched forward (B=32, T=64)", Metric.TOKENS_PER_S, false, 1),
        // A training step is one call of tens of milliseconds; some of its passes run once per step and reach C2
        // (and stop allocating) only after a few hundred steps: measured 3.3 KB per step at steps 40-80 of an LSTM
        // H512, none after. Warm-up x4.
        TRAINING("Training step (forward + MSE loss + backward + SGD, T=64)", Metric.TOKENS_PER_S, true, 4),
        GEMM("GEMM (sgemm, single thread)", Metric.GFLOPS, false, 1);

        public final String title;
        public final Metric metric;
        /** Whether to run JMH's GC profiler ({@code -prof gc}) and report bytes allocated per operation. */
        public final boolean profileAllocation;
        /** Warm-up iterations of this group, as a multiple of the run's setting. */
        public final int warmupFactor;

        Group(String title, Metric metric, boolean profileAllocation, int warmupFactor) {
            this.title = title;
            this.metric = metric;
            this.profileAllocation = profileAllocation;
            this.warmupFactor = warmupFactor;
        }
    }

    /** A reference implementation measured beside Gatun. */
    public enum Peer {
        PYTORCH("PyTorch"),
        ONEDNN("oneDNN"),
        C_CBLAS("C cblas");

        public final String label;

        Peer(String label) {
            this.label = label;
        }
    }

    /**
     * One peer run: the harness's arguments (after the executable) and the thread count, which the peer gets through
     * {@code OMP_NUM_THREADS} and friends so that it uses as many cores as the Gatun row it is compared with.
     */
    public record PeerCall(Peer peer, List<String> args, int threads) {
        public PeerCall {
            args = List.copyOf(args);
        }

        /** A key that identifies the run, so that scenarios sharing a peer run measure it once. */
        public String key() {
            return peer + " " + String.join(" ", args) + " threads=" + threads;
        }
    }

    /**
     * A goal from the issues.
     *
     * @param value the metric value to reach (at most this for times, at least this for throughputs); or, when
     *     {@code relativeTo} is set, the least advantage over that peer ({@link Metric#advantage})
     * @param relativeTo the peer the goal is relative to, or {@code null} for an absolute goal
     * @param maxAllocBytesPerOp the allocation limit per operation ({@code -prof gc}), or {@code null} for none; JMH's
     *     own bookkeeping is allowed for on top ({@link Row#allocatesTooMuch()})
     * @param issue where the goal was set, e.g. {@code "#3"}
     */
    public record Target(double value, Peer relativeTo, Double maxAllocBytesPerOp, String issue) {}
}
