package dev.gatun.kernels.cell;

import dev.gatun.kernels.PanamaSpecies;
import dev.gatun.kernels.activation.PanamaActivations;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API plain RNN step: per row, a vector body over H, then {@link ScalarRnnCell} for the tail. Equations
 * and layouts in {@link RnnCell}.
 */
final class PanamaRnnCell {
    private static final VectorSpecies<Float> S = PanamaSpecies.FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long F = Float.BYTES;

    private PanamaRnnCell() {}

    static void forward(boolean relu, int batch, int hidden,
                        MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                        MemorySegment h, long hOff, int ldh) {
        int bound = S.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            long x = xpOff + (long) b * hidden;
            long hr = hpOff + (long) b * hidden;
            long ho = hOff + (long) b * ldh;
            int j = 0;
            // Two loops, so the activation choice is not made per vector.
            if (relu) {
                for (; j < bound; j += S.length()) {
                    FloatVector.fromMemorySegment(S, xp, (x + j) * F, NATIVE)
                            .add(FloatVector.fromMemorySegment(S, hp, (hr + j) * F, NATIVE))
                            .max(0f).intoMemorySegment(h, (ho + j) * F, NATIVE);
                }
            } else {                                // the sum into h, then tanh in place (see PanamaLstmCell)
                for (; j < bound; j += S.length()) {
                    FloatVector.fromMemorySegment(S, xp, (x + j) * F, NATIVE)
                            .add(FloatVector.fromMemorySegment(S, hp, (hr + j) * F, NATIVE))
                            .intoMemorySegment(h, (ho + j) * F, NATIVE);
                }
                PanamaActivations.tanh(h, ho, bound);
            }
            ScalarRnnCell.forwardRow(relu, hidden, j, xp, x, hp, hr, h, ho);
        }
    }

    static void backward(boolean relu, int batch, int hidden,
                         MemorySegment dh, long dhOff, MemorySegment h, long hOff, int ldh,
                         MemorySegment dPre, long dPreOff) {
        int bound = S.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            long dhr = dhOff + (long) b * hidden;
            long ho = hOff + (long) b * ldh;
            long dp = dPreOff + (long) b * hidden;
            int j = 0;
            if (relu) {
                for (; j < bound; j += S.length()) {
                    FloatVector ht = FloatVector.fromMemorySegment(S, h, (ho + j) * F, NATIVE);
                    FloatVector dht = FloatVector.fromMemorySegment(S, dh, (dhr + j) * F, NATIVE);
                    FloatVector.zero(S).blend(dht, ht.compare(VectorOperators.GT, 0f))
                            .intoMemorySegment(dPre, (dp + j) * F, NATIVE);
                }
            } else {
                for (; j < bound; j += S.length()) {
                    FloatVector ht = FloatVector.fromMemorySegment(S, h, (ho + j) * F, NATIVE);
                    FloatVector one = FloatVector.broadcast(S, 1f);   // here, not hoisted: see PanamaLstmCell
                    FloatVector.fromMemorySegment(S, dh, (dhr + j) * F, NATIVE).mul(one.sub(ht.mul(ht)))
                            .intoMemorySegment(dPre, (dp + j) * F, NATIVE);
                }
            }
            ScalarRnnCell.backwardRow(relu, hidden, j, dh, dhr, h, ho, dPre, dp);
        }
    }
}
