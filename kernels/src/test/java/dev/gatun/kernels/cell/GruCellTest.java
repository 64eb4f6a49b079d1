package dev.gatun.kernels.cell;

import static dev.gatun.kernels.cell.CellBuffers.assertClose;
import static dev.gatun.kernels.cell.CellBuffers.assertGradient;
import static dev.gatun.kernels.cell.CellBuffers.assertOnlyShapeWritten;
import static dev.gatun.kernels.cell.CellBuffers.assertSameBits;
import static dev.gatun.kernels.cell.CellBuffers.maxDiff;
import static dev.gatun.kernels.cell.CellBuffers.numericGradient;
import static dev.gatun.kernels.cell.CellBuffers.read;
import static dev.gatun.kernels.cell.CellBuffers.readRows;
import static dev.gatun.kernels.cell.CellBuffers.seg;
import static dev.gatun.kernels.cell.CellBuffers.sentinels;
import static dev.gatun.kernels.cell.CellBuffers.sigmoid;
import static dev.gatun.kernels.cell.CellBuffers.strided;
import static dev.gatun.kernels.cell.CellBuffers.swapBlocks;
import static dev.gatun.kernels.cell.CellBuffers.uniform;
import static dev.gatun.kernels.cell.CellBuffers.widen;
import static dev.gatun.kernels.cell.CellBuffers.worst;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@link GruCell} (PyTorch form) against a plain double-precision GRU step written here from the equations: forward
 * values, and backward against central finite differences of {@code L = Σ h_t gh} wrt xp, hp and h_{t-1} (holding
 * hp fixed: the direct part). H = 19 runs one 16-lane vector and a scalar tail; h_{t-1} and h_t are strided.
 */
class GruCellTest {
    private static final int B = 2;
    private static final int H = 19;
    private static final int G = 3;
    private static final long OFF = 5;
    private static final int LD_PREV = H + 2;
    private static final int LDH = H + 7;
    private static final int[] PYTORCH_ORDER = {0, 1, 2};

    private record Case(float[] xp, float[] hp, float[] hPrev, float[] gh) {}

    private record Result(float[] save, float[] h, float[] dxPre, float[] dhPre, float[] dhPrev) {}

    private static Case randomCase(long seed) {
        Random r = new Random(seed);
        return new Case(uniform(r, B * G * H, -2, 2), uniform(r, B * G * H, -2, 2), uniform(r, B * H, -1, 1),
                uniform(r, B * H, -1, 1));
    }

    /** The GRU step in double precision: {save (B, 4H) [r | z | n | hp_n], h (B, H)}; gate k reads block order[k]. */
    static double[][] reference(double[] xp, double[] hp, double[] hPrev, int[] order) {
        double[] save = new double[B * 4 * H];
        double[] h = new double[B * H];
        for (int b = 0; b < B; b++) {
            for (int j = 0; j < H; j++) {
                int row = b * G * H;
                int ir = row + order[0] * H + j;
                int iz = row + order[1] * H + j;
                int in = row + order[2] * H + j;
                double r = sigmoid(xp[ir] + hp[ir]);
                double z = sigmoid(xp[iz] + hp[iz]);
                double n = Math.tanh(xp[in] + r * hp[in]);
                h[b * H + j] = (1 - z) * n + z * hPrev[b * H + j];
                save[b * 4 * H + j] = r;
                save[b * 4 * H + H + j] = z;
                save[b * 4 * H + 2 * H + j] = n;
                save[b * 4 * H + 3 * H + j] = hp[in];
            }
        }
        return new double[][] {save, h};
    }

    private static double loss(double[][] fwd, double[] gh) {
        double l = 0;
        for (int i = 0; i < gh.length; i++) {
            l += fwd[1][i] * gh[i];
        }
        return l;
    }

    private static Result run(Case k) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xp = seg(arena, k.xp, OFF);
            MemorySegment hp = seg(arena, k.hp, OFF);
            MemorySegment hPrev = strided(arena, k.hPrev, OFF, LD_PREV, B, H);
            MemorySegment save = sentinels(arena, OFF + B * 4 * H + 2);
            MemorySegment h = sentinels(arena, OFF + (long) B * LDH + 2);
            GruCell.forward(B, H, xp, OFF, hp, OFF, hPrev, OFF, LD_PREV, save, OFF, h, OFF, LDH);
            assertOnlyShapeWritten("save", save, OFF, 4 * H, B, 4 * H);
            assertOnlyShapeWritten("h", h, OFF, LDH, B, H);

