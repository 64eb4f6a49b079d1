package dev.gatun.kernels.cell;

import dev.gatun.kernels.PanamaSpecies;
import dev.gatun.kernels.activation.PanamaActivations;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API classic GRU phases: per row, a vector body over H, then {@link ScalarClassicGruCell} for the tail.
 * Equations, phases and layouts in {@link ClassicGruCell}.
 * Nonlinearities run as in-place passes over the rows just written, and vector loads and stores are written out,
 * for the reasons given in {@link PanamaLstmCell}; the result is the scalar twin's bits.
 */
final class PanamaClassicGruCell {
    private static final VectorSpecies<Float> S = PanamaSpecies.FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long F = Float.BYTES;

    private PanamaClassicGruCell() {}

    static void forwardGates(int batch, int hidden,
                             MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                             MemorySegment hPrev, long hPrevOff, int ldPrev,
                             MemorySegment save, long saveOff, MemorySegment rh, long rhOff) {
        long gh = 3L * hidden;
        int bound = S.loopBound(hidden);
        int l = S.length();
        for (int b = 0; b < batch; b++) {
            long x = xpOff + b * gh;                    // (3H) rows
            long hr = hpOff + b * gh;
            long s = saveOff + b * gh;
            long hq = hPrevOff + (long) b * ldPrev;     // (H) rows
            long rr = rhOff + (long) b * hidden;
            for (int q = 0; q < 2; q++) {               // r and z pre-activation sums
                long o = (long) q * hidden;
                for (int j = 0; j < bound; j += l) {
                    FloatVector.fromMemorySegment(S, xp, (x + o + j) * F, NATIVE)
                            .add(FloatVector.fromMemorySegment(S, hp, (hr + o + j) * F, NATIVE))
                            .intoMemorySegment(save, (s + o + j) * F, NATIVE);
                }
            }
            PanamaActivations.sigmoid(save, s, bound);
            PanamaActivations.sigmoid(save, s + hidden, bound);
            for (int j = 0; j < bound; j += l) {
                FloatVector.fromMemorySegment(S, save, (s + j) * F, NATIVE)
                        .mul(FloatVector.fromMemorySegment(S, hPrev, (hq + j) * F, NATIVE))
                        .intoMemorySegment(rh, (rr + j) * F, NATIVE);
            }
            ScalarClassicGruCell.forwardGatesRow(hidden, bound, xp, x, hp, hr, hPrev, hq, save, s, rh, rr);
        }
    }

    static void forwardCandidate(int batch, int hidden,
                                 MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                                 MemorySegment hPrev, long hPrevOff, int ldPrev,
                                 MemorySegment save, long saveOff,
                                 MemorySegment h, long hOff, int ldh) {
        long gh = 3L * hidden;
        int bound = S.loopBound(hidden);
        int l = S.length();
        for (int b = 0; b < batch; b++) {
            long x = xpOff + b * gh;                    // (3H) rows
            long hr = hpOff + b * gh;
            long s = saveOff + b * gh;
            long hq = hPrevOff + (long) b * ldPrev;     // (H) rows
            long ho = hOff + (long) b * ldh;
            long n = s + 2L * hidden;
            for (int j = 0; j < bound; j += l) {
                FloatVector.fromMemorySegment(S, xp, (x + 2L * hidden + j) * F, NATIVE)
                        .add(FloatVector.fromMemorySegment(S, hp, (hr + 2L * hidden + j) * F, NATIVE))
                        .intoMemorySegment(save, (n + j) * F, NATIVE);
            }
            PanamaActivations.tanh(save, n, bound);
            for (int j = 0; j < bound; j += l) {        // (1-z) n + z h_{t-1}; h may be hPrev
                FloatVector z = FloatVector.fromMemorySegment(S, save, (s + hidden + j) * F, NATIVE);
                FloatVector nt = FloatVector.fromMemorySegment(S, save, (n + j) * F, NATIVE);
                z.fma(FloatVector.fromMemorySegment(S, hPrev, (hq + j) * F, NATIVE).sub(nt), nt)
                        .intoMemorySegment(h, (ho + j) * F, NATIVE);
            }
            ScalarClassicGruCell.forwardCandidateRow(hidden, bound, xp, x, hp, hr, hPrev, hq, save, s, h, ho);
        }
    }

