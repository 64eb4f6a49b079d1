package dev.gatun.kernels.cell;

import dev.gatun.kernels.activation.Activations;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar twin of {@link PanamaRnnCell} (and its tail loop): the same arithmetic in the same order with the scalar
 * activations of {@link Activations}, so the two differ only by the activations' last-ulp differences. Equations and
 * layouts in {@link RnnCell}.
 */
final class ScalarRnnCell {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private ScalarRnnCell() {}

    static void forward(boolean relu, int batch, int hidden,
                        MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                        MemorySegment h, long hOff, int ldh) {
        for (int b = 0; b < batch; b++) {
            long r = (long) b * hidden;
            forwardRow(relu, hidden, 0, xp, xpOff + r, hp, hpOff + r, h, hOff + (long) b * ldh);
        }
    }

    /** Elements [from, H) of one row; x, hr, ho: row bases. */
    static void forwardRow(boolean relu, int hidden, int from, MemorySegment xp, long x, MemorySegment hp, long hr,
                           MemorySegment h, long ho) {
        for (int j = from; j < hidden; j++) {
            float a = xp.getAtIndex(F, x + j) + hp.getAtIndex(F, hr + j);
            h.setAtIndex(F, ho + j, relu ? Activations.relu(a) : Activations.tanh(a));
        }
    }

    static void backward(boolean relu, int batch, int hidden,
                         MemorySegment dh, long dhOff, MemorySegment h, long hOff, int ldh,
                         MemorySegment dPre, long dPreOff) {
        for (int b = 0; b < batch; b++) {
            long r = (long) b * hidden;
            backwardRow(relu, hidden, 0, dh, dhOff + r, h, hOff + (long) b * ldh, dPre, dPreOff + r);
        }
    }

    /** Elements [from, H) of one row; dhr, ho, dp: row bases. */
    static void backwardRow(boolean relu, int hidden, int from, MemorySegment dh, long dhr, MemorySegment h, long ho,
                            MemorySegment dPre, long dp) {
        for (int j = from; j < hidden; j++) {
            float d = dh.getAtIndex(F, dhr + j);
            float ht = h.getAtIndex(F, ho + j);
            dPre.setAtIndex(F, dp + j, relu ? (ht > 0f ? d : 0f) : d * (1f - ht * ht));
        }
    }
}
