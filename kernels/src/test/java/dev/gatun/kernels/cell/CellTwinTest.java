package dev.gatun.kernels.cell;

import static dev.gatun.kernels.cell.CellBuffers.assertOnlyShapeWritten;
import static dev.gatun.kernels.cell.CellBuffers.assertTwins;
import static dev.gatun.kernels.cell.CellBuffers.seg;
import static dev.gatun.kernels.cell.CellBuffers.sentinels;
import static dev.gatun.kernels.cell.CellBuffers.strided;
import static dev.gatun.kernels.cell.CellBuffers.uniform;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every Panama cell kernel against its scalar twin, bitwise (the same operations lane by lane), over
 * awkward sizes: H in {1, 15, 16, 17, 37, 64, 1000} (tails only, exact vectors, vectors plus tails),
 * B in {1, 3}, nonzero offsets and row strides, pre-activations wide enough to saturate. Also checks that nothing
 * outside the output shapes is written.
 */
public class CellTwinTest {
    static final int[] HIDDEN = {1, 15, 16, 17, 37, 64, 1000};
    static final int[] BATCH = {1, 3};
    private static final long OFF = 7;

    /** All families at all sizes; also called by the narrow-width check in a child JVM. */
    public static void checkTwins() {
        long seed = 1;
        for (int h : HIDDEN) {
            for (int b : BATCH) {
                lstm(b, h, new Random(seed++));
                gru(b, h, new Random(seed++));
                classicGru(b, h, new Random(seed++));
                rnn(b, h, false, new Random(seed++));
                rnn(b, h, true, new Random(seed++));
            }
        }
    }

    @Test
    void panamaMatchesScalar() {
        checkTwins();
    }

    private static String at(String what, int b, int h) {
        return what + " (B=" + b + ", H=" + h + ")";
    }

    private static void lstm(int b, int h, Random r) {
        try (Arena arena = Arena.ofConfined()) {
            int ldh = h + 3;
            MemorySegment xp = seg(arena, uniform(r, b * 4 * h, -6, 6), OFF);
            MemorySegment hp = seg(arena, uniform(r, b * 4 * h, -6, 6), OFF);
            MemorySegment cPrev = seg(arena, uniform(r, b * h, -3, 3), OFF);
            MemorySegment[] gates = {sentinels(arena, OFF + 4L * b * h + 2), sentinels(arena, OFF + 4L * b * h + 2)};
            MemorySegment[] c = {sentinels(arena, OFF + (long) b * h + 2), sentinels(arena, OFF + (long) b * h + 2)};
            MemorySegment[] hs = {sentinels(arena, OFF + (long) b * ldh + 2), sentinels(arena, OFF + (long) b * ldh + 2)};
            PanamaLstmCell.forward(b, h, xp, OFF, hp, OFF, cPrev, OFF, gates[0], OFF, c[0], OFF, hs[0], OFF, ldh);
            ScalarLstmCell.forward(b, h, xp, OFF, hp, OFF, cPrev, OFF, gates[1], OFF, c[1], OFF, hs[1], OFF, ldh);
            assertTwins(at("lstm gates", b, h), gates[1], gates[0]);
            assertTwins(at("lstm c", b, h), c[1], c[0]);
            assertTwins(at("lstm h", b, h), hs[1], hs[0]);
            assertOnlyShapeWritten(at("lstm h", b, h), hs[0], OFF, ldh, b, h);

            MemorySegment dh = seg(arena, uniform(r, b * h, -1, 1), OFF);
            MemorySegment dc = seg(arena, uniform(r, b * h, -1, 1), OFF);
            MemorySegment[] dPre = {sentinels(arena, OFF + 4L * b * h + 2), sentinels(arena, OFF + 4L * b * h + 2)};
            MemorySegment[] dcPrev = {sentinels(arena, OFF + (long) b * h + 2), sentinels(arena, OFF + (long) b * h + 2)};
            PanamaLstmCell.backward(b, h, dh, OFF, dc, OFF, gates[0], OFF, c[0], OFF, cPrev, OFF, dPre[0], OFF,
                    dcPrev[0], OFF);
            ScalarLstmCell.backward(b, h, dh, OFF, dc, OFF, gates[0], OFF, c[0], OFF, cPrev, OFF, dPre[1], OFF,
                    dcPrev[1], OFF);
            assertTwins(at("lstm dPre", b, h), dPre[1], dPre[0]);
            assertTwins(at("lstm dcPrev", b, h), dcPrev[1], dcPrev[0]);
            assertOnlyShapeWritten(at("lstm dPre", b, h), dPre[0], OFF, 4 * h, b, 4 * h);
        }
    }

