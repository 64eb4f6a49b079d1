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
 * {@link LstmCell} against a plain double-precision LSTM step written here from the equations: forward values, and
 * backward against central finite differences of {@code L = Σ h_t gh + Σ c_t gc}. H = 19 runs one 16-lane vector and
 * a scalar tail per row; offsets and a row stride for h are not zero.
 */
class LstmCellTest {
    private static final int B = 2;
    private static final int H = 19;
    private static final int G = 4;
    private static final long OFF = 3;
    private static final int LDH = H + 5;
    private static final int[] PYTORCH_ORDER = {0, 1, 2, 3};

    private record Case(float[] xp, float[] hp, float[] cPrev, float[] gh, float[] gc) {}

    private record Result(float[] gates, float[] c, float[] h, float[] dPre, float[] dcPrev) {}

    private static Case randomCase(long seed) {
        Random r = new Random(seed);
        return new Case(uniform(r, B * G * H, -2, 2), uniform(r, B * G * H, -2, 2), uniform(r, B * H, -1.5f, 1.5f),
                uniform(r, B * H, -1, 1), uniform(r, B * H, -1, 1));
    }

    /**
     * The LSTM step in double precision: {gates (B, 4H), c (B, H), h (B, H)}. Gate k (i, f, g, o) reads pre-activation
     * block {@code order[k]}.
     */
    static double[][] reference(double[] xp, double[] hp, double[] cPrev, int[] order) {
        double[] gates = new double[B * G * H];
        double[] c = new double[B * H];
        double[] h = new double[B * H];
        for (int b = 0; b < B; b++) {
            for (int j = 0; j < H; j++) {
                double[] act = new double[G];
                for (int k = 0; k < G; k++) {
                    int at = b * G * H + order[k] * H + j;
                    double a = xp[at] + hp[at];
                    act[k] = k == 2 ? Math.tanh(a) : sigmoid(a);
                    gates[b * G * H + k * H + j] = act[k];
                }
                c[b * H + j] = act[1] * cPrev[b * H + j] + act[0] * act[2];
                h[b * H + j] = act[3] * Math.tanh(c[b * H + j]);
            }
        }
        return new double[][] {gates, c, h};
    }

    private static double loss(double[][] fwd, double[] gh, double[] gc) {
        double l = 0;
        for (int i = 0; i < gh.length; i++) {
            l += fwd[2][i] * gh[i] + fwd[1][i] * gc[i];
        }
        return l;
    }

    /** Forward then backward through the facade with dh = gh, dc = gc. */
    private static Result run(Case k) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xp = seg(arena, k.xp, OFF);
            MemorySegment hp = seg(arena, k.hp, OFF);
            MemorySegment cPrev = seg(arena, k.cPrev, OFF);
            MemorySegment gates = sentinels(arena, OFF + B * G * H + 2);
            MemorySegment c = sentinels(arena, OFF + B * H + 2);
            MemorySegment h = sentinels(arena, OFF + (long) B * LDH + 2);
            LstmCell.forward(B, H, xp, OFF, hp, OFF, cPrev, OFF, gates, OFF, c, OFF, h, OFF, LDH);
            assertOnlyShapeWritten("gates", gates, OFF, G * H, B, G * H);
            assertOnlyShapeWritten("c", c, OFF, H, B, H);
            assertOnlyShapeWritten("h", h, OFF, LDH, B, H);

