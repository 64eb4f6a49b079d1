package dev.gatun.kernels.cell;

import dev.gatun.kernels.activation.Activations;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar twin of {@link PanamaLstmCell} (and its tail loop): the same arithmetic in the same order with the scalar
 * activations of {@link Activations}, so the two differ only by the activations' last-ulp differences. Equations and
 * layouts in {@link LstmCell}. Offsets in floats; row bases are precomputed by the caller of the {@code ...Row}
 * methods.
 */
final class ScalarLstmCell {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private ScalarLstmCell() {}

    static void forward(int batch, int hidden,
                        MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                        MemorySegment cPrev, long cPrevOff,
                        MemorySegment gates, long gatesOff, MemorySegment c, long cOff,
                        MemorySegment h, long hOff, int ldh) {
        long gh = 4L * hidden;
        for (int b = 0; b < batch; b++) {
            forwardRow(hidden, 0, xp, xpOff + b * gh, hp, hpOff + b * gh, cPrev, cPrevOff + (long) b * hidden,
                    gates, gatesOff + b * gh, c, cOff + (long) b * hidden, h, hOff + (long) b * ldh);
        }
    }

    /** Elements [from, H) of one row; x, hr, g: row bases of (4H) rows, cp, cn, ho: of (H) rows. */
    static void forwardRow(int hidden, int from, MemorySegment xp, long x, MemorySegment hp, long hr,
                           MemorySegment cPrev, long cp, MemorySegment gates, long g,
                           MemorySegment c, long cn, MemorySegment h, long ho) {
        for (int j = from; j < hidden; j++) {
            float ig = Activations.sigmoid(xp.getAtIndex(F, x + j) + hp.getAtIndex(F, hr + j));
            float fg = Activations.sigmoid(xp.getAtIndex(F, x + hidden + j) + hp.getAtIndex(F, hr + hidden + j));
            float gg = Activations.tanh(xp.getAtIndex(F, x + 2 * hidden + j) + hp.getAtIndex(F, hr + 2 * hidden + j));
            float og = Activations.sigmoid(xp.getAtIndex(F, x + 3 * hidden + j) + hp.getAtIndex(F, hr + 3 * hidden + j));
            float ct = Math.fma(fg, cPrev.getAtIndex(F, cp + j), ig * gg);
            float ht = og * Activations.tanh(ct);
            gates.setAtIndex(F, g + j, ig);
            gates.setAtIndex(F, g + hidden + j, fg);
            gates.setAtIndex(F, g + 2 * hidden + j, gg);
            gates.setAtIndex(F, g + 3 * hidden + j, og);
            c.setAtIndex(F, cn + j, ct);
            h.setAtIndex(F, ho + j, ht);
        }
    }

    static void backward(int batch, int hidden,
                         MemorySegment dh, long dhOff, MemorySegment dc, long dcOff,
                         MemorySegment gates, long gatesOff, MemorySegment c, long cOff,
                         MemorySegment cPrev, long cPrevOff,
                         MemorySegment dPre, long dPreOff, MemorySegment dcPrev, long dcPrevOff) {
        long gh = 4L * hidden;
        for (int b = 0; b < batch; b++) {
            long r = (long) b * hidden;
            backwardRow(hidden, 0, dh, dhOff + r, dc, dcOff + r, gates, gatesOff + b * gh, c, cOff + r,
                    cPrev, cPrevOff + r, dPre, dPreOff + b * gh, dcPrev, dcPrevOff + r);
        }
    }

    /** Elements [from, H) of one row; g, dp: row bases of (4H) rows, the others of (H) rows. */
    static void backwardRow(int hidden, int from, MemorySegment dh, long dhr, MemorySegment dc, long dcr,
                            MemorySegment gates, long g, MemorySegment c, long cr, MemorySegment cPrev, long cp,
                            MemorySegment dPre, long dp, MemorySegment dcPrev, long dcp) {
        for (int j = from; j < hidden; j++) {
            float ig = gates.getAtIndex(F, g + j);
            float fg = gates.getAtIndex(F, g + hidden + j);
            float gg = gates.getAtIndex(F, g + 2 * hidden + j);
            float og = gates.getAtIndex(F, g + 3 * hidden + j);
            float tc = Activations.tanh(c.getAtIndex(F, cr + j));
            float dht = dh.getAtIndex(F, dhr + j);
            float dO = dht * tc;                                                      // term 1
            float dC = Math.fma(dht * og, 1f - tc * tc, dc.getAtIndex(F, dcr + j));   // term 2
            float dI = dC * gg;                                                       // term 3
            float dF = dC * cPrev.getAtIndex(F, cp + j);
            float dG = dC * ig;
            dPre.setAtIndex(F, dp + j, dI * ig * (1f - ig));                          // term 4
            dPre.setAtIndex(F, dp + hidden + j, dF * fg * (1f - fg));
            dPre.setAtIndex(F, dp + 2 * hidden + j, dG * (1f - gg * gg));
            dPre.setAtIndex(F, dp + 3 * hidden + j, dO * og * (1f - og));
            dcPrev.setAtIndex(F, dcp + j, dC * fg);
        }
    }
}