    private static void gru(int b, int h, Random r) {
        try (Arena arena = Arena.ofConfined()) {
            int ldPrev = h + 2;
            int ldh = 2 * h;
            MemorySegment xp = seg(arena, uniform(r, b * 3 * h, -6, 6), OFF);
            MemorySegment hp = seg(arena, uniform(r, b * 3 * h, -6, 6), OFF);
            MemorySegment hPrev = strided(arena, uniform(r, b * h, -1, 1), OFF, ldPrev, b, h);
            MemorySegment[] save = {sentinels(arena, OFF + 4L * b * h + 2), sentinels(arena, OFF + 4L * b * h + 2)};
            MemorySegment[] hs = {sentinels(arena, OFF + (long) b * ldh + 2), sentinels(arena, OFF + (long) b * ldh + 2)};
            PanamaGruCell.forward(b, h, xp, OFF, hp, OFF, hPrev, OFF, ldPrev, save[0], OFF, hs[0], OFF, ldh);
            ScalarGruCell.forward(b, h, xp, OFF, hp, OFF, hPrev, OFF, ldPrev, save[1], OFF, hs[1], OFF, ldh);
            assertTwins(at("gru save", b, h), save[1], save[0]);
            assertTwins(at("gru h", b, h), hs[1], hs[0]);
            assertOnlyShapeWritten(at("gru h", b, h), hs[0], OFF, ldh, b, h);

            MemorySegment dh = seg(arena, uniform(r, b * h, -1, 1), OFF);
            MemorySegment[] dx = {sentinels(arena, OFF + 3L * b * h + 2), sentinels(arena, OFF + 3L * b * h + 2)};
            MemorySegment[] dhp = {sentinels(arena, OFF + 3L * b * h + 2), sentinels(arena, OFF + 3L * b * h + 2)};
            MemorySegment[] dhPrev = {sentinels(arena, OFF + (long) b * h + 2), sentinels(arena, OFF + (long) b * h + 2)};
            PanamaGruCell.backward(b, h, dh, OFF, save[0], OFF, hPrev, OFF, ldPrev, dx[0], OFF, dhp[0], OFF,
                    dhPrev[0], OFF);
            ScalarGruCell.backward(b, h, dh, OFF, save[0], OFF, hPrev, OFF, ldPrev, dx[1], OFF, dhp[1], OFF,
                    dhPrev[1], OFF);
            assertTwins(at("gru dxPre", b, h), dx[1], dx[0]);
            assertTwins(at("gru dhPre", b, h), dhp[1], dhp[0]);
            assertTwins(at("gru dhPrev", b, h), dhPrev[1], dhPrev[0]);
        }
    }

