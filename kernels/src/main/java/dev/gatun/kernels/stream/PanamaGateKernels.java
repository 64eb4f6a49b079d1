package dev.gatun.kernels.stream;

import dev.gatun.kernels.PanamaSpecies;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The k loops of the streaming step, output-stationary: the gate accumulators of one to four blocks (L units each)
 * stay in registers while the blocks' packed weights stream past once; per k one broadcast of v[k] and G fused
 * multiply-adds per block, no horizontal reduction. Accumulators start from and end in the gates scratch.
 *
 * <p>fp32 adds the k terms in order, two LSTM or GRU blocks per pass (8 and 6 independent accumulators hide the
 * 4-cycle FMA latency), eight one-gate blocks (then four, then one). bf16 keeps two partial sums per accumulator,
 * even k starting from the
 * initial value and odd k from zero, added at the end: each weight vector also costs an integer op, and with a
 * single sum per gate the two dependent FMAs of a k pair would leave the loop latency-bound at half its port limit.
 * bf16 runs one LSTM or GRU block per pass: two would not fit C2's inlining budget (see {@link PanamaStreamKernels}).
 *
 * <p>Arguments: {@code w} the main panel; {@code xa}, {@code ha} the first block's byte offsets in its W_ih and W_hh
 * parts, {@code xs}, {@code hs} the bytes from one block to the next in each part; {@code v} the state, {@code vx},
 * {@code vh} the indices of x and h, {@code kx}, {@code kh} their k counts (even; kx = 0 skips the x range);
 * {@code g} the scratch, {@code ga} the first block's index in slot 0, {@code row} floats between slots, the next
 * block one vector further. LSTM slots: i 0, f 1, o 2, g 3. One loop body serves both ranges (r = 0: x, r = 1: h):
 * two copies would not fit C2's inlining budget.
 *
 * <p>bf16 panels hold two gate vectors per int vector; {@code word << 16} widens the low half and
 * {@code word & 0xFFFF0000} the high half, so one 64-byte load feeds two FMAs with two integer ops and no shuffle.
 */
final class PanamaGateKernels {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    private static final VectorSpecies<Integer> I32 = F.withLanes(int.class);
    private static final int L = F.length();
    private static final long V = F.vectorByteSize();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private PanamaGateKernels() {}

    // ---- LSTM ---------------------------------------------------------------------------------------------------

    static void lstm2F32(MemorySegment w, long xa, long xs, long ha, long hs, float[] v, int vx, int kx, int vh,
            int kh, float[] g, int ga, int row) {
        int gb = ga + L;
        FloatVector ai = FloatVector.fromArray(F, g, ga);
        FloatVector af = FloatVector.fromArray(F, g, ga + row);
        FloatVector ag = FloatVector.fromArray(F, g, ga + 3 * row);
        FloatVector ao = FloatVector.fromArray(F, g, ga + 2 * row);
        FloatVector bi = FloatVector.fromArray(F, g, gb);
        FloatVector bf = FloatVector.fromArray(F, g, gb + row);
        FloatVector bg = FloatVector.fromArray(F, g, gb + 3 * row);
        FloatVector bo = FloatVector.fromArray(F, g, gb + 2 * row);
        long perK = 4 * V;
        for (int r = 0; r < 2; r++) {
            long pa = r == 0 ? xa : ha;
            long pb = pa + (r == 0 ? xs : hs);
            int vb = r == 0 ? vx : vh;
            int n = r == 0 ? kx : kh;
            for (int k = 0; k < n; k++) {
                FloatVector x = FloatVector.broadcast(F, v[vb + k]);
                long p = pa + k * perK;
                long q = pb + k * perK;
                ai = FloatVector.fromMemorySegment(F, w, p, ORDER).fma(x, ai);
                af = FloatVector.fromMemorySegment(F, w, p + V, ORDER).fma(x, af);
                ag = FloatVector.fromMemorySegment(F, w, p + 2 * V, ORDER).fma(x, ag);
                ao = FloatVector.fromMemorySegment(F, w, p + 3 * V, ORDER).fma(x, ao);
                bi = FloatVector.fromMemorySegment(F, w, q, ORDER).fma(x, bi);
                bf = FloatVector.fromMemorySegment(F, w, q + V, ORDER).fma(x, bf);
                bg = FloatVector.fromMemorySegment(F, w, q + 2 * V, ORDER).fma(x, bg);
                bo = FloatVector.fromMemorySegment(F, w, q + 3 * V, ORDER).fma(x, bo);
            }
        }
        ai.intoArray(g, ga);
        af.intoArray(g, ga + row);
        ag.intoArray(g, ga + 3 * row);
        ao.intoArray(g, ga + 2 * row);
        bi.intoArray(g, gb);
        bf.intoArray(g, gb + row);
        bg.intoArray(g, gb + 3 * row);
        bo.intoArray(g, gb + 2 * row);
    }