    static void backwardCandidate(int batch, int hidden,
                                  MemorySegment dh, long dhOff,
                                  MemorySegment save, long saveOff,
                                  MemorySegment hPrev, long hPrevOff, int ldPrev,
                                  MemorySegment dPre, long dPreOff, MemorySegment dhPrev, long dhPrevOff) {
        long gh = 3L * hidden;
        int bound = S.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            long dhr = dhOff + (long) b * hidden;       // (H) rows
            long dhq = dhPrevOff + (long) b * hidden;
            long hq = hPrevOff + (long) b * ldPrev;
            long s = saveOff + b * gh;                  // (3H) rows
            long dp = dPreOff + b * gh;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector one = FloatVector.broadcast(S, 1f);   // here, not hoisted: see PanamaLstmCell
                FloatVector z = FloatVector.fromMemorySegment(S, save, (s + hidden + j) * F, NATIVE);
                FloatVector n = FloatVector.fromMemorySegment(S, save, (s + 2 * hidden + j) * F, NATIVE);
                FloatVector dht = FloatVector.fromMemorySegment(S, dh, (dhr + j) * F, NATIVE);
                FloatVector dN = dht.mul(one.sub(z));                           // term 1
                FloatVector dZ = dht.mul(FloatVector.fromMemorySegment(S, hPrev, (hq + j) * F, NATIVE).sub(n));
                dZ.mul(z).mul(one.sub(z)).intoMemorySegment(dPre, (dp + hidden + j) * F, NATIVE);        // term 2
                dN.mul(one.sub(n.mul(n))).intoMemorySegment(dPre, (dp + 2 * hidden + j) * F, NATIVE);
                dht.mul(z).intoMemorySegment(dhPrev, (dhq + j) * F, NATIVE);
            }
            ScalarClassicGruCell.backwardCandidateRow(hidden, j, dh, dhr, save, s, hPrev, hq, dPre, dp, dhPrev, dhq);
        }
    }

    static void backwardGates(int batch, int hidden,
                              MemorySegment drh, long drhOff,
                              MemorySegment save, long saveOff,
                              MemorySegment hPrev, long hPrevOff, int ldPrev,
                              MemorySegment dPre, long dPreOff, MemorySegment dhPrev, long dhPrevOff) {
        long gh = 3L * hidden;
        int bound = S.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            long dr = drhOff + (long) b * hidden;       // (H) rows
            long dhq = dhPrevOff + (long) b * hidden;
            long hq = hPrevOff + (long) b * ldPrev;
            long s = saveOff + b * gh;                  // (3H) rows
            long dp = dPreOff + b * gh;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector one = FloatVector.broadcast(S, 1f);   // here, not hoisted: see PanamaLstmCell
                FloatVector r = FloatVector.fromMemorySegment(S, save, (s + j) * F, NATIVE);
                FloatVector d = FloatVector.fromMemorySegment(S, drh, (dr + j) * F, NATIVE);
                FloatVector hp = FloatVector.fromMemorySegment(S, hPrev, (hq + j) * F, NATIVE);
                d.mul(hp).mul(r).mul(one.sub(r)).intoMemorySegment(dPre, (dp + j) * F, NATIVE);   // term 3
                d.fma(r, FloatVector.fromMemorySegment(S, dhPrev, (dhq + j) * F, NATIVE))
                        .intoMemorySegment(dhPrev, (dhq + j) * F, NATIVE);
            }
            ScalarClassicGruCell.backwardGatesRow(hidden, j, drh, dr, save, s, hPrev, hq, dPre, dp, dhPrev, dhq);
        }
    }
}