    private static void classicGru(int b, int h, Random r) {
        try (Arena arena = Arena.ofConfined()) {
            int ldPrev = h + 1;
            int ldh = h + 4;
            MemorySegment xp = seg(arena, uniform(r, b * 3 * h, -6, 6), OFF);
            MemorySegment hp = seg(arena, uniform(r, b * 3 * h, -6, 6), OFF);   // n block: stands for rh W_hn^T + b_hn
            MemorySegment hPrev = strided(arena, uniform(r, b * h, -1, 1), OFF, ldPrev, b, h);
            MemorySegment[] save = {sentinels(arena, OFF + 3L * b * h + 2), sentinels(arena, OFF + 3L * b * h + 2)};
            MemorySegment[] rh = {sentinels(arena, OFF + (long) b * h + 2), sentinels(arena, OFF + (long) b * h + 2)};
            MemorySegment[] hs = {sentinels(arena, OFF + (long) b * ldh + 2), sentinels(arena, OFF + (long) b * ldh + 2)};
            PanamaClassicGruCell.forwardGates(b, h, xp, OFF, hp, OFF, hPrev, OFF, ldPrev, save[0], OFF, rh[0], OFF);
            ScalarClassicGruCell.forwardGates(b, h, xp, OFF, hp, OFF, hPrev, OFF, ldPrev, save[1], OFF, rh[1], OFF);
            assertTwins(at("classic gru rh", b, h), rh[1], rh[0]);
            PanamaClassicGruCell.forwardCandidate(b, h, xp, OFF, hp, OFF, hPrev, OFF, ldPrev, save[0], OFF,
                    hs[0], OFF, ldh);
            ScalarClassicGruCell.forwardCandidate(b, h, xp, OFF, hp, OFF, hPrev, OFF, ldPrev, save[1], OFF,
                    hs[1], OFF, ldh);
            assertTwins(at("classic gru save", b, h), save[1], save[0]);
            assertTwins(at("classic gru h", b, h), hs[1], hs[0]);
            assertOnlyShapeWritten(at("classic gru h", b, h), hs[0], OFF, ldh, b, h);

            MemorySegment dh = seg(arena, uniform(r, b * h, -1, 1), OFF);
            MemorySegment drh = seg(arena, uniform(r, b * h, -1, 1), OFF);
            MemorySegment[] dPre = {sentinels(arena, OFF + 3L * b * h + 2), sentinels(arena, OFF + 3L * b * h + 2)};
            MemorySegment[] dhPrev = {sentinels(arena, OFF + (long) b * h + 2), sentinels(arena, OFF + (long) b * h + 2)};
            PanamaClassicGruCell.backwardCandidate(b, h, dh, OFF, save[0], OFF, hPrev, OFF, ldPrev, dPre[0], OFF,
                    dhPrev[0], OFF);
            ScalarClassicGruCell.backwardCandidate(b, h, dh, OFF, save[0], OFF, hPrev, OFF, ldPrev, dPre[1], OFF,
                    dhPrev[1], OFF);
            assertTwins(at("classic gru dPre (z, n)", b, h), dPre[1], dPre[0]);
            assertTwins(at("classic gru dhPrev (phase 1)", b, h), dhPrev[1], dhPrev[0]);
            PanamaClassicGruCell.backwardGates(b, h, drh, OFF, save[0], OFF, hPrev, OFF, ldPrev, dPre[0], OFF,
                    dhPrev[0], OFF);
            ScalarClassicGruCell.backwardGates(b, h, drh, OFF, save[0], OFF, hPrev, OFF, ldPrev, dPre[1], OFF,
                    dhPrev[1], OFF);
            assertTwins(at("classic gru dPre", b, h), dPre[1], dPre[0]);
            assertTwins(at("classic gru dhPrev", b, h), dhPrev[1], dhPrev[0]);
            assertOnlyShapeWritten(at("classic gru dPre", b, h), dPre[0], OFF, 3 * h, b, 3 * h);
        }
    }

    private static void rnn(int b, int h, boolean relu, Random r) {
        try (Arena arena = Arena.ofConfined()) {
            int ldh = h + 5;
            String name = relu ? "rnn relu" : "rnn tanh";
            MemorySegment xp = seg(arena, uniform(r, b * h, -6, 6), OFF);
            MemorySegment hp = seg(arena, uniform(r, b * h, -6, 6), OFF);
            MemorySegment[] hs = {sentinels(arena, OFF + (long) b * ldh + 2), sentinels(arena, OFF + (long) b * ldh + 2)};
            PanamaRnnCell.forward(relu, b, h, xp, OFF, hp, OFF, hs[0], OFF, ldh);
            ScalarRnnCell.forward(relu, b, h, xp, OFF, hp, OFF, hs[1], OFF, ldh);
            assertTwins(at(name + " h", b, h), hs[1], hs[0]);
            assertOnlyShapeWritten(at(name + " h", b, h), hs[0], OFF, ldh, b, h);

            MemorySegment dh = seg(arena, uniform(r, b * h, -1, 1), OFF);
            MemorySegment[] dPre = {sentinels(arena, OFF + (long) b * h + 2), sentinels(arena, OFF + (long) b * h + 2)};
            PanamaRnnCell.backward(relu, b, h, dh, OFF, hs[0], OFF, ldh, dPre[0], OFF);
            ScalarRnnCell.backward(relu, b, h, dh, OFF, hs[0], OFF, ldh, dPre[1], OFF);
            assertTwins(at(name + " dPre", b, h), dPre[1], dPre[0]);
        }
    }
}
