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
 * 4-cycle FMA latency), eight one-gate blocks (then four, then one). bf16 keeps two partial sums per accumulator, even k starting from the
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
        FloatVector ai = load(g, ga), af = load(g, ga + row), ag = load(g, ga + 3 * row), ao = load(g, ga + 2 * row);
        FloatVector bi = load(g, gb), bf = load(g, gb + row), bg = load(g, gb + 3 * row), bo = load(g, gb + 2 * row);
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
                ai = load(w, p).fma(x, ai);
                af = load(w, p + V).fma(x, af);
                ag = load(w, p + 2 * V).fma(x, ag);
                ao = load(w, p + 3 * V).fma(x, ao);
                bi = load(w, q).fma(x, bi);
                bf = load(w, q + V).fma(x, bf);
                bg = load(w, q + 2 * V).fma(x, bg);
                bo = load(w, q + 3 * V).fma(x, bo);
            }
        }
        store(ai, g, ga);
        store(af, g, ga + row);
        store(ag, g, ga + 3 * row);
        store(ao, g, ga + 2 * row);
        store(bi, g, gb);
        store(bf, g, gb + row);
        store(bg, g, gb + 3 * row);
        store(bo, g, gb + 2 * row);
    }

    static void lstm1F32(MemorySegment w, long xa, long ha, float[] v, int vx, int kx, int vh, int kh, float[] g,
            int ga, int row) {
        FloatVector ai = load(g, ga), af = load(g, ga + row), ag = load(g, ga + 3 * row), ao = load(g, ga + 2 * row);
        long perK = 4 * V;
        for (int r = 0; r < 2; r++) {
            long pa = r == 0 ? xa : ha;
            int vb = r == 0 ? vx : vh;
            int n = r == 0 ? kx : kh;
            for (int k = 0; k < n; k++) {
                FloatVector x = FloatVector.broadcast(F, v[vb + k]);
                long p = pa + k * perK;
                ai = load(w, p).fma(x, ai);
                af = load(w, p + V).fma(x, af);
                ag = load(w, p + 2 * V).fma(x, ag);
                ao = load(w, p + 3 * V).fma(x, ao);
            }
        }
        store(ai, g, ga);
        store(af, g, ga + row);
        store(ag, g, ga + 3 * row);
        store(ao, g, ga + 2 * row);
    }

    // Per k pair: words (i_k|f_k), (g_k|o_k), (i_k+1|f_k+1), (g_k+1|o_k+1), low half first; k into *, k+1 into *1.
    static void lstm1Bf16(MemorySegment w, long xa, long ha, float[] v, int vx, int kx, int vh, int kh, float[] g,
            int ga, int row) {
        FloatVector ai = load(g, ga), af = load(g, ga + row), ag = load(g, ga + 3 * row), ao = load(g, ga + 2 * row);
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
                IntVector u0 = iload(w, p), u1 = iload(w, p + V), u2 = iload(w, p + 2 * V), u3 = iload(w, p + 3 * V);
                ai = lo(u0).fma(x0, ai);
                af = hi(u0, mask).fma(x0, af);
                ag = lo(u1).fma(x0, ag);
                ao = hi(u1, mask).fma(x0, ao);
                ai1 = lo(u2).fma(x1, ai1);
                af1 = hi(u2, mask).fma(x1, af1);
                ag1 = lo(u3).fma(x1, ag1);
                ao1 = hi(u3, mask).fma(x1, ao1);
            }
        }
        store(ai.add(ai1), g, ga);
        store(af.add(af1), g, ga + row);
        store(ag.add(ag1), g, ga + 3 * row);
        store(ao.add(ao1), g, ga + 2 * row);
    }

    // ---- GRU: slots r, z, xn, hn; the n accumulator runs over x from slot xn, then over h from slot hn ---------

    static void gru2F32(MemorySegment w, long xa, long xs, long ha, long hs, float[] v, int vx, int kx, int vh,
            int kh, float[] g, int ga, int row) {
        int gb = ga + L;
        FloatVector ar = load(g, ga), az = load(g, ga + row), an = load(g, ga + 2 * row);
        FloatVector br = load(g, gb), bz = load(g, gb + row), bn = load(g, gb + 2 * row);
        long perK = 3 * V;
        for (int r = 0; r < 2; r++) {
            if (r == 1) {
                store(an, g, ga + 2 * row);
                store(bn, g, gb + 2 * row);
                an = load(g, ga + 3 * row);
                bn = load(g, gb + 3 * row);
            }
            long pa = r == 0 ? xa : ha;
            long pb = pa + (r == 0 ? xs : hs);
            int vb = r == 0 ? vx : vh;
            int n = r == 0 ? kx : kh;
            for (int k = 0; k < n; k++) {
                FloatVector x = FloatVector.broadcast(F, v[vb + k]);
                long p = pa + k * perK;
                long q = pb + k * perK;
                ar = load(w, p).fma(x, ar);
                az = load(w, p + V).fma(x, az);
                an = load(w, p + 2 * V).fma(x, an);
                br = load(w, q).fma(x, br);
                bz = load(w, q + V).fma(x, bz);
                bn = load(w, q + 2 * V).fma(x, bn);
            }
        }
        store(ar, g, ga);
        store(az, g, ga + row);
        store(an, g, ga + 3 * row);
        store(br, g, gb);
        store(bz, g, gb + row);
        store(bn, g, gb + 3 * row);
    }

    static void gru1F32(MemorySegment w, long xa, long ha, float[] v, int vx, int kx, int vh, int kh, float[] g,
            int ga, int row) {
        FloatVector ar = load(g, ga), az = load(g, ga + row), an = load(g, ga + 2 * row);
        long perK = 3 * V;
        for (int r = 0; r < 2; r++) {
            if (r == 1) {
                store(an, g, ga + 2 * row);
                an = load(g, ga + 3 * row);
            }
            long pa = r == 0 ? xa : ha;
            int vb = r == 0 ? vx : vh;
            int n = r == 0 ? kx : kh;
            for (int k = 0; k < n; k++) {
                FloatVector x = FloatVector.broadcast(F, v[vb + k]);
                long p = pa + k * perK;
                ar = load(w, p).fma(x, ar);
                az = load(w, p + V).fma(x, az);
                an = load(w, p + 2 * V).fma(x, an);
            }
        }
        store(ar, g, ga);
        store(az, g, ga + row);
        store(an, g, ga + 3 * row);
    }

    // Per k pair: words (r_k|z_k), (n_k|r_k+1), (z_k+1|n_k+1), low half first; k into *, k+1 into *1.
    static void gru1Bf16(MemorySegment w, long xa, long ha, float[] v, int vx, int kx, int vh, int kh, float[] g,
            int ga, int row) {
        FloatVector ar = load(g, ga), az = load(g, ga + row), an = load(g, ga + 2 * row);
        FloatVector zero = FloatVector.zero(F);
        FloatVector ar1 = zero, az1 = zero, an1 = zero;
        IntVector mask = IntVector.broadcast(I32, 0xFFFF0000);
        long perPair = 3 * V;
        for (int r = 0; r < 2; r++) {
            if (r == 1) {
                store(an.add(an1), g, ga + 2 * row);
                an = load(g, ga + 3 * row);
                an1 = zero;
            }
            long pa = r == 0 ? xa : ha;
            int vb = r == 0 ? vx : vh;
            int pairs = (r == 0 ? kx : kh) >> 1;
            for (int kp = 0; kp < pairs; kp++) {
                FloatVector x0 = FloatVector.broadcast(F, v[vb + 2 * kp]);
                FloatVector x1 = FloatVector.broadcast(F, v[vb + 2 * kp + 1]);
                long p = pa + kp * perPair;
                IntVector u0 = iload(w, p), u1 = iload(w, p + V), u2 = iload(w, p + 2 * V);
                ar = lo(u0).fma(x0, ar);
                az = hi(u0, mask).fma(x0, az);
                an = lo(u1).fma(x0, an);
                ar1 = hi(u1, mask).fma(x1, ar1);
                az1 = lo(u2).fma(x1, az1);
                an1 = hi(u2, mask).fma(x1, an1);
            }
        }
        store(ar.add(ar1), g, ga);
        store(az.add(az1), g, ga + row);
        store(an.add(an1), g, ga + 3 * row);
    }

    // ---- one gate (RNN, LSTM projection): sums from init[ia] to out[oa], block j at +j*L ------------------------

    // Eight blocks: 8 FMA chains keep both FMA pipes busy (4 chains of 4-cycle latency fill only one), which matters
    // when the weights come from L2 (an RNN H256 step: 512 KiB).
    static void oneGate8F32(MemorySegment w, long xa, long xs, long ha, long hs, float[] v, int vx, int kx, int vh,
            int kh, float[] init, int ia, float[] out, int oa) {
        FloatVector a0 = load(init, ia), a1 = load(init, ia + L), a2 = load(init, ia + 2 * L);
        FloatVector a3 = load(init, ia + 3 * L), a4 = load(init, ia + 4 * L), a5 = load(init, ia + 5 * L);
        FloatVector a6 = load(init, ia + 6 * L), a7 = load(init, ia + 7 * L);
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
                a0 = load(w, p0 + p).fma(x, a0);
                a1 = load(w, p1 + p).fma(x, a1);
                a2 = load(w, p2 + p).fma(x, a2);
                a3 = load(w, p3 + p).fma(x, a3);
                a4 = load(w, p4 + p).fma(x, a4);
                a5 = load(w, p5 + p).fma(x, a5);
                a6 = load(w, p6 + p).fma(x, a6);
                a7 = load(w, p7 + p).fma(x, a7);
            }
        }
        store(a0, out, oa);
        store(a1, out, oa + L);
        store(a2, out, oa + 2 * L);
        store(a3, out, oa + 3 * L);
        store(a4, out, oa + 4 * L);
        store(a5, out, oa + 5 * L);
        store(a6, out, oa + 6 * L);
        store(a7, out, oa + 7 * L);
    }

    static void oneGate4F32(MemorySegment w, long xa, long xs, long ha, long hs, float[] v, int vx, int kx, int vh,
            int kh, float[] init, int ia, float[] out, int oa) {
        FloatVector a0 = load(init, ia), a1 = load(init, ia + L), a2 = load(init, ia + 2 * L);
        FloatVector a3 = load(init, ia + 3 * L);
        for (int r = 0; r < 2; r++) {
            long p0 = r == 0 ? xa : ha;
            long s = r == 0 ? xs : hs;
            long p1 = p0 + s, p2 = p0 + 2 * s, p3 = p0 + 3 * s;
            int vb = r == 0 ? vx : vh;
            int n = r == 0 ? kx : kh;
            for (int k = 0; k < n; k++) {
                FloatVector x = FloatVector.broadcast(F, v[vb + k]);
                long p = k * V;
                a0 = load(w, p0 + p).fma(x, a0);
                a1 = load(w, p1 + p).fma(x, a1);
                a2 = load(w, p2 + p).fma(x, a2);
                a3 = load(w, p3 + p).fma(x, a3);
            }
        }
        store(a0, out, oa);
        store(a1, out, oa + L);
        store(a2, out, oa + 2 * L);
        store(a3, out, oa + 3 * L);
    }

    static void oneGate1F32(MemorySegment w, long xa, long ha, float[] v, int vx, int kx, int vh, int kh,
            float[] init, int ia, float[] out, int oa) {
        FloatVector a0 = load(init, ia);
        for (int r = 0; r < 2; r++) {
            long p0 = r == 0 ? xa : ha;
            int vb = r == 0 ? vx : vh;
            int n = r == 0 ? kx : kh;
            for (int k = 0; k < n; k++) {
                a0 = load(w, p0 + k * V).fma(FloatVector.broadcast(F, v[vb + k]), a0);
            }
        }
        store(a0, out, oa);
    }

    // Per k pair one word (w_k|w_k+1), low half first; k into *, k+1 into *1.
    static void oneGate4Bf16(MemorySegment w, long xa, long xs, long ha, long hs, float[] v, int vx, int kx, int vh,
            int kh, float[] init, int ia, float[] out, int oa) {
        FloatVector a0 = load(init, ia), a1 = load(init, ia + L), a2 = load(init, ia + 2 * L);
        FloatVector a3 = load(init, ia + 3 * L);
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
                IntVector u0 = iload(w, p0 + p), u1 = iload(w, p1 + p), u2 = iload(w, p2 + p), u3 = iload(w, p3 + p);
                a0 = lo(u0).fma(x0, a0);
                a1 = lo(u1).fma(x0, a1);
                a2 = lo(u2).fma(x0, a2);
                a3 = lo(u3).fma(x0, a3);
                b0 = hi(u0, mask).fma(x1, b0);
                b1 = hi(u1, mask).fma(x1, b1);
                b2 = hi(u2, mask).fma(x1, b2);
                b3 = hi(u3, mask).fma(x1, b3);
            }
        }
        store(a0.add(b0), out, oa);
        store(a1.add(b1), out, oa + L);
        store(a2.add(b2), out, oa + 2 * L);
        store(a3.add(b3), out, oa + 3 * L);
    }

    static void oneGate1Bf16(MemorySegment w, long xa, long ha, float[] v, int vx, int kx, int vh, int kh,
            float[] init, int ia, float[] out, int oa) {
        FloatVector a0 = load(init, ia);
        FloatVector b0 = FloatVector.zero(F);
        IntVector mask = IntVector.broadcast(I32, 0xFFFF0000);
        for (int r = 0; r < 2; r++) {
            long p0 = r == 0 ? xa : ha;
            int vb = r == 0 ? vx : vh;
            int pairs = (r == 0 ? kx : kh) >> 1;
            for (int kp = 0; kp < pairs; kp++) {
                IntVector u0 = iload(w, p0 + kp * V);
                a0 = lo(u0).fma(FloatVector.broadcast(F, v[vb + 2 * kp]), a0);
                b0 = hi(u0, mask).fma(FloatVector.broadcast(F, v[vb + 2 * kp + 1]), b0);
            }
        }
        store(a0.add(b0), out, oa);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static FloatVector load(MemorySegment m, long offset) {
        return FloatVector.fromMemorySegment(F, m, offset, ORDER);
    }

    private static FloatVector load(float[] a, int index) {
        return FloatVector.fromArray(F, a, index);
    }

    private static IntVector iload(MemorySegment m, long offset) {
        return IntVector.fromMemorySegment(I32, m, offset, ORDER);
    }

    private static void store(FloatVector x, float[] a, int index) {
        x.intoArray(a, index);
    }

    private static FloatVector lo(IntVector word) {
        return word.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    // The mask is a loop-invariant vector: and(int) would broadcast it per use, costing C2 twice the nodes.
    private static FloatVector hi(IntVector word, IntVector mask) {
        return word.and(mask).reinterpretAsFloats();
    }
}