            MemorySegment dh = seg(arena, k.gh, OFF);
            MemorySegment dc = seg(arena, k.gc, OFF);
            MemorySegment dPre = sentinels(arena, OFF + B * G * H + 2);
            MemorySegment dcPrev = sentinels(arena, OFF + B * H + 2);
            LstmCell.backward(B, H, dh, OFF, dc, OFF, gates, OFF, c, OFF, cPrev, OFF, dPre, OFF, dcPrev, OFF);
            assertOnlyShapeWritten("dPre", dPre, OFF, G * H, B, G * H);
            assertOnlyShapeWritten("dcPrev", dcPrev, OFF, H, B, H);
            return new Result(read(gates, OFF, B * G * H), read(c, OFF, B * H), readRows(h, OFF, LDH, B, H),
                    read(dPre, OFF, B * G * H), read(dcPrev, OFF, B * H));
        }
    }

    @Test
    void forwardMatchesDoublePrecision() {
        for (long seed = 1; seed <= 3; seed++) {
            Case k = randomCase(seed);
            Result res = run(k);
            double[][] ref = reference(widen(k.xp), widen(k.hp), widen(k.cPrev), PYTORCH_ORDER);
            assertClose("gates", res.gates, ref[0]);
            assertClose("c", res.c, ref[1]);
            assertClose("h", res.h, ref[2]);
        }
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        for (long seed = 1; seed <= 3; seed++) {
            Case k = randomCase(seed);
            Result res = run(k);
            double[] xp = widen(k.xp);
            double[] hp = widen(k.hp);
            double[] cPrev = widen(k.cPrev);
            double[] gh = widen(k.gh);
            double[] gc = widen(k.gc);
            DoubleSupplier loss = () -> loss(reference(xp, hp, cPrev, PYTORCH_ORDER), gh, gc);
            assertGradient("dPre vs xp", res.dPre, numericGradient(xp, loss));
            assertGradient("dPre vs hp", res.dPre, numericGradient(hp, loss));
            assertGradient("dcPrev", res.dcPrev, numericGradient(cPrev, loss));
        }
    }

    @Test
    void checksCatchWrongGateOrder() {
        // The tests above must be able to fail: a kernel with another gate order, or gradients in the wrong
        // blocks, would not pass them.
        Case k = randomCase(9);
        Result res = run(k);
        double[] xp = widen(k.xp);
        double[] hp = widen(k.hp);
        double[] cPrev = widen(k.cPrev);
        for (int[] order : new int[][] {{1, 0, 2, 3}, {0, 1, 3, 2}, {3, 1, 2, 0}}) {
            double[][] wrong = reference(xp, hp, cPrev, order);
            assertTrue(maxDiff(res.h, wrong[2]) > 1e-3, "order " + java.util.Arrays.toString(order) + " not caught");
        }
        DoubleSupplier loss = () -> loss(reference(xp, hp, cPrev, PYTORCH_ORDER), widen(k.gh), widen(k.gc));
        double[] numeric = numericGradient(xp, loss);
        assertTrue(worst(swapBlocks(res.dPre, B, H, G, 0, 1), numeric) > 1);
        assertTrue(worst(swapBlocks(res.dPre, B, H, G, 2, 3), numeric) > 1);
        // ... and a backward that ignored the incoming dc would not either.
        double[] noGc = new double[B * H];
        double[] withoutDc = numericGradient(xp, () -> loss(reference(xp, hp, cPrev, PYTORCH_ORDER), widen(k.gh), noGc));
        assertTrue(worst(res.dPre, withoutDc) > 1);
    }

    @Test
    void statesUpdatedInPlaceGiveTheSameBits() {
        Case k = randomCase(4);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xp = seg(arena, k.xp, 0);
            MemorySegment hp = seg(arena, k.hp, 0);
            MemorySegment cPrev = seg(arena, k.cPrev, 0);
            MemorySegment gates = sentinels(arena, B * G * H);
            MemorySegment c = sentinels(arena, B * H + 2);
            MemorySegment h = sentinels(arena, B * H);
            LstmCell.forward(B, H, xp, 0, hp, 0, cPrev, 0, gates, 0, c, 0, h, 0, H);
            MemorySegment cInPlace = seg(arena, k.cPrev, 0);
            MemorySegment h2 = sentinels(arena, B * H);
            LstmCell.forward(B, H, xp, 0, hp, 0, cInPlace, 0, gates, 0, cInPlace, 0, h2, 0, H);
            assertSameBits("c updated in place", c, cInPlace);
            assertSameBits("h with c in place", h, h2);

            MemorySegment dh = seg(arena, k.gh, 0);
            MemorySegment dc = seg(arena, k.gc, 0);
            MemorySegment dPre = sentinels(arena, B * G * H);
            MemorySegment dcPrev = sentinels(arena, B * H + 2);
            LstmCell.backward(B, H, dh, 0, dc, 0, gates, 0, c, 0, cPrev, 0, dPre, 0, dcPrev, 0);
            MemorySegment dPre2 = sentinels(arena, B * G * H);
            LstmCell.backward(B, H, dh, 0, dc, 0, gates, 0, c, 0, cPrev, 0, dPre2, 0, dc, 0);
            assertSameBits("dc updated in place", dcPrev, dc);
            assertSameBits("dPre with dc in place", dPre, dPre2);
        }
    }
}
