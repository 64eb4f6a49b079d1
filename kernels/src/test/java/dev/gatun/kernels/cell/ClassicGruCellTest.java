package dev.gatun.kernels.cell;

import static dev.gatun.kernels.cell.CellBuffers.F;
import static dev.gatun.kernels.cell.CellBuffers.assertClose;
import static dev.gatun.kernels.cell.CellBuffers.assertGradient;
import static dev.gatun.kernels.cell.CellBuffers.assertOnlyShapeWritten;
import static dev.gatun.kernels.cell.CellBuffers.maxDiff;
import static dev.gatun.kernels.cell.CellBuffers.numericGradient;
import static dev.gatun.kernels.cell.CellBuffers.read;
import static dev.gatun.kernels.cell.CellBuffers.readRows;
import static dev.gatun.kernels.cell.CellBuffers.seg;
import static dev.gatun.kernels.cell.CellBuffers.sentinels;
import static dev.gatun.kernels.cell.CellBuffers.sigmoid;
import static dev.gatun.kernels.cell.CellBuffers.strided;
import static dev.gatun.kernels.cell.CellBuffers.uniform;
import static dev.gatun.kernels.cell.CellBuffers.widen;
import static dev.gatun.kernels.cell.CellBuffers.worst;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@link ClassicGruCell} with the caller's GEMMs done here by plain loops, against a double-precision classic GRU
 * step including W_hn and b_hn: forward values, and backward (both phases and the documented caller formulas for
 * dh_{t-1}, dW_hn and db_hn) against central finite differences of {@code L = Σ h_t gh}.
 */
class ClassicGruCellTest {
    private static final int B = 2;
    private static final int H = 19;
    private static final int G = 3;
    private static final long OFF = 2;
    private static final int LD_PREV = H + 3;
    private static final int LDH = H + 1;

    /** hp holds only the r and z blocks (the n block is computed from rh); w is W_hn (H, H), bn is b_hn (H). */
    private record Case(float[] xp, float[] hp, float[] hPrev, float[] w, float[] bn, float[] gh) {}

    private record Result(float[] save, float[] rh, float[] h, float[] dPre, float[] dhPrev, float[] dhPrevPhase1) {}

    private static Case randomCase(long seed) {
        Random r = new Random(seed);
        float[] hp = uniform(r, B * G * H, -2, 2);
        for (int b = 0; b < B; b++) {
            Arrays.fill(hp, b * G * H + 2 * H, (b + 1) * G * H, 0f);
        }
        return new Case(uniform(r, B * G * H, -2, 2), hp, uniform(r, B * H, -1, 1),
                uniform(r, H * H, -0.4f, 0.4f), uniform(r, H, -0.5f, 0.5f), uniform(r, B * H, -1, 1));
    }

    /** The classic GRU step in double: {save (B, 3H) [r | z | n], rh (B, H), h (B, H)}; gate k reads block order[k]. */
    static double[][] reference(double[] xp, double[] hp, double[] hPrev, double[] w, double[] bn, int[] order) {
        double[] save = new double[B * G * H];
        double[] rh = new double[B * H];
        double[] h = new double[B * H];
        for (int b = 0; b < B; b++) {
            int row = b * G * H;
            for (int j = 0; j < H; j++) {
                double r = sigmoid(xp[row + order[0] * H + j] + hp[row + order[0] * H + j]);
                double z = sigmoid(xp[row + order[1] * H + j] + hp[row + order[1] * H + j]);
                save[row + j] = r;
                save[row + H + j] = z;
                rh[b * H + j] = r * hPrev[b * H + j];
            }
            for (int i = 0; i < H; i++) {
                double hn = bn[i];
                for (int j = 0; j < H; j++) {
                    hn += w[i * H + j] * rh[b * H + j];
                }
                double n = Math.tanh(xp[row + 2 * H + i] + hn);
                double z = save[row + H + i];
                save[row + 2 * H + i] = n;
                h[b * H + i] = (1 - z) * n + z * hPrev[b * H + i];
            }
        }
        return new double[][] {save, rh, h};
    }

    private static double loss(double[][] fwd, double[] gh) {
        double l = 0;
        for (int i = 0; i < gh.length; i++) {
            l += fwd[2][i] * gh[i];
        }
        return l;
    }

    private static Result run(Case k) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xp = seg(arena, k.xp, OFF);
            MemorySegment hp = seg(arena, k.hp, OFF);
            MemorySegment hPrev = strided(arena, k.hPrev, OFF, LD_PREV, B, H);
            MemorySegment save = sentinels(arena, OFF + B * G * H + 2);
            MemorySegment rh = sentinels(arena, OFF + B * H + 2);
            MemorySegment h = sentinels(arena, OFF + (long) B * LDH + 2);
            ClassicGruCell.forwardGates(B, H, xp, OFF, hp, OFF, hPrev, OFF, LD_PREV, save, OFF, rh, OFF);
            assertOnlyShapeWritten("rh", rh, OFF, H, B, H);
            // The caller's GEMM: hp[:, 2H:3H] = rh W_hn^T + b_hn.
            for (int b = 0; b < B; b++) {
                for (int i = 0; i < H; i++) {
                    float acc = k.bn[i];
                    for (int j = 0; j < H; j++) {
                        acc += k.w[i * H + j] * rh.getAtIndex(F, OFF + b * H + j);
                    }
                    hp.setAtIndex(F, OFF + (long) b * G * H + 2 * H + i, acc);
                }
            }
            ClassicGruCell.forwardCandidate(B, H, xp, OFF, hp, OFF, hPrev, OFF, LD_PREV, save, OFF, h, OFF, LDH);
            assertOnlyShapeWritten("save", save, OFF, G * H, B, G * H);
            assertOnlyShapeWritten("h", h, OFF, LDH, B, H);