    static void lstm1F32(MemorySegment w, long xa, long ha, float[] v, int vx, int kx, int vh, int kh, float[] g,
            int ga, int row) {
        FloatVector ai = FloatVector.fromArray(F, g, ga);
        FloatVector af = FloatVector.fromArray(F, g, ga + row);
        FloatVector ag = FloatVector.fromArray(F, g, ga + 3 * row);
        FloatVector ao = FloatVector.fromArray(F, g, ga + 2 * row);
        long perK = 4 * V;
        for (int r = 0; r < 2; r++) {
            long pa = r == 0 ? xa : ha;
            int vb = r == 0 ? vx : vh;
            int n = r == 0 ? kx : kh;
            for (int k = 0; k < n; k++) {
                FloatVector x = FloatVector.broadcast(F, v[vb + k]);
                long p = pa + k * perK;
                ai = FloatVector.fromMemorySegment(F, w, p, ORDER).fma(x, ai);
                af = FloatVector.fromMemorySegment(F, w, p + V, ORDER).fma(x, af);
                ag = FloatVector.fromMemorySegment(F, w, p + 2 * V, ORDER).fma(x, ag);
                ao = FloatVector.fromMemorySegment(F, w, p + 3 * V, ORDER).fma(x, ao);
            }
        }
        ai.intoArray(g, ga);
        af.intoArray(g, ga + row);
        ag.intoArray(g, ga + 3 * row);
        ao.intoArray(g, ga + 2 * row);
    }

