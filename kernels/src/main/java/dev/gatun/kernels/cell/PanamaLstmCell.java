package dev.gatun.kernels.cell;

import dev.gatun.kernels.PanamaSpecies;
import dev.gatun.kernels.activation.PanamaActivations;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API LSTM step: per row, vector passes over the first {@code loopBound(H)} units, then
 * {@link ScalarLstmCell} for the tail. Equations and layouts in {@link LstmCell}.
 *
 * <p>The nonlinearities run as in-place passes ({@link PanamaActivations}' loops) over rows the kernel has just
 * written: the gate pre-activation sums into {@code gates}, c_t into {@code h} before {@code tanh} and the product
 * with o. Inlined into one loop body, five polynomial activations would blow C2's inlining budget and box every
 * vector; as passes over data still in L1 they cost a reload each. Vector loads and stores are written out (no
 * helper methods that take or return vectors, which C2 may decline to inline). Vector constants (the 1 of
 * {@code 1 - x}) are made inside the vector loops, not hoisted above the batch loop: when H is less than one vector
 * the loop never runs, and C2 then kept the hoisted constant boxed, one allocation per call (measured by
 * {@code StackAllocationTest} at H = 12); inside the loop C2 hoists it itself. Every operation is the scalar twin's,
 * so the result is the same bits as {@link ScalarLstmCell}.
 */
final class PanamaLstmCell {
    private static final VectorSpecies<Float> S = PanamaSpecies.FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long F = Float.BYTES;

    private PanamaLstmCell() {}

    static void forward(int batch, int hidden,
                        MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                        MemorySegment cPrev, long cPrevOff,
                        MemorySegment gates, long gatesOff, MemorySegment c, long cOff,
                        MemorySegment h, long hOff, int ldh) {
        long gh = 4L * hidden;
        int bound = S.loopBound(hidden);
        int l = S.length();
        for (int b = 0; b < batch; b++) {
            long x = xpOff + b * gh;                // (4H) rows
            long hr = hpOff + b * gh;
            long g = gatesOff + b * gh;
            long cp = cPrevOff + (long) b * hidden; // (H) rows
            long cn = cOff + (long) b * hidden;
            long ho = hOff + (long) b * ldh;
            for (int q = 0; q < 4; q++) {           // pre-activation sums of gate q
                long o = (long) q * hidden;
                for (int j = 0; j < bound; j += l) {
                    FloatVector.fromMemorySegment(S, xp, (x + o + j) * F, NATIVE)
                            .add(FloatVector.fromMemorySegment(S, hp, (hr + o + j) * F, NATIVE))
                            .intoMemorySegment(gates, (g + o + j) * F, NATIVE);
                }
            }
            PanamaActivations.sigmoid(gates, g, bound);
            PanamaActivations.sigmoid(gates, g + hidden, bound);
            PanamaActivations.tanh(gates, g + 2L * hidden, bound);
            PanamaActivations.sigmoid(gates, g + 3L * hidden, bound);
            for (int j = 0; j < bound; j += l) {    // c_t = f c_{t-1} + i g, also into h for tanh
                FloatVector ig = FloatVector.fromMemorySegment(S, gates, (g + j) * F, NATIVE);
                FloatVector fg = FloatVector.fromMemorySegment(S, gates, (g + hidden + j) * F, NATIVE);
                FloatVector gg = FloatVector.fromMemorySegment(S, gates, (g + 2L * hidden + j) * F, NATIVE);
                FloatVector ct = fg.fma(FloatVector.fromMemorySegment(S, cPrev, (cp + j) * F, NATIVE), ig.mul(gg));
                ct.intoMemorySegment(c, (cn + j) * F, NATIVE);
                ct.intoMemorySegment(h, (ho + j) * F, NATIVE);
            }
            PanamaActivations.tanh(h, ho, bound);
            for (int j = 0; j < bound; j += l) {    // h_t = o tanh(c_t)
                FloatVector og = FloatVector.fromMemorySegment(S, gates, (g + 3L * hidden + j) * F, NATIVE);
                og.mul(FloatVector.fromMemorySegment(S, h, (ho + j) * F, NATIVE))
                        .intoMemorySegment(h, (ho + j) * F, NATIVE);
            }
            ScalarLstmCell.forwardRow(hidden, bound, xp, x, hp, hr, cPrev, cp, gates, g, c, cn, h, ho);
        }
    }

    static void backward(int batch, int hidden,
                         MemorySegment dh, long dhOff, MemorySegment dc, long dcOff,
                         MemorySegment gates, long gatesOff, MemorySegment c, long cOff,
                         MemorySegment cPrev, long cPrevOff,
                         MemorySegment dPre, long dPreOff, MemorySegment dcPrev, long dcPrevOff) {
        long gh = 4L * hidden;
        int bound = S.loopBound(hidden);
        int l = S.length();
        for (int b = 0; b < batch; b++) {
            long r = (long) b * hidden;             // (H) rows
            long dhr = dhOff + r;
            long dcr = dcOff + r;
            long cr = cOff + r;
            long cp = cPrevOff + r;
            long dcp = dcPrevOff + r;
            long g = gatesOff + b * gh;             // (4H) rows
            long dp = dPreOff + b * gh;
            long tc = dp + 3L * hidden;             // tanh(c_t) parks in dPre's o slot until dO replaces it
            MemorySegment.copy(c, cr * F, dPre, tc * F, bound * F);
            PanamaActivations.tanh(dPre, tc, bound);
            for (int j = 0; j < bound; j += l) {
                FloatVector one = FloatVector.broadcast(S, 1f);   // here, not hoisted: see the class doc
                FloatVector ig = FloatVector.fromMemorySegment(S, gates, (g + j) * F, NATIVE);
                FloatVector fg = FloatVector.fromMemorySegment(S, gates, (g + hidden + j) * F, NATIVE);
                FloatVector gg = FloatVector.fromMemorySegment(S, gates, (g + 2L * hidden + j) * F, NATIVE);
                FloatVector og = FloatVector.fromMemorySegment(S, gates, (g + 3L * hidden + j) * F, NATIVE);
                FloatVector t = FloatVector.fromMemorySegment(S, dPre, (tc + j) * F, NATIVE);
                FloatVector dht = FloatVector.fromMemorySegment(S, dh, (dhr + j) * F, NATIVE);
                FloatVector dO = dht.mul(t);                                            // term 1
                FloatVector dC = dht.mul(og).fma(one.sub(t.mul(t)),
                        FloatVector.fromMemorySegment(S, dc, (dcr + j) * F, NATIVE));    // term 2
                FloatVector dI = dC.mul(gg);                                            // term 3
                FloatVector dF = dC.mul(FloatVector.fromMemorySegment(S, cPrev, (cp + j) * F, NATIVE));
                FloatVector dG = dC.mul(ig);
                dI.mul(ig).mul(one.sub(ig)).intoMemorySegment(dPre, (dp + j) * F, NATIVE);  // term 4
                dF.mul(fg).mul(one.sub(fg)).intoMemorySegment(dPre, (dp + hidden + j) * F, NATIVE);
                dG.mul(one.sub(gg.mul(gg))).intoMemorySegment(dPre, (dp + 2L * hidden + j) * F, NATIVE);
                dO.mul(og).mul(one.sub(og)).intoMemorySegment(dPre, (tc + j) * F, NATIVE);
                dC.mul(fg).intoMemorySegment(dcPrev, (dcp + j) * F, NATIVE);
            }
            ScalarLstmCell.backwardRow(hidden, bound, dh, dhr, dc, dcr, gates, g, c, cr, cPrev, cp, dPre, dp,
                    dcPrev, dcp);
        }
    }
}
