package dev.gatun.kernels.cell;

import dev.gatun.kernels.activation.Activations;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar twin of {@link PanamaClassicGruCell} (and its tail loops): the same arithmetic in the same order with the
 * scalar activations of {@link Activations}, so the two differ only by the activations' last-ulp differences.
 * Equations, phases and layouts in {@link ClassicGruCell}.
 */
final class ScalarClassicGruCell {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private ScalarClassicGruCell() {}

    static void forwardGates(int batch, int hidden,
                             MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                             MemorySegment hPrev, long hPrevOff, int ldPrev,
                             MemorySegment save, long saveOff, MemorySegment rh, long rhOff) {
        long gh = 3L * hidden;
        for (int b = 0; b < batch; b++) {
            forwardGatesRow(hidden, 0, xp, xpOff + b * gh, hp, hpOff + b * gh, hPrev, hPrevOff + (long) b * ldPrev,
                    save, saveOff + b * gh, rh, rhOff + (long) b * hidden);
        }
    }

    /** Elements [from, H) of one row; x, hr, s: bases of (3H) rows, hq, rr of (H) rows. */
    static void forwardGatesRow(int hidden, int from, MemorySegment xp, long x, MemorySegment hp, long hr,
                                MemorySegment hPrev, long hq, MemorySegment save, long s, MemorySegment rh, long rr) {
        for (int j = from; j < hidden; j++) {
            float r = Activations.sigmoid(xp.getAtIndex(F, x + j) + hp.getAtIndex(F, hr + j));
            float z = Activations.sigmoid(xp.getAtIndex(F, x + hidden + j) + hp.getAtIndex(F, hr + hidden + j));
            save.setAtIndex(F, s + j, r);
            save.setAtIndex(F, s + hidden + j, z);
            rh.setAtIndex(F, rr + j, r * hPrev.getAtIndex(F, hq + j));
        }
    }

    static void forwardCandidate(int batch, int hidden,
                                 MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                                 MemorySegment hPrev, long hPrevOff, int ldPrev,
                                 MemorySegment save, long saveOff,
                                 MemorySegment h, long hOff, int ldh) {
        long gh = 3L * hidden;
        for (int b = 0; b < batch; b++) {
            forwardCandidateRow(hidden, 0, xp, xpOff + b * gh, hp, hpOff + b * gh, hPrev,
                    hPrevOff + (long) b * ldPrev, save, saveOff + b * gh, h, hOff + (long) b * ldh);
        }
    }

    /** Elements [from, H) of one row; x, hr, s: bases of (3H) rows, hq, ho of (H) rows. */
    static void forwardCandidateRow(int hidden, int from, MemorySegment xp, long x, MemorySegment hp, long hr,
                                    MemorySegment hPrev, long hq, MemorySegment save, long s,
                                    MemorySegment h, long ho) {
        for (int j = from; j < hidden; j++) {
            float n = Activations.tanh(xp.getAtIndex(F, x + 2 * hidden + j) + hp.getAtIndex(F, hr + 2 * hidden + j));
            float z = save.getAtIndex(F, s + hidden + j);
            float ht = Math.fma(z, hPrev.getAtIndex(F, hq + j) - n, n);     // (1-z) n + z h_{t-1}
            save.setAtIndex(F, s + 2 * hidden + j, n);
            h.setAtIndex(F, ho + j, ht);
        }
    }

    static void backwardCandidate(int batch, int hidden,
                                  MemorySegment dh, long dhOff,
                                  MemorySegment save, long saveOff,
                                  MemorySegment hPrev, long hPrevOff, int ldPrev,
                                  MemorySegment dPre, long dPreOff, MemorySegment dhPrev, long dhPrevOff) {
        long gh = 3L * hidden;
        for (int b = 0; b < batch; b++) {
            long r = (long) b * hidden;
            backwardCandidateRow(hidden, 0, dh, dhOff + r, save, saveOff + b * gh, hPrev,
                    hPrevOff + (long) b * ldPrev, dPre, dPreOff + b * gh, dhPrev, dhPrevOff + r);
        }
    }

    /** Elements [from, H) of one row; s, dp: bases of (3H) rows, the others of (H) rows. */
    static void backwardCandidateRow(int hidden, int from, MemorySegment dh, long dhr, MemorySegment save, long s,
                                     MemorySegment hPrev, long hq, MemorySegment dPre, long dp,
                                     MemorySegment dhPrev, long dhq) {
        for (int j = from; j < hidden; j++) {
            float z = save.getAtIndex(F, s + hidden + j);
            float n = save.getAtIndex(F, s + 2 * hidden + j);
            float dht = dh.getAtIndex(F, dhr + j);
            float dN = dht * (1f - z);                                       // term 1
            float dZ = dht * (hPrev.getAtIndex(F, hq + j) - n);
            dPre.setAtIndex(F, dp + hidden + j, dZ * z * (1f - z));         // term 2
            dPre.setAtIndex(F, dp + 2 * hidden + j, dN * (1f - n * n));
            dhPrev.setAtIndex(F, dhq + j, dht * z);
        }
    }

    static void backwardGates(int batch, int hidden,
                              MemorySegment drh, long drhOff,
                              MemorySegment save, long saveOff,
                              MemorySegment hPrev, long hPrevOff, int ldPrev,
                              MemorySegment dPre, long dPreOff, MemorySegment dhPrev, long dhPrevOff) {
        long gh = 3L * hidden;
        for (int b = 0; b < batch; b++) {
            long r = (long) b * hidden;
            backwardGatesRow(hidden, 0, drh, drhOff + r, save, saveOff + b * gh, hPrev,
                    hPrevOff + (long) b * ldPrev, dPre, dPreOff + b * gh, dhPrev, dhPrevOff + r);
        }
    }

    /** Elements [from, H) of one row; s, dp: bases of (3H) rows, the others of (H) rows. */
    static void backwardGatesRow(int hidden, int from, MemorySegment drh, long dr, MemorySegment save, long s,
                                 MemorySegment hPrev, long hq, MemorySegment dPre, long dp,
                                 MemorySegment dhPrev, long dhq) {
        for (int j = from; j < hidden; j++) {
            float r = save.getAtIndex(F, s + j);
            float d = drh.getAtIndex(F, dr + j);
            dPre.setAtIndex(F, dp + j, d * hPrev.getAtIndex(F, hq + j) * r * (1f - r));   // term 3
            dhPrev.setAtIndex(F, dhq + j, Math.fma(d, r, dhPrev.getAtIndex(F, dhq + j)));
        }
    }
}
