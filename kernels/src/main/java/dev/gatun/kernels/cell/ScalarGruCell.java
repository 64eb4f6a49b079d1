package dev.gatun.kernels.cell;

import dev.gatun.kernels.activation.Activations;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar twin of {@link PanamaGruCell} (and its tail loop): the same arithmetic in the same order with the scalar
 * activations of {@link Activations}, so the two differ only by the activations' last-ulp differences. Equations and
 * layouts in {@link GruCell}.
 */
final class ScalarGruCell {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private ScalarGruCell() {}

    static void forward(int batch, int hidden,
                        MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                        MemorySegment hPrev, long hPrevOff, int ldPrev,
                        MemorySegment save, long saveOff,
                        MemorySegment h, long hOff, int ldh) {
        long gh = 3L * hidden;
        long sw = 4L * hidden;
        for (int b = 0; b < batch; b++) {
            forwardRow(hidden, 0, xp, xpOff + b * gh, hp, hpOff + b * gh, hPrev, hPrevOff + (long) b * ldPrev,
                    save, saveOff + b * sw, h, hOff + (long) b * ldh);
        }
    }

    /** Elements [from, H) of one row; x, hr: bases of (3H) rows, s of a (4H) row, hq, ho of (H) rows. */
    static void forwardRow(int hidden, int from, MemorySegment xp, long x, MemorySegment hp, long hr,
                           MemorySegment hPrev, long hq, MemorySegment save, long s, MemorySegment h, long ho) {
        for (int j = from; j < hidden; j++) {
            float r = Activations.sigmoid(xp.getAtIndex(F, x + j) + hp.getAtIndex(F, hr + j));
            float z = Activations.sigmoid(xp.getAtIndex(F, x + hidden + j) + hp.getAtIndex(F, hr + hidden + j));
            float hn = hp.getAtIndex(F, hr + 2 * hidden + j);
            float n = Activations.tanh(Math.fma(r, hn, xp.getAtIndex(F, x + 2 * hidden + j)));
            float ht = Math.fma(z, hPrev.getAtIndex(F, hq + j) - n, n);     // (1-z) n + z h_{t-1}
            save.setAtIndex(F, s + j, r);
            save.setAtIndex(F, s + hidden + j, z);
            save.setAtIndex(F, s + 2 * hidden + j, n);
            save.setAtIndex(F, s + 3 * hidden + j, hn);
            h.setAtIndex(F, ho + j, ht);
        }
    }

    static void backward(int batch, int hidden,
                         MemorySegment dh, long dhOff,
                         MemorySegment save, long saveOff,
                         MemorySegment hPrev, long hPrevOff, int ldPrev,
                         MemorySegment dxPre, long dxPreOff, MemorySegment dhPre, long dhPreOff,
                         MemorySegment dhPrev, long dhPrevOff) {
        long gh = 3L * hidden;
        long sw = 4L * hidden;
        for (int b = 0; b < batch; b++) {
            long r = (long) b * hidden;
            backwardRow(hidden, 0, dh, dhOff + r, save, saveOff + b * sw, hPrev, hPrevOff + (long) b * ldPrev,
                    dxPre, dxPreOff + b * gh, dhPre, dhPreOff + b * gh, dhPrev, dhPrevOff + r);
        }
    }

    /** Elements [from, H) of one row; s: base of a (4H) row, dx, dhp of (3H) rows, the others of (H) rows. */
    static void backwardRow(int hidden, int from, MemorySegment dh, long dhr, MemorySegment save, long s,
                            MemorySegment hPrev, long hq, MemorySegment dxPre, long dx, MemorySegment dhPre, long dhp,
                            MemorySegment dhPrev, long dhq) {
        for (int j = from; j < hidden; j++) {
            float r = save.getAtIndex(F, s + j);
            float z = save.getAtIndex(F, s + hidden + j);
            float n = save.getAtIndex(F, s + 2 * hidden + j);
            float hn = save.getAtIndex(F, s + 3 * hidden + j);
            float dht = dh.getAtIndex(F, dhr + j);
            float dN = dht * (1f - z);                                   // term 1
            float dZ = dht * (hPrev.getAtIndex(F, hq + j) - n);
            float dNpre = dN * (1f - n * n);                             // term 2
            float dRpre = dNpre * hn * r * (1f - r);                     // term 3
            float dZpre = dZ * z * (1f - z);
            dxPre.setAtIndex(F, dx + j, dRpre);
            dxPre.setAtIndex(F, dx + hidden + j, dZpre);
            dxPre.setAtIndex(F, dx + 2 * hidden + j, dNpre);
            dhPre.setAtIndex(F, dhp + j, dRpre);
            dhPre.setAtIndex(F, dhp + hidden + j, dZpre);
            dhPre.setAtIndex(F, dhp + 2 * hidden + j, dNpre * r);
            dhPrev.setAtIndex(F, dhq + j, dht * z);
        }
    }
}
