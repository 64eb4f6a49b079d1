package dev.gatun.kernels.cell;

import dev.gatun.kernels.PanamaSpecies;
import dev.gatun.kernels.activation.PanamaActivations;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API GRU step (PyTorch form): per row, a vector body over H, then {@link ScalarGruCell} for the tail.
 * Equations and layouts in {@link GruCell}.
 * Nonlinearities run as in-place passes over the rows just written, and vector loads and stores are written out,
 * for the reasons given in {@link PanamaLstmCell}; the result is the scalar twin's bits.
 */
final class PanamaGruCell {
    private static final VectorSpecies<Float> S = PanamaSpecies.FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long F = Float.BYTES;

    private PanamaGruCell() {}

    static void forward(int batch, int hidden,
                        MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                        MemorySegment hPrev, long hPrevOff, int ldPrev,
                        MemorySegment save, long saveOff,
                        MemorySegment h, long hOff, int ldh) {
        long gh = 3L * hidden;
        long sw = 4L * hidden;
        int bound = S.loopBound(hidden);
        int l = S.length();
        for (int b = 0; b < batch; b++) {
            long x = xpOff + b * gh;                    // (3H) rows
            long hr = hpOff + b * gh;
            long s = saveOff + b * sw;                  // (4H) row: r, z, n, hn
            long hq = hPrevOff + (long) b * ldPrev;     // (H) rows
            long ho = hOff + (long) b * ldh;
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
            for (int j = 0; j < bound; j += l) {        // n pre-activation: x_n + r hn
                FloatVector r = FloatVector.fromMemorySegment(S, save, (s + j) * F, NATIVE);
                FloatVector hn = FloatVector.fromMemorySegment(S, hp, (hr + 2L * hidden + j) * F, NATIVE);
                hn.intoMemorySegment(save, (s + 3L * hidden + j) * F, NATIVE);
                r.fma(hn, FloatVector.fromMemorySegment(S, xp, (x + 2L * hidden + j) * F, NATIVE))
                        .intoMemorySegment(save, (s + 2L * hidden + j) * F, NATIVE);
            }
            PanamaActivations.tanh(save, s + 2L * hidden, bound);
            for (int j = 0; j < bound; j += l) {        // (1-z) n + z h_{t-1}; h may be hPrev
                FloatVector z = FloatVector.fromMemorySegment(S, save, (s + hidden + j) * F, NATIVE);
                FloatVector n = FloatVector.fromMemorySegment(S, save, (s + 2L * hidden + j) * F, NATIVE);
                z.fma(FloatVector.fromMemorySegment(S, hPrev, (hq + j) * F, NATIVE).sub(n), n)
                        .intoMemorySegment(h, (ho + j) * F, NATIVE);
            }
            ScalarGruCell.forwardRow(hidden, bound, xp, x, hp, hr, hPrev, hq, save, s, h, ho);
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
        int bound = S.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            long dhr = dhOff + (long) b * hidden;       // (H) rows
            long dhq = dhPrevOff + (long) b * hidden;
            long hq = hPrevOff + (long) b * ldPrev;
            long s = saveOff + b * sw;                  // (4H) row
            long dx = dxPreOff + b * gh;                // (3H) rows
            long dhp = dhPreOff + b * gh;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector one = FloatVector.broadcast(S, 1f);   // here, not hoisted: see PanamaLstmCell
                FloatVector r = FloatVector.fromMemorySegment(S, save, (s + j) * F, NATIVE);
                FloatVector z = FloatVector.fromMemorySegment(S, save, (s + hidden + j) * F, NATIVE);
                FloatVector n = FloatVector.fromMemorySegment(S, save, (s + 2 * hidden + j) * F, NATIVE);
                FloatVector hn = FloatVector.fromMemorySegment(S, save, (s + 3 * hidden + j) * F, NATIVE);
                FloatVector dht = FloatVector.fromMemorySegment(S, dh, (dhr + j) * F, NATIVE);
                FloatVector dN = dht.mul(one.sub(z));                           // term 1
                FloatVector dZ = dht.mul(FloatVector.fromMemorySegment(S, hPrev, (hq + j) * F, NATIVE).sub(n));
                FloatVector dNpre = dN.mul(one.sub(n.mul(n)));                  // term 2
                FloatVector dRpre = dNpre.mul(hn).mul(r).mul(one.sub(r));       // term 3
                FloatVector dZpre = dZ.mul(z).mul(one.sub(z));
                dRpre.intoMemorySegment(dxPre, (dx + j) * F, NATIVE);
                dZpre.intoMemorySegment(dxPre, (dx + hidden + j) * F, NATIVE);
                dNpre.intoMemorySegment(dxPre, (dx + 2 * hidden + j) * F, NATIVE);
                dRpre.intoMemorySegment(dhPre, (dhp + j) * F, NATIVE);
                dZpre.intoMemorySegment(dhPre, (dhp + hidden + j) * F, NATIVE);
                dNpre.mul(r).intoMemorySegment(dhPre, (dhp + 2 * hidden + j) * F, NATIVE);
                dht.mul(z).intoMemorySegment(dhPrev, (dhq + j) * F, NATIVE);
            }
            ScalarGruCell.backwardRow(hidden, j, dh, dhr, save, s, hPrev, hq, dxPre, dx, dhPre, dhp, dhPrev, dhq);
        }
    }
}
