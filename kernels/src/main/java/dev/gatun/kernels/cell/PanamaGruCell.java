package dev.gatun.kernels.cell;

import static dev.gatun.kernels.activation.PanamaActivations.sigmoid;
import static dev.gatun.kernels.activation.PanamaActivations.tanh;

import dev.gatun.kernels.PanamaSpecies;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API GRU step (PyTorch form): per row, a vector body over H, then {@link ScalarGruCell} for the tail.
 * Equations and layouts in {@link GruCell}.
 */
final class PanamaGruCell {
    private static final VectorSpecies<Float> S = PanamaSpecies.FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private PanamaGruCell() {}

    static void forward(int batch, int hidden,
                        MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                        MemorySegment hPrev, long hPrevOff, int ldPrev,
                        MemorySegment save, long saveOff,
                        MemorySegment h, long hOff, int ldh) {
        long gh = 3L * hidden;
        long sw = 4L * hidden;
        int bound = S.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            long x = xpOff + b * gh;                    // (3H) rows
            long hr = hpOff + b * gh;
            long s = saveOff + b * sw;                  // (4H) row
            long hq = hPrevOff + (long) b * ldPrev;     // (H) rows
            long ho = hOff + (long) b * ldh;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector r = sigmoid(load(xp, x + j).add(load(hp, hr + j)));
                FloatVector z = sigmoid(load(xp, x + hidden + j).add(load(hp, hr + hidden + j)));
                FloatVector hn = load(hp, hr + 2 * hidden + j);
                FloatVector n = tanh(r.fma(hn, load(xp, x + 2 * hidden + j)));
                FloatVector ht = z.fma(load(hPrev, hq + j).sub(n), n);          // (1-z) n + z h_{t-1}
                store(r, save, s + j);
                store(z, save, s + hidden + j);
                store(n, save, s + 2 * hidden + j);
                store(hn, save, s + 3 * hidden + j);
                store(ht, h, ho + j);
            }
            ScalarGruCell.forwardRow(hidden, j, xp, x, hp, hr, hPrev, hq, save, s, h, ho);
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
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int b = 0; b < batch; b++) {
            long dhr = dhOff + (long) b * hidden;       // (H) rows
            long dhq = dhPrevOff + (long) b * hidden;
            long hq = hPrevOff + (long) b * ldPrev;
            long s = saveOff + b * sw;                  // (4H) row
            long dx = dxPreOff + b * gh;                // (3H) rows
            long dhp = dhPreOff + b * gh;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector r = load(save, s + j);
                FloatVector z = load(save, s + hidden + j);
                FloatVector n = load(save, s + 2 * hidden + j);
                FloatVector hn = load(save, s + 3 * hidden + j);
                FloatVector dht = load(dh, dhr + j);
                FloatVector dN = dht.mul(one.sub(z));                           // term 1
                FloatVector dZ = dht.mul(load(hPrev, hq + j).sub(n));
                FloatVector dNpre = dN.mul(one.sub(n.mul(n)));                  // term 2
                FloatVector dRpre = dNpre.mul(hn).mul(r).mul(one.sub(r));       // term 3
                FloatVector dZpre = dZ.mul(z).mul(one.sub(z));
                store(dRpre, dxPre, dx + j);
                store(dZpre, dxPre, dx + hidden + j);
                store(dNpre, dxPre, dx + 2 * hidden + j);
                store(dRpre, dhPre, dhp + j);
                store(dZpre, dhPre, dhp + hidden + j);
                store(dNpre.mul(r), dhPre, dhp + 2 * hidden + j);
                store(dht.mul(z), dhPrev, dhq + j);
            }
            ScalarGruCell.backwardRow(hidden, j, dh, dhr, save, s, hPrev, hq, dxPre, dx, dhPre, dhp, dhPrev, dhq);
        }
    }

    private static FloatVector load(MemorySegment s, long index) {
        return FloatVector.fromMemorySegment(S, s, index * Float.BYTES, NATIVE);
    }

    private static void store(FloatVector v, MemorySegment s, long index) {
        v.intoMemorySegment(s, index * Float.BYTES, NATIVE);
    }
}