    // Per k pair: words (i_k|f_k), (g_k|o_k), (i_k+1|f_k+1), (g_k+1|o_k+1), low half first; k into *, k+1 into *1.
    static void lstm1Bf16(MemorySegment w, long xa, long ha, float[] v, int vx, int kx, int vh, int kh, float[] g,
            int ga, int row) {
        FloatVector ai = FloatVector.fromArray(F, g, ga);
        FloatVector af = FloatVector.fromArray(F, g, ga + row);
        FloatVector ag = FloatVector.fromArray(F, g, ga + 3 * row);
        FloatVector ao = FloatVector.fromArray(F, g, ga + 2 * row);
        FloatVector ai1 = FloatVector.zero(F), af1 = ai1, ag1 = ai1, ao1 = ai1;
        IntVector mask = IntVector.broadcast(I32, 0xFFFF0000);
        long perPair = 4 * V;
        for (int r = 0; r < 2; r++) {
            long pa = r == 0 ? xa : ha;
            int vb = r == 0 ? vx : vh;
            int pairs = (r == 0 ? kx : kh) >> 1;
            for (int kp = 0; kp < pairs; kp++) {
                FloatVector x0 = FloatVector.broadcast(F, v[vb + 2 * kp]);
                FloatVector x1 = FloatVector.broadcast(F, v[vb + 2 * kp + 1]);
                long p = pa + kp * perPair;
                IntVector u0 = IntVector.fromMemorySegment(I32, w, p, ORDER);
                IntVector u1 = IntVector.fromMemorySegment(I32, w, p + V, ORDER);
                IntVector u2 = IntVector.fromMemorySegment(I32, w, p + 2 * V, ORDER);
                IntVector u3 = IntVector.fromMemorySegment(I32, w, p + 3 * V, ORDER);
                ai = u0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x0, ai);
                af = u0.and(mask).reinterpretAsFloats().fma(x0, af);
                ag = u1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x0, ag);
                ao = u1.and(mask).reinterpretAsFloats().fma(x0, ao);
                ai1 = u2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x1, ai1);
                af1 = u2.and(mask).reinterpretAsFloats().fma(x1, af1);
                ag1 = u3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x1, ag1);
                ao1 = u3.and(mask).reinterpretAsFloats().fma(x1, ao1);
            }
        }
        ai.add(ai1).intoArray(g, ga);
        af.add(af1).intoArray(g, ga + row);
        ag.add(ag1).intoArray(g, ga + 3 * row);
        ao.add(ao1).intoArray(g, ga + 2 * row);
    }

    // ---- GRU: slots r, z, xn, hn; the n accumulator runs over x from slot xn, then over h from slot hn ---------

    static void gru2F32(MemorySegment w, long xa, long xs, long ha, long hs, float[] v, int vx, int kx, int vh,
            int kh, float[] g, int ga, int row) {
        int gb = ga + L;
        FloatVector ar = FloatVector.fromArray(F, g, ga);
        FloatVector az = FloatVector.fromArray(F, g, ga + row);
        FloatVector an = FloatVector.fromArray(F, g, ga + 2 * row);
        FloatVector br = FloatVector.fromArray(F, g, gb);
        FloatVector bz = FloatVector.fromArray(F, g, gb + row);
        FloatVector bn = FloatVector.fromArray(F, g, gb + 2 * row);
        long perK = 3 * V;
        for (int r = 0; r < 2; r++) {
            if (r == 1) {
                an.intoArray(g, ga + 2 * row);
                bn.intoArray(g, gb + 2 * row);
                an = FloatVector.fromArray(F, g, ga + 3 * row);
                bn = FloatVector.fromArray(F, g, gb + 3 * row);
            }
            long pa = r == 0 ? xa : ha;
            long pb = pa + (r == 0 ? xs : hs);
            int vb = r == 0 ? vx : vh;
            int n = r == 0 ? kx : kh;
            for (int k = 0; k < n; k++) {
                FloatVector x = FloatVector.broadcast(F, v[vb + k]);
                long p = pa + k * perK;
                long q = pb + k * perK;
                ar = FloatVector.fromMemorySegment(F, w, p, ORDER).fma(x, ar);
                az = FloatVector.fromMemorySegment(F, w, p + V, ORDER).fma(x, az);
                an = FloatVector.fromMemorySegment(F, w, p + 2 * V, ORDER).fma(x, an);
                br = FloatVector.fromMemorySegment(F, w, q, ORDER).fma(x, br);
                bz = FloatVector.fromMemorySegment(F, w, q + V, ORDER).fma(x, bz);
                bn = FloatVector.fromMemorySegment(F, w, q + 2 * V, ORDER).fma(x, bn);
            }
        }
        ar.intoArray(g, ga);
        az.intoArray(g, ga + row);
        an.intoArray(g, ga + 3 * row);
        br.intoArray(g, gb);
        bz.intoArray(g, gb + row);
        bn.intoArray(g, gb + 3 * row);
    }

    static void gru1F32(MemorySegment w, long xa, long ha, float[] v, int vx, int kx, int vh, int kh, float[] g,
            int ga, int row) {
        FloatVector ar = FloatVector.fromArray(F, g, ga);
        FloatVector az = FloatVector.fromArray(F, g, ga + row);
        FloatVector an = FloatVector.fromArray(F, g, ga + 2 * row);
        long perK = 3 * V;
        for (int r = 0; r < 2; r++) {
            if (r == 1) {
                an.intoArray(g, ga + 2 * row);
                an = FloatVector.fromArray(F, g, ga + 3 * row);
            }
            long pa = r == 0 ? xa : ha;
            int vb = r == 0 ? vx : vh;
            int n = r == 0 ? kx : kh;
            for (int k = 0; k < n; k++) {
                FloatVector x = FloatVector.broadcast(F, v[vb + k]);
                long p = pa + k * perK;
                ar = FloatVector.fromMemorySegment(F, w, p, ORDER).fma(x, ar);
                az = FloatVector.fromMemorySegment(F, w, p + V, ORDER).fma(x, az);
                an = FloatVector.fromMemorySegment(F, w, p + 2 * V, ORDER).fma(x, an);
            }
        }
        ar.intoArray(g, ga);
        az.intoArray(g, ga + row);
        an.intoArray(g, ga + 3 * row);
    }

    // Per k pair: words (r_k|z_k), (n_k|r_k+1), (z_k+1|n_k+1), low half first; k into *, k+1 into *1.
    static void gru1Bf16(MemorySegment w, long xa, long ha, float[] v, int vx, int kx, int vh, int kh, float[] g,
            int ga, int row) {
        FloatVector ar = FloatVector.fromArray(F, g, ga);
        FloatVector az = FloatVector.fromArray(F, g, ga + row);
        FloatVector an = FloatVector.fromArray(F, g, ga + 2 * row);
        FloatVector zero = FloatVector.zero(F);
        FloatVector ar1 = zero, az1 = zero, an1 = zero;
        IntVector mask = IntVector.broadcast(I32, 0xFFFF0000);
        long perPair = 3 * V;
        for (int r = 0; r < 2; r++) {
            if (r == 1) {
                an.add(an1).intoArray(g, ga + 2 * row);
                an = FloatVector.fromArray(F, g, ga + 3 * row);
                an1 = zero;
            }
            long pa = r == 0 ? xa : ha;
            int vb = r == 0 ? vx : vh;
            int pairs = (r == 0 ? kx : kh) >> 1;
            for (int kp = 0; kp < pairs; kp++) {
                FloatVector x0 = FloatVector.broadcast(F, v[vb + 2 * kp]);
                FloatVector x1 = FloatVector.broadcast(F, v[vb + 2 * kp + 1]);
                long p = pa + kp * perPair;
                IntVector u0 = IntVector.fromMemorySegment(I32, w, p, ORDER);
                IntVector u1 = IntVector.fromMemorySegment(I32, w, p + V, ORDER);
                IntVector u2 = IntVector.fromMemorySegment(I32, w, p + 2 * V, ORDER);
                ar = u0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x0, ar);
                az = u0.and(mask).reinterpretAsFloats().fma(x0, az);
                an = u1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x0, an);
                ar1 = u1.and(mask).reinterpretAsFloats().fma(x1, ar1);
                az1 = u2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x1, az1);
                an1 = u2.and(mask).reinterpretAsFloats().fma(x1, an1);
            }
        }
        ar.add(ar1).intoArray(g, ga);
        az.add(az1).intoArray(g, ga + row);
        an.add(an1).intoArray(g, ga + 3 * row);
    }

    // ---- one gate (RNN, LSTM projection): sums from init[ia] to out[oa], block j at +j*L ------------------------

    // Eight blocks: 8 FMA chains keep both FMA pipes busy (4 chains of 4-cycle latency fill only one), which matters
    // when the weights come from L2 (an RNN H256 step: 512 KiB).
    static void oneGate8F32(MemorySegment w, long xa, long xs, long ha, long hs, float[] v, int vx, int kx, int vh,
            int kh, float[] init, int ia, float[] out, int oa) {
        FloatVector a0 = FloatVector.fromArray(F, init, ia);
        FloatVector a1 = FloatVector.fromArray(F, init, ia + L);
        FloatVector a2 = FloatVector.fromArray(F, init, ia + 2 * L);
        FloatVector a3 = FloatVector.fromArray(F, init, ia + 3 * L);
        FloatVector a4 = FloatVector.fromArray(F, init, ia + 4 * L);
        FloatVector a5 = FloatVector.fromArray(F, init, ia + 5 * L);
        FloatVector a6 = FloatVector.fromArray(F, init, ia + 6 * L), a7 = FloatVector.fromArray(F, init, ia + 7 * L);
        for (int r = 0; r < 2; r++) {
            long p0 = r == 0 ? xa : ha;
            long s = r == 0 ? xs : hs;
            long p1 = p0 + s, p2 = p0 + 2 * s, p3 = p0 + 3 * s, p4 = p0 + 4 * s, p5 = p0 + 5 * s, p6 = p0 + 6 * s;
            long p7 = p0 + 7 * s;
            int vb = r == 0 ? vx : vh;
            int n = r == 0 ? kx : kh;
            for (int k = 0; k < n; k++) {
                FloatVector x = FloatVector.broadcast(F, v[vb + k]);
                long p = k * V;
                a0 = FloatVector.fromMemorySegment(F, w, p0 + p, ORDER).fma(x, a0);
                a1 = FloatVector.fromMemorySegment(F, w, p1 + p, ORDER).fma(x, a1);
                a2 = FloatVector.fromMemorySegment(F, w, p2 + p, ORDER).fma(x, a2);
                a3 = FloatVector.fromMemorySegment(F, w, p3 + p, ORDER).fma(x, a3);
                a4 = FloatVector.fromMemorySegment(F, w, p4 + p, ORDER).fma(x, a4);
                a5 = FloatVector.fromMemorySegment(F, w, p5 + p, ORDER).fma(x, a5);
                a6 = FloatVector.fromMemorySegment(F, w, p6 + p, ORDER).fma(x, a6);
                a7 = FloatVector.fromMemorySegment(F, w, p7 + p, ORDER).fma(x, a7);
            }
        }
        a0.intoArray(out, oa);
        a1.intoArray(out, oa + L);
        a2.intoArray(out, oa + 2 * L);
        a3.intoArray(out, oa + 3 * L);
        a4.intoArray(out, oa + 4 * L);
        a5.intoArray(out, oa + 5 * L);
        a6.intoArray(out, oa + 6 * L);
        a7.intoArray(out, oa + 7 * L);
    }

    static void oneGate4F32(MemorySegment w, long xa, long xs, long ha, long hs, float[] v, int vx, int kx, int vh,
            int kh, float[] init, int ia, float[] out, int oa) {
        FloatVector a0 = FloatVector.fromArray(F, init, ia);
        FloatVector a1 = FloatVector.fromArray(F, init, ia + L);
        FloatVector a2 = FloatVector.fromArray(F, init, ia + 2 * L);
        FloatVector a3 = FloatVector.fromArray(F, init, ia + 3 * L);
        for (int r = 0; r < 2; r++) {
            long p0 = r == 0 ? xa : ha;
            long s = r == 0 ? xs : hs;
            long p1 = p0 + s, p2 = p0 + 2 * s, p3 = p0 + 3 * s;
            int vb = r == 0 ? vx : vh;
            int n = r == 0 ? kx : kh;
            for (int k = 0; k < n; k++) {
                FloatVector x = FloatVector.broadcast(F, v[vb + k]);
                long p = k * V;
                a0 = FloatVector.fromMemorySegment(F, w, p0 + p, ORDER).fma(x, a0);
                a1 = FloatVector.fromMemorySegment(F, w, p1 + p, ORDER).fma(x, a1);
                a2 = FloatVector.fromMemorySegment(F, w, p2 + p, ORDER).fma(x, a2);
                a3 = FloatVector.fromMemorySegment(F, w, p3 + p, ORDER).fma(x, a3);
            }
        }
        a0.intoArray(out, oa);
        a1.intoArray(out, oa + L);
        a2.intoArray(out, oa + 2 * L);
        a3.intoArray(out, oa + 3 * L);
    }

    static void oneGate1F32(MemorySegment w, long xa, long ha, float[] v, int vx, int kx, int vh, int kh,
            float[] init, int ia, float[] out, int oa) {
        FloatVector a0 = FloatVector.fromArray(F, init, ia);
        for (int r = 0; r < 2; r++) {
            long p0 = r == 0 ? xa : ha;
            int vb = r == 0 ? vx : vh;
            int n = r == 0 ? kx : kh;
            for (int k = 0; k < n; k++) {
                FloatVector x = FloatVector.broadcast(F, v[vb + k]);
                a0 = FloatVector.fromMemorySegment(F, w, p0 + k * V, ORDER).fma(x, a0);
            }
        }
        a0.intoArray(out, oa);
    }

    // Per k pair one word (w_k|w_k+1), low half first; k into *, k+1 into *1.
    static void oneGate4Bf16(MemorySegment w, long xa, long xs, long ha, long hs, float[] v, int vx, int kx, int vh,
            int kh, float[] init, int ia, float[] out, int oa) {
        FloatVector a0 = FloatVector.fromArray(F, init, ia);
        FloatVector a1 = FloatVector.fromArray(F, init, ia + L);
        FloatVector a2 = FloatVector.fromArray(F, init, ia + 2 * L);
        FloatVector a3 = FloatVector.fromArray(F, init, ia + 3 * L);
        FloatVector b0 = FloatVector.zero(F), b1 = b0, b2 = b0, b3 = b0;
        IntVector mask = IntVector.broadcast(I32, 0xFFFF0000);
        for (int r = 0; r < 2; r++) {
            long p0 = r == 0 ? xa : ha;
            long s = r == 0 ? xs : hs;
            long p1 = p0 + s, p2 = p0 + 2 * s, p3 = p0 + 3 * s;
            int vb = r == 0 ? vx : vh;
            int pairs = (r == 0 ? kx : kh) >> 1;
            for (int kp = 0; kp < pairs; kp++) {
                FloatVector x0 = FloatVector.broadcast(F, v[vb + 2 * kp]);
                FloatVector x1 = FloatVector.broadcast(F, v[vb + 2 * kp + 1]);
                long p = kp * V;
                IntVector u0 = IntVector.fromMemorySegment(I32, w, p0 + p, ORDER);
                IntVector u1 = IntVector.fromMemorySegment(I32, w, p1 + p, ORDER);
                IntVector u2 = IntVector.fromMemorySegment(I32, w, p2 + p, ORDER);
                IntVector u3 = IntVector.fromMemorySegment(I32, w, p3 + p, ORDER);
                a0 = u0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x0, a0);
                a1 = u1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x0, a1);
                a2 = u2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x0, a2);
                a3 = u3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x0, a3);
                b0 = u0.and(mask).reinterpretAsFloats().fma(x1, b0);
                b1 = u1.and(mask).reinterpretAsFloats().fma(x1, b1);
                b2 = u2.and(mask).reinterpretAsFloats().fma(x1, b2);
                b3 = u3.and(mask).reinterpretAsFloats().fma(x1, b3);
            }
        }
        a0.add(b0).intoArray(out, oa);
        a1.add(b1).intoArray(out, oa + L);
        a2.add(b2).intoArray(out, oa + 2 * L);
        a3.add(b3).intoArray(out, oa + 3 * L);
    }

    static void oneGate1Bf16(MemorySegment w, long xa, long ha, float[] v, int vx, int kx, int vh, int kh,
            float[] init, int ia, float[] out, int oa) {
        FloatVector a0 = FloatVector.fromArray(F, init, ia);
        FloatVector b0 = FloatVector.zero(F);
        IntVector mask = IntVector.broadcast(I32, 0xFFFF0000);
        for (int r = 0; r < 2; r++) {
            long p0 = r == 0 ? xa : ha;
            int vb = r == 0 ? vx : vh;
            int pairs = (r == 0 ? kx : kh) >> 1;
            for (int kp = 0; kp < pairs; kp++) {
                IntVector u0 = IntVector.fromMemorySegment(I32, w, p0 + kp * V, ORDER);
                FloatVector x0 = FloatVector.broadcast(F, v[vb + 2 * kp]);
                a0 = u0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x0, a0);
                b0 = u0.and(mask).reinterpretAsFloats().fma(FloatVector.broadcast(F, v[vb + 2 * kp + 1]), b0);
            }
        }
        a0.add(b0).intoArray(out, oa);
    }

    // Loads, stores and the bf16 widening are written out in the kernels: a helper that takes or returns a vector
    // is inlined only while C2's budget lasts, and was seen left out of line (boxing every vector: 3 KB and 50% more
    // time per step of a 2-layer LSTM) when the kernels were compiled in a different order.
}
