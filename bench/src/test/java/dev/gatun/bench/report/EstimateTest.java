package dev.gatun.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EstimateTest {
    @Test
    void medianOfOddAndEvenCountsIgnoresOrder() {
        assertEquals(3, Estimate.of(new double[] {5, 1, 3}).median());
        assertEquals(2.5, Estimate.of(new double[] {4, 1, 2, 3}).median());
        assertEquals(7, Estimate.of(new double[] {7}).median());
    }

    @Test
    void errorIsHalfTheInterquartileRangeAndNoisyAboveFivePercent() {
        Estimate e = Estimate.of(new double[] {100, 96, 104, 101, 99});   // quartiles 99 and 101
        assertEquals(100, e.median());
        assertEquals(1, e.error());
        assertEquals(5, e.samples());
        assertFalse(e.noisy());
        Estimate wide = Estimate.of(new double[] {90, 94, 100, 106, 110});  // quartiles 94 and 106: +-6%
        assertEquals(6, wide.error());
        assertTrue(wide.noisy());
        assertEquals(1, Estimate.of(new double[] {18, 20, 22}).error(), 1e-12, "quartiles interpolate: 19 and 21");
        assertEquals(0, Estimate.of(new double[] {3}).error());
    }

    @Test
    void oneDisturbedIterationDoesNotMakeARunNoisy() {
        Estimate e = Estimate.of(new double[] {100, 101, 99, 100, 250});
        assertEquals(100, e.median());
        assertFalse(e.noisy(), "error " + e.error());
    }

    @Test
    void noSamplesIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Estimate.of(new double[0]));
    }
}
