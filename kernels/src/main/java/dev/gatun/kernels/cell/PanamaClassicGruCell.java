package dev.gatun.kernels.cell;

import static dev.gatun.kernels.activation.PanamaActivations.sigmoid;
import static dev.gatun.kernels.activation.PanamaActivations.tanh;

import dev.gatun.kernels.PanamaSpecies;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API classic GRU phases: per row, a vector body over H, then {@link ScalarClassicGruCell} for the tail.
 * Equations, phases and layouts in {@link ClassicGruCell}.
 */
final class PanamaClassicGruCell {
    private static final VectorSpecies<Float> S = PanamaSpecies.FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private PanamaClassicGruCell() {}

    static void forwardGates(int batch, int hidden,
                             MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                             MemorySegment hPrev, long hPrevOff, int ldPrev,
                             MemorySegment save, long saveOff, MemorySegment rh, long rhOff) {
        long gh = 3L * hidden;
        int bound = S.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            long x = xpOff + b * gh;                    // (3H) rows
            long hr = hpOff + b * gh;
            long s = saveOff + b * gh;
            long hq = hPrevOff + (long) b * ldPrev;     // (H) rows
            long rr = rhOff + (long) b * hidden;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector r = sigmoid(load(xp, x + j).add(load(hp, hr + j)));
                FloatVector z = sigmoid(load(xp, x + hidden + j).add(load(hp, hr + hidden + j)));
                store(r, save, s + j);
                store(z, save, s + hidden + j);
                store(r.mul(load(hPrev, hq + j)), rh, rr + j);
            }
            ScalarClassicGruCell.forwardGatesRow(hidden, j, xp, x, hp, hr, hPrev, hq, save, s, rh, rr);
        }
    }

    static void forwardCandidate(int batch, int hidden,
                                 MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                                 MemorySegment hPrev, long hPrevOff, int ldPrev,
                                 MemorySegment save, long saveOff,
                                 MemorySegment h, long hOff, int ldh) {
        long gh = 3L * hidden;
        int bound = S.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            long x = xpOff + b * gh;                    // (3H) rows
            long hr = hpOff + b * gh;
            long s = saveOff + b * gh;
            long hq = hPrevOff + (long) b * ldPrev;     // (H) rows
            long ho = hOff + (long) b * ldh;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector n = tanh(load(xp, x + 2 * hidden + j).add(load(hp, hr + 2 * hidden + j)));
                FloatVector z = load(save, s + hidden + j);
                FloatVector ht = z.fma(load(hPrev, hq + j).sub(n), n);          // (1-z) n + z h_{t-1}
                store(n, save, s + 2 * hidden + j);
                store(ht, h, ho + j);
            }
            ScalarClassicGruCell.forwardCandidateRow(hidden, j, xp, x, hp, hr, hPrev, hq, save, s, h, ho);
        }
    }

    static void backwardCandidate(int batch, int hidden,
                                  MemorySegment dh, long dhOff,
                                  MemorySegment save, long saveOff,
                                  MemorySegment hPrev, long hPrevOff, int ldPrev,
                                  MemorySegment dPre, long dPreOff, MemorySegment dhPrev, long dhPrevOff) {
        long gh = 3L * hidden;
        int bound = S.loopBound(hidden);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int b = 0; b < batch; b++) {
            long dhr = dhOff + (long) b * hidden;       // (H) rows
            long dhq = dhPrevOff + (long) b * hidden;
            long hq = hPrevOff + (long) b * ldPrev;
            long s = saveOff + b * gh;                  // (3H) rows
            long dp = dPreOff + b * gh;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector z = load(save, s + hidden + j);
                FloatVector n = load(save, s + 2 * hidden + j);
                FloatVector dht = load(dh, dhr + j);
                FloatVector dN = dht.mul(one.sub(z));                           // term 1
                FloatVector dZ = dht.mul(load(hPrev, hq + j).sub(n));
                store(dZ.mul(z).mul(one.sub(z)), dPre, dp + hidden + j);        // term 2
                store(dN.mul(one.sub(n.mul(n))), dPre, dp + 2 * hidden + j);
                store(dht.mul(z), dhPrev, dhq + j);
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
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int b = 0; b < batch; b++) {
            long dr = drhOff + (long) b * hidden;       // (H) rows
            long dhq = dhPrevOff + (long) b * hidden;
            long hq = hPrevOff + (long) b * ldPrev;
            long s = saveOff + b * gh;                  // (3H) rows
            long dp = dPreOff + b * gh;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector r = load(save, s + j);
                FloatVector d = load(drh, dr + j);
                store(d.mul(load(hPrev, hq + j)).mul(r).mul(one.sub(r)), dPre, dp + j);   // term 3
                store(d.fma(r, load(dhPrev, dhq + j)), dhPrev, dhq + j);
            }
            ScalarClassicGruCell.backwardGatesRow(hidden, j, drh, dr, save, s, hPrev, hq, dPre, dp, dhPrev, dhq);
        }
    }

    private static FloatVector load(MemorySegment s, long index) {
        return FloatVector.fromMemorySegment(S, s, index * Float.BYTES, NATIVE);
    }

    private static void store(FloatVector v, MemorySegment s, long index) {
        v.intoMemorySegment(s, index * Float.BYTES, NATIVE);
    }
}
