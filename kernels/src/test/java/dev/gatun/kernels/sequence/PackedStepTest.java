package dev.gatun.kernels.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatun.gemm.PackedWeights;
import dev.gatun.kernels.CellType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The forward with W_hh packed once per call gives what the per-step GEMM gives (which {@link RecurrentStackTest}
 * checks against the reference), for every single-phase cell, with and without h0/c0 and with projection, and
 * backward after a packed forward still matches.
 */
class PackedStepTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = "GRU_CLASSIC", mode = EnumSource.Mode.EXCLUDE)
    void packedForwardMatchesThePerStepGemm(CellType cell) {
        assumeTrue(PackedWeights.available(), "Vector API kernels disabled");
        for (int proj : cell == CellType.LSTM ? new int[] {0, 7} : new int[] {0}) {
            for (boolean withState : new boolean[] {false, true}) {
                compare(cell, 29, 13, 37, proj, 5, 6, withState);
            }
        }
    }

    private static void compare(CellType cell, int inputs, int hidden, int seed, int proj, int steps,
                                int batch, boolean withState) {
        LayerShape shape = new LayerShape(cell, inputs, hidden, proj);
        Random rnd = new Random(seed + cell.ordinal());
        int hr = shape.stateSize();
        try (Arena arena = Arena.ofConfined();
             RecurrentPass packed = new RecurrentPass(shape, false, "true");
             RecurrentPass perStep = new RecurrentPass(shape, false, "false")) {
            LayerWeights w = LayerWeights.allocate(arena, shape);
            fill(rnd, w.wIh().segment(), 0.4f);
            fill(rnd, w.wHh().segment(), 0.4f);
            fill(rnd, w.bIh().segment(), 0.3f);
            fill(rnd, w.bHh().segment(), 0.3f);
            if (proj > 0) {
                fill(rnd, w.wHr().segment(), 0.4f);
            }
            MemorySegment x = random(arena, rnd, steps * batch * inputs);
            MemorySegment h0 = withState ? random(arena, rnd, batch * hr) : null;
            MemorySegment c0 = withState && cell.hasCellState() ? random(arena, rnd, batch * hidden) : null;
            MemorySegment y1 = random(arena, rnd, steps * batch * hr);
            MemorySegment y2 = random(arena, rnd, steps * batch * hr);
            MemorySegment hN1 = random(arena, rnd, batch * hr);
            MemorySegment hN2 = random(arena, rnd, batch * hr);
            MemorySegment cN1 = cell.hasCellState() ? random(arena, rnd, batch * hidden) : null;
            MemorySegment cN2 = cell.hasCellState() ? random(arena, rnd, batch * hidden) : null;
            packed.forward(steps, batch, x, 0, inputs, w, h0, 0, c0, 0, y1, 0, hr, hN1, 0, cN1, 0);
            perStep.forward(steps, batch, x, 0, inputs, w, h0, 0, c0, 0, y2, 0, hr, hN2, 0, cN2, 0);
            String what = cell + " P=" + proj + (withState ? " with h0" : "");
            assertClose(what + " y", y2, y1);
            assertClose(what + " hN", hN2, hN1);
            if (cN1 != null) {
                assertClose(what + " cN", cN2, cN1);
            }
            // Backward after each forward: the same gradients.
            LayerWeights g1 = LayerWeights.allocate(arena, shape);
            LayerWeights g2 = LayerWeights.allocate(arena, shape);
            MemorySegment dy = random(arena, rnd, steps * batch * hr);
            MemorySegment dx1 = random(arena, rnd, steps * batch * inputs);
            MemorySegment dx2 = random(arena, rnd, steps * batch * inputs);
            packed.backward(steps, batch, x, 0, inputs, w, h0, 0, c0, 0, y1, 0, hr, dy, 0, hr, null, 0, null, 0,
                    g1, dx1, 0, inputs, 0f, null, 0, null, 0);
            perStep.backward(steps, batch, x, 0, inputs, w, h0, 0, c0, 0, y2, 0, hr, dy, 0, hr, null, 0, null, 0,
                    g2, dx2, 0, inputs, 0f, null, 0, null, 0);
            assertClose(what + " dx", dx2, dx1);
            assertClose(what + " dW_hh", g2.wHh().segment(), g1.wHh().segment());
        }
    }

    private static void assertClose(String what, MemorySegment expected, MemorySegment actual) {
        long n = expected.byteSize() / Float.BYTES;
        for (long i = 0; i < n; i++) {
            float e = expected.getAtIndex(F, i);
            assertEquals(e, actual.getAtIndex(F, i), 1e-5f * (1 + Math.abs(e)), what + " at " + i);
        }
    }

    private static void fill(Random rnd, MemorySegment s, float scale) {
        long n = s.byteSize() / Float.BYTES;
        for (long i = 0; i < n; i++) {
            s.setAtIndex(F, i, (rnd.nextFloat() * 2 - 1) * scale);
        }
    }

    private static MemorySegment random(Arena arena, Random rnd, int n) {
        MemorySegment s = arena.allocate((long) n * Float.BYTES, 64);
        fill(rnd, s, 0.5f);
        return s;
    }
}
