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
import static dev.gatun.kernels.cell.CellBuffers.uniform;
import static dev.gatun.kernels.cell.CellBuffers.widen;
import static dev.gatun.kernels.cell.CellBuffers.worst;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.kernels.CellType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link RnnCell} against a double-precision step {@code h = act(xp + hp)}: forward values, and backward against
 * central finite differences of {@code L = Σ h_t gh}. ReLU inputs keep away from the kink at 0.
 */
class RnnCellTest {
    private static final int B = 3;
    private static final int H = 21;
    private static final long OFF = 1;
    private static final int LDH = 2 * H;     // as in a (T, B, 2H) bidirectional output

    private record Case(float[] xp, float[] hp, float[] gh) {}

    private static Case randomCase(long seed) {
        Random r = new Random(seed);
        float[] xp = uniform(r, B * H, -2, 2);
        float[] hp = uniform(r, B * H, -2, 2);
        for (int i = 0; i < xp.length; i++) {
            if (Math.abs(xp[i] + hp[i]) < 0.01f) {
                xp[i] += 0.05f;
            }
        }
        return new Case(xp, hp, uniform(r, B * H, -1, 1));
    }

    static double[] reference(CellType type, double[] xp, double[] hp) {
        double[] h = new double[B * H];
        for (int i = 0; i < h.length; i++) {
            double a = xp[i] + hp[i];
            h[i] = type == CellType.RNN_RELU ? Math.max(a, 0) : Math.tanh(a);
        }
        return h;
    }

    /** {h (B, H), dPre (B, H)}. */
    private static float[][] run(CellType type, Case k) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xp = seg(arena, k.xp, OFF);
            MemorySegment hp = seg(arena, k.hp, OFF);
            MemorySegment h = sentinels(arena, OFF + (long) B * LDH + 2);
            RnnCell.forward(type, B, H, xp, OFF, hp, OFF, h, OFF, LDH);
            assertOnlyShapeWritten("h", h, OFF, LDH, B, H);
            MemorySegment dh = seg(arena, k.gh, OFF);
            MemorySegment dPre = sentinels(arena, OFF + B * H + 2);
            RnnCell.backward(type, B, H, dh, OFF, h, OFF, LDH, dPre, OFF);
            assertOnlyShapeWritten("dPre", dPre, OFF, H, B, H);
            // dPre may overwrite dh.
            RnnCell.backward(type, B, H, dh, OFF, h, OFF, LDH, dh, OFF);
            assertSameBits("dPre written over dh", dPre, dh);
            return new float[][] {readRows(h, OFF, LDH, B, H), read(dPre, OFF, B * H)};
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN_TANH", "RNN_RELU"})
    void forwardMatchesDoublePrecision(CellType type) {
        Case k = randomCase(1);
        assertClose("h", run(type, k)[0], reference(type, widen(k.xp), widen(k.hp)));
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN_TANH", "RNN_RELU"})
    void backwardMatchesFiniteDifferences(CellType type) {
        for (long seed = 1; seed <= 3; seed++) {
            Case k = randomCase(seed);
            float[] dPre = run(type, k)[1];
            double[] xp = widen(k.xp);
            double[] hp = widen(k.hp);
            double[] gh = widen(k.gh);
            DoubleSupplier loss = () -> {
                double[] h = reference(type, xp, hp);
                double l = 0;
                for (int i = 0; i < h.length; i++) {
                    l += h[i] * gh[i];
                }
                return l;
            };
            assertGradient("dPre vs xp", dPre, numericGradient(xp, loss));
            assertGradient("dPre vs hp", dPre, numericGradient(hp, loss));
            // A backward that skipped act' would be caught.
            assertTrue(worst(k.gh, numericGradient(xp, loss)) > 1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN_TANH", "RNN_RELU"})
    void hMayOverwriteHp(CellType type) {
        Case k = randomCase(3);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xp = seg(arena, k.xp, OFF);
            MemorySegment hp = seg(arena, k.hp, OFF);
            MemorySegment h = sentinels(arena, OFF + B * H + 2);
            RnnCell.forward(type, B, H, xp, OFF, hp, OFF, h, OFF, H);
            RnnCell.forward(type, B, H, xp, OFF, hp, OFF, hp, OFF, H);
            assertSameBits("h written over hp", h, hp);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN_TANH", "RNN_RELU"})
    void theOtherActivationIsCaught(CellType type) {
        Case k = randomCase(2);
        CellType other = type == CellType.RNN_TANH ? CellType.RNN_RELU : CellType.RNN_TANH;
        assertTrue(maxDiff(run(type, k)[0], reference(other, widen(k.xp), widen(k.hp))) > 1e-2);
    }
}
