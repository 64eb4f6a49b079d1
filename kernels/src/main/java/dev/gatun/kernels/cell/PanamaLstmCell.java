package dev.gatun.kernels.cell;

import static dev.gatun.kernels.activation.PanamaActivations.sigmoid;
import static dev.gatun.kernels.activation.PanamaActivations.tanh;

import dev.gatun.kernels.PanamaSpecies;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API LSTM step: per row, a vector body over H, then {@link ScalarLstmCell} for the tail. Equations and
 * layouts in {@link LstmCell}.
 */
final class PanamaLstmCell {
    private static final VectorSpecies<Float> S = PanamaSpecies.FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private PanamaLstmCell() {}

    static void forward(int batch, int hidden,
                        MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                        MemorySegment cPrev, long cPrevOff,
                        MemorySegment gates, long gatesOff, MemorySegment c, long cOff,
                        MemorySegment h, long hOff, int ldh) {
        long gh = 4L * hidden;
        int bound = S.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            long x = xpOff + b * gh;                // (4H) rows
            long hr = hpOff + b * gh;
            long g = gatesOff + b * gh;
            long cp = cPrevOff + (long) b * hidden; // (H) rows
            long cn = cOff + (long) b * hidden;
            long ho = hOff + (long) b * ldh;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector ig = sigmoid(load(xp, x + j).add(load(hp, hr + j)));
                FloatVector fg = sigmoid(load(xp, x + hidden + j).add(load(hp, hr + hidden + j)));
                FloatVector gg = tanh(load(xp, x + 2 * hidden + j).add(load(hp, hr + 2 * hidden + j)));
                FloatVector og = sigmoid(load(xp, x + 3 * hidden + j).add(load(hp, hr + 3 * hidden + j)));
                FloatVector ct = fg.fma(load(cPrev, cp + j), ig.mul(gg));
                FloatVector ht = og.mul(tanh(ct));
                store(ig, gates, g + j);
                store(fg, gates, g + hidden + j);
                store(gg, gates, g + 2 * hidden + j);
                store(og, gates, g + 3 * hidden + j);
                store(ct, c, cn + j);
                store(ht, h, ho + j);
            }
            ScalarLstmCell.forwardRow(hidden, j, xp, x, hp, hr, cPrev, cp, gates, g, c, cn, h, ho);
        }
    }

    static void backward(int batch, int hidden,
                         MemorySegment dh, long dhOff, MemorySegment dc, long dcOff,
                         MemorySegment gates, long gatesOff, MemorySegment c, long cOff,
                         MemorySegment cPrev, long cPrevOff,
                         MemorySegment dPre, long dPreOff, MemorySegment dcPrev, long dcPrevOff) {
        long gh = 4L * hidden;
        int bound = S.loopBound(hidden);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int b = 0; b < batch; b++) {
            long r = (long) b * hidden;             // (H) rows
            long dhr = dhOff + r;
            long dcr = dcOff + r;
            long cr = cOff + r;
            long cp = cPrevOff + r;
            long dcp = dcPrevOff + r;
            long g = gatesOff + b * gh;             // (4H) rows
            long dp = dPreOff + b * gh;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector ig = load(gates, g + j);
                FloatVector fg = load(gates, g + hidden + j);
                FloatVector gg = load(gates, g + 2 * hidden + j);
                FloatVector og = load(gates, g + 3 * hidden + j);
                FloatVector tc = tanh(load(c, cr + j));
                FloatVector dht = load(dh, dhr + j);
                FloatVector dO = dht.mul(tc);                                          // term 1
                FloatVector dC = dht.mul(og).fma(one.sub(tc.mul(tc)), load(dc, dcr + j)); // term 2
                FloatVector dI = dC.mul(gg);                                           // term 3
                FloatVector dF = dC.mul(load(cPrev, cp + j));
                FloatVector dG = dC.mul(ig);
                store(dI.mul(ig).mul(one.sub(ig)), dPre, dp + j);                      // term 4
                store(dF.mul(fg).mul(one.sub(fg)), dPre, dp + hidden + j);
                store(dG.mul(one.sub(gg.mul(gg))), dPre, dp + 2 * hidden + j);
                store(dO.mul(og).mul(one.sub(og)), dPre, dp + 3 * hidden + j);
                store(dC.mul(fg), dcPrev, dcp + j);
            }
            ScalarLstmCell.backwardRow(hidden, j, dh, dhr, dc, dcr, gates, g, c, cr, cPrev, cp, dPre, dp,
                    dcPrev, dcp);
        }
    }

    private static FloatVector load(MemorySegment s, long index) {
        return FloatVector.fromMemorySegment(S, s, index * Float.BYTES, NATIVE);
    }

    private static void store(FloatVector v, MemorySegment s, long index) {
        v.intoMemorySegment(s, index * Float.BYTES, NATIVE);
    }
}
