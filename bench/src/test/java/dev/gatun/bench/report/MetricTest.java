package dev.gatun.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.bench.report.Scenario.Metric;
import org.junit.jupiter.api.Test;

class MetricTest {
    @Test
    void jmhScoresBecomeSecondsPerOperation() {
        assertEquals(2.5e-6, JmhRunner.toSecondsPerOp(2.5, "us/op"), 1e-18);
        assertEquals(3e-9, JmhRunner.toSecondsPerOp(3, "ns/op"), 1e-21);
        assertEquals(0.004, JmhRunner.toSecondsPerOp(4, "ms/op"), 1e-15);
        assertEquals(0.5, JmhRunner.toSecondsPerOp(2, "ops/s"), 1e-15);
        assertEquals(0.25e-6, JmhRunner.toSecondsPerOp(4, "ops/us"), 1e-18);
        assertThrows(IllegalArgumentException.class, () -> JmhRunner.toSecondsPerOp(1, "B/op"));
        assertThrows(IllegalArgumentException.class, () -> JmhRunner.toSecondsPerOp(1, "us/call"));
    }

    @Test
    void conversionsUseTheWorkPerOperation() {
        // A T=100 sequence in 1 ms is 10 us per step.
        assertEquals(10, Metric.US_PER_STEP.fromSecondsPerOp(1e-3, 100), 1e-9);
        // B*T = 2048 tokens in 8 ms is 256,000 tok/s.
        assertEquals(256_000, Metric.TOKENS_PER_S.fromSecondsPerOp(8e-3, 2048), 1e-6);
        // 2*256^3 flops in 200 us is 167.77 GFLOP/s.
        assertEquals(2.0 * 256 * 256 * 256 / 200e-6 / 1e9, Metric.GFLOPS.fromSecondsPerOp(200e-6, 2.0 * 256 * 256 * 256),
                1e-9);
    }

    @Test
    void advantageAboveOneMeansGatunIsBetterForTimesAndThroughputs() {
        assertEquals(2.0, Metric.US_PER_STEP.advantage(10, 20), 1e-12);   // Gatun 10 us, peer 20 us
        assertEquals(0.5, Metric.US_PER_STEP.advantage(20, 10), 1e-12);
        assertEquals(1.5, Metric.TOKENS_PER_S.advantage(300_000, 200_000), 1e-12);
        assertEquals(0.5, Metric.GFLOPS.advantage(100, 200), 1e-12);
    }

    @Test
    void goalsPointTheRightWay() {
        assertTrue(Metric.US_PER_STEP.meets(15.9, 16));
        assertFalse(Metric.US_PER_STEP.meets(16.1, 16));
        assertTrue(Metric.TOKENS_PER_S.meets(240_000, 235_000));
        assertFalse(Metric.TOKENS_PER_S.meets(230_000, 235_000));
    }
}