            MemorySegment dh = seg(arena, k.gh, OFF);
            MemorySegment dPre = sentinels(arena, OFF + B * G * H + 2);
            MemorySegment dhPrev = sentinels(arena, OFF + B * H + 2);
            ClassicGruCell.backwardCandidate(B, H, dh, OFF, save, OFF, hPrev, OFF, LD_PREV, dPre, OFF, dhPrev, OFF);
            float[] phase1 = read(dhPrev, OFF, B * H);
            // The caller's GEMM: drh = dPre[:, 2H:3H] W_hn.
            MemorySegment drh = sentinels(arena, OFF + B * H + 2);
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < H; j++) {
                    float acc = 0;
                    for (int i = 0; i < H; i++) {
                        acc += dPre.getAtIndex(F, OFF + (long) b * G * H + 2 * H + i) * k.w[i * H + j];
                    }
                    drh.setAtIndex(F, OFF + b * H + j, acc);
                }
            }
            ClassicGruCell.backwardGates(B, H, drh, OFF, save, OFF, hPrev, OFF, LD_PREV, dPre, OFF, dhPrev, OFF);
            assertOnlyShapeWritten("dPre", dPre, OFF, G * H, B, G * H);
            assertOnlyShapeWritten("dhPrev", dhPrev, OFF, H, B, H);
            return new Result(read(save, OFF, B * G * H), read(rh, OFF, B * H), readRows(h, OFF, LDH, B, H),
                    read(dPre, OFF, B * G * H), read(dhPrev, OFF, B * H), phase1);
        }
    }

    /** The r and z blocks of (B, 3H) rows. */
    private static float[] rz(float[] a) {
        float[] s = new float[B * 2 * H];
        for (int b = 0; b < B; b++) {
            System.arraycopy(a, b * G * H, s, b * 2 * H, 2 * H);
        }
        return s;
    }

    private static double[] rz(double[] a) {
        double[] s = new double[B * 2 * H];
        for (int b = 0; b < B; b++) {
            System.arraycopy(a, b * G * H, s, b * 2 * H, 2 * H);
        }
        return s;
    }

    @Test
    void forwardMatchesDoublePrecision() {
        for (long seed = 1; seed <= 3; seed++) {
            Case k = randomCase(seed);
            Result res = run(k);
            double[][] ref = reference(widen(k.xp), widen(k.hp), widen(k.hPrev), widen(k.w), widen(k.bn),
                    new int[] {0, 1});
            assertClose("save", res.save, ref[0]);
            assertClose("rh", res.rh, ref[1]);
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
            double[] hPrev = widen(k.hPrev);
            double[] w = widen(k.w);
            double[] bn = widen(k.bn);
            double[] gh = widen(k.gh);
            DoubleSupplier loss = () -> loss(reference(xp, hp, hPrev, w, bn, new int[] {0, 1}), gh);
            assertGradient("dPre vs xp", res.dPre, numericGradient(xp, loss));
            assertGradient("dPre[r, z] vs hp", rz(res.dPre), rz(numericGradient(hp, loss)));
            assertGradient("dhPrev", res.dhPrev, numericGradient(hPrev, loss));
            // The caller's weight-gradient formulas: db_hn = Σ_b dPre_n, dW_hn = dPre_n^T rh.
            float[] dbn = new float[H];
            float[] dw = new float[H * H];
            for (int b = 0; b < B; b++) {
                for (int i = 0; i < H; i++) {
                    float dn = res.dPre[b * G * H + 2 * H + i];
                    dbn[i] += dn;
                    for (int j = 0; j < H; j++) {
                        dw[i * H + j] += dn * res.rh[b * H + j];
                    }
                }
            }
            assertGradient("db_hn", dbn, numericGradient(bn, loss));
            assertGradient("dW_hn", dw, numericGradient(w, loss));
        }
    }

    @Test
    void checksCatchWrongGateOrderAndAMissingPhase() {
        Case k = randomCase(9);
        Result res = run(k);
        double[] xp = widen(k.xp);
        double[] hp = widen(k.hp);
        double[] hPrev = widen(k.hPrev);
        double[] w = widen(k.w);
        double[] bn = widen(k.bn);
        assertTrue(maxDiff(res.h, reference(xp, hp, hPrev, w, bn, new int[] {1, 0})[2]) > 1e-3);
        DoubleSupplier loss = () -> loss(reference(xp, hp, hPrev, w, bn, new int[] {0, 1}), widen(k.gh));
        // dh_{t-1} after phase 1 alone misses the path through r * h_{t-1}.
        assertTrue(worst(res.dhPrevPhase1, numericGradient(hPrev, loss)) > 1);
    }
}
