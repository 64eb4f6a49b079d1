package dev.gatun.bench.report;

import dev.gatun.bench.report.PeerRunner.PeerResult;
import dev.gatun.bench.report.Scenario.Metric;
import dev.gatun.bench.report.Scenario.Peer;
import dev.gatun.bench.report.Scenario.Target;
import java.util.Map;

/**
 * One line of a report table: Gatun's figure and each peer's, in the scenario group's metric.
 *
 * @param scenario where the row comes from
 * @param label what distinguishes the row within its scenario (method, free parameters), or empty
 * @param gatun Gatun's figure, or {@code null} when the benchmark did not run ({@code problem} says why)
 * @param allocBytesPerOp bytes allocated per JMH operation ({@code -prof gc}), or {@code null} when not measured
 * @param opsPerIteration the fewest operations a measurement iteration ran (0: unknown)
 * @param peers each peer's figure or problem
 * @param problem why Gatun has no figure, or {@code null}
 */
record Row(Scenario scenario, String label, Estimate gatun, Double allocBytesPerOp, long opsPerIteration,
           Map<Peer, PeerResult> peers, String problem) {

    /**
     * JMH's own bookkeeping allocates per measurement iteration, whatever the benchmark does: with {@code -prof gc},
     * streaming steps that allocate nothing in-process (0.001 B per step over 40,000 steps, the test harness's own
     * printing) showed 1.1-1.7 B/op at 20,000-32,000 operations per 0.5 s iteration, about 35 KB per iteration.
     * Up to this much per iteration, spread over its operations, is not held against an allocation target.
     */
    static final double JMH_BOOKKEEPING_BYTES = 64 * 1024;

    Row {
        peers = Map.copyOf(peers);
    }

    /** {@return the scenario's title with the row's label, as shown in tables and charts} */
    String name() {
        return label.isEmpty() ? scenario.title() : scenario.title() + " [" + label + "]";
    }

    Metric metric() {
        return scenario.group().metric;
    }

    /** {@return how many times better Gatun is than the peer (above 1: Gatun wins), or NaN when either is missing} */
    double advantageOver(Peer peer) {
        PeerResult p = peers.get(peer);
        if (gatun == null || p == null || !p.ok()) {
            return Double.NaN;
        }
        return metric().advantage(gatun.median(), p.value());
    }

    /** {@return whether Gatun meets the scenario's target; {@code null} when there is no target or no figure} */
    Boolean targetMet() {
        Target t = scenario.target();
        if (gatun == null || t == null) {
            return null;
        }
        boolean fast;
        if (t.relativeTo() != null) {
            double advantage = advantageOver(t.relativeTo());
            if (Double.isNaN(advantage)) {
                return null;
            }
            fast = advantage >= t.value();
        } else {
            fast = metric().meets(gatun.median(), t.value());
        }
        return fast && !allocatesTooMuch();
    }

    /**
     * {@return whether the allocation per operation exceeds the target's limit by more than JMH's bookkeeping
     * ({@link #JMH_BOOKKEEPING_BYTES} per iteration) or, for operations so fast that this is less, by a byte or more}
     */
    boolean allocatesTooMuch() {
        Target t = scenario.target();
        if (t == null || t.maxAllocBytesPerOp() == null || allocBytesPerOp == null) {
            return false;
        }
        double slack = Math.max(1, opsPerIteration > 0 ? JMH_BOOKKEEPING_BYTES / opsPerIteration : 1);
        return allocBytesPerOp >= t.maxAllocBytesPerOp() + slack;
    }
}