            MemorySegment dh = seg(arena, k.gh, OFF);
            MemorySegment dxPre = sentinels(arena, OFF + B * G * H + 2);
            MemorySegment dhPre = sentinels(arena, OFF + B * G * H + 2);
            MemorySegment dhPrev = sentinels(arena, OFF + B * H + 2);
            GruCell.backward(B, H, dh, OFF, save, OFF, hPrev, OFF, LD_PREV, dxPre, OFF, dhPre, OFF, dhPrev, OFF);
            assertOnlyShapeWritten("dxPre", dxPre, OFF, G * H, B, G * H);
            assertOnlyShapeWritten("dhPre", dhPre, OFF, G * H, B, G * H);
            assertOnlyShapeWritten("dhPrev", dhPrev, OFF, H, B, H);
            return new Result(read(save, OFF, B * 4 * H), readRows(h, OFF, LDH, B, H), read(dxPre, OFF, B * G * H),
                    read(dhPre, OFF, B * G * H), read(dhPrev, OFF, B * H));
        }
    }

    @Test
    void forwardMatchesDoublePrecision() {
        for (long seed = 1; seed <= 3; seed++) {
            Case k = randomCase(seed);
            Result res = run(k);
            double[][] ref = reference(widen(k.xp), widen(k.hp), widen(k.hPrev), PYTORCH_ORDER);
            assertClose("save", res.save, ref[0]);
            assertClose("h", res.h, ref[1]);
        }
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        for (long seed = 1; seed <= 3; seed++) {
            Case k = randomCase(seed);
            Result res = run(k);
            double[] xp = widen(k.xp);
            double[] hp = widen(k.hp);
            double[] hPrev = widen(k.hPrev);
            double[] gh = widen(k.gh);
            DoubleSupplier loss = () -> loss(reference(xp, hp, hPrev, PYTORCH_ORDER), gh);
            assertGradient("dxPre", res.dxPre, numericGradient(xp, loss));
            assertGradient("dhPre", res.dhPre, numericGradient(hp, loss));
            assertGradient("dhPrev (direct part)", res.dhPrev, numericGradient(hPrev, loss));
        }
    }

    @Test
    void checksCatchWrongGateOrderAndSides() {
        Case k = randomCase(9);
        Result res = run(k);
        double[] xp = widen(k.xp);
        double[] hp = widen(k.hp);
        double[] hPrev = widen(k.hPrev);
        for (int[] order : new int[][] {{1, 0, 2}, {0, 2, 1}}) {
            assertTrue(maxDiff(res.h, reference(xp, hp, hPrev, order)[1]) > 1e-3);
        }
        DoubleSupplier loss = () -> loss(reference(xp, hp, hPrev, PYTORCH_ORDER), widen(k.gh));
        double[] dxNumeric = numericGradient(xp, loss);
        double[] dhNumeric = numericGradient(hp, loss);
        assertTrue(worst(swapBlocks(res.dxPre, B, H, G, 0, 1), dxNumeric) > 1);
        // The two sides differ in the n block: using one gradient for both would be caught.
        assertTrue(worst(res.dxPre, dhNumeric) > 1);
        assertTrue(worst(res.dhPre, dxNumeric) > 1);
    }

    @Test
    void stateUpdatedInPlaceGivesTheSameBits() {
        Case k = randomCase(4);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xp = seg(arena, k.xp, 0);
            MemorySegment hp = seg(arena, k.hp, 0);
            MemorySegment hPrev = strided(arena, k.hPrev, 0, LD_PREV, B, H);
            MemorySegment save = sentinels(arena, B * 4 * H);
            MemorySegment h = strided(arena, new float[B * H], 0, LD_PREV, B, H);
            GruCell.forward(B, H, xp, 0, hp, 0, hPrev, 0, LD_PREV, save, 0, h, 0, LD_PREV);
            MemorySegment hInPlace = strided(arena, k.hPrev, 0, LD_PREV, B, H);
            MemorySegment save2 = sentinels(arena, B * 4 * H);
            GruCell.forward(B, H, xp, 0, hp, 0, hInPlace, 0, LD_PREV, save2, 0, hInPlace, 0, LD_PREV);
            assertSameBits("h updated in place", h, hInPlace);

            MemorySegment dh = seg(arena, k.gh, 0);
            MemorySegment dxPre = sentinels(arena, B * G * H);
            MemorySegment dhPre = sentinels(arena, B * G * H);
            MemorySegment dhPrev = sentinels(arena, B * H + 2);
            GruCell.backward(B, H, dh, 0, save, 0, hPrev, 0, LD_PREV, dxPre, 0, dhPre, 0, dhPrev, 0);
            MemorySegment dxPre2 = sentinels(arena, B * G * H);
            MemorySegment dhPre2 = sentinels(arena, B * G * H);
            GruCell.backward(B, H, dh, 0, save, 0, hPrev, 0, LD_PREV, dxPre2, 0, dhPre2, 0, dh, 0);
            assertSameBits("dh rewritten in place as dhPrev", dhPrev, dh);
            assertSameBits("dxPre", dxPre, dxPre2);
            assertSameBits("dhPre", dhPre, dhPre2);
        }
    }
}
