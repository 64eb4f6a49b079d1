package dev.gatun.gemm;

import dev.gatun.kernels.PanamaSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The register tiles of {@link PanamaGemm}: {@code tile (MR, NR) = A panel (MR, kc) * B panel (kc, NR)} with
 * {@code NR} two vectors wide, one broadcast element of A times two vectors of B per row and step of k.
 *
 * <p>Two heights: 12 rows (24 accumulators + 2 B vectors + 1 broadcast: fits the 32 vector registers of AVX-512 and
 * NEON/SVE without a spill) and 6 rows (12 accumulators, for the 16 registers of AVX2). Why this shape and not
 * 8 x 3 or 6 x 4 vectors: C2 hoists every broadcast of a step above the FMAs, so with more than two B vectors live
 * it runs out of registers and spills accumulators in the loop (measured: 8 x 3 spills 3, 12 x 2 none).
 *
 * <p>B's row stride is a parameter: the same kernel reads packed panels ({@code NR} floats per row) and, for
 * small M, B in place ({@code ldb} floats per row). A variable stride costs nothing measurable here (165 vs 166
 * GFLOP/s, kernel alone, L1-resident), and one kernel per height means one method to get through C1 to C2: the
 * Vector API runs about 100x slower before C2 has compiled a method, so every extra kernel is another warm-up.
 *
 * <p>Why the operands live where they do: A is packed into a {@code float[]}, since broadcasts are scalar loads and
 * C2 removes the array's bounds checks; B is packed into 64-byte aligned native memory, since a vector load that
 * crosses a cache line costs twice, and a heap array's address (hence alignment) is unknown and moves with the GC:
 * measured 165 vs 95 GFLOP/s for the same loop on aligned vs unaligned B. The tile goes to a small array, not
 * straight to C, so that each kernel stays small enough for C1 to compile it at tier 3 (larger methods fail with
 * "out of virtual registers" and can stay in the slow tier-2 code); {@link PanamaGemm} then adds it to C.
 */
final class PanamaMicroKernels {
    static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    /** Floats per vector. */
    static final int L = PanamaSpecies.LANES;
    /** Columns of a tile: two vectors. */
    static final int NR = 2 * L;
    static final long VECTOR_BYTES = (long) L * Float.BYTES;
    static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Deepest k block; the packed A panels are laid out for it. */
    static final int KC = 256;
    /**
     * Distance between rows of a packed A panel, in floats: a constant, so each row's broadcast is an addressing
     * displacement; padded by a cache line so the 12 rows do not all fall into the same few L1 sets.
     */
    static final int KCP = KC + 16;

    private PanamaMicroKernels() {}

    /** {@return 12 when the CPU has 32 vector registers (AVX-512, ARM), else 6 (AVX2 has 16)} */
    static int defaultRows() {
        String arch = System.getProperty("os.arch", "");
        boolean manyRegisters = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512 || arch.equals("aarch64");
        return manyRegisters ? 12 : 6;
    }

    /**
     * The 12 x NR register tile, 24 accumulators: {@code tile (12, NR) = A panel (12, kc) * B panel (kc, NR)}.
     *
     * @param kc depth of the panels
     * @param a packed A: element {@code (r, p)} of the panel at {@code a[aPanel + r * KCP + p]}
     * @param aPanel index of the panel's element {@code (0, 0)}
     * @param b B: row {@code p} of the panel ({@code NR} floats) at byte {@code bPanel + p * bStride}
     * @param bPanel byte offset of the panel's first row
     * @param bStride bytes between rows of the panel: {@code NR * 4} when packed, {@code ldb * 4} in place
     * @param tile receives the products, row-major (12, NR)
     */
    static void tile12(int kc, float[] a, int aPanel, MemorySegment b, long bPanel, long bStride, float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector c0a = z, c0b = z, c1a = z, c1b = z;
        FloatVector c2a = z, c2b = z, c3a = z, c3b = z;
        FloatVector c4a = z, c4b = z, c5a = z, c5b = z;
        FloatVector c6a = z, c6b = z, c7a = z, c7b = z;
        FloatVector c8a = z, c8b = z, c9a = z, c9b = z;
        FloatVector c10a = z, c10b = z, c11a = z, c11b = z;
        long bp = bPanel;
        for (int p = aPanel, end = aPanel + kc; p < end; p++, bp += bStride) {
            FloatVector b0 = FloatVector.fromMemorySegment(F, b, bp, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(F, b, bp + VECTOR_BYTES, ORDER);
            FloatVector x = FloatVector.broadcast(F, a[p]);
            c0a = b0.fma(x, c0a);
            c0b = b1.fma(x, c0b);
            x = FloatVector.broadcast(F, a[p + KCP]);
            c1a = b0.fma(x, c1a);
            c1b = b1.fma(x, c1b);
            x = FloatVector.broadcast(F, a[p + 2 * KCP]);
            c2a = b0.fma(x, c2a);
            c2b = b1.fma(x, c2b);
            x = FloatVector.broadcast(F, a[p + 3 * KCP]);
            c3a = b0.fma(x, c3a);
            c3b = b1.fma(x, c3b);
            x = FloatVector.broadcast(F, a[p + 4 * KCP]);
            c4a = b0.fma(x, c4a);
            c4b = b1.fma(x, c4b);
            x = FloatVector.broadcast(F, a[p + 5 * KCP]);
            c5a = b0.fma(x, c5a);
            c5b = b1.fma(x, c5b);
            x = FloatVector.broadcast(F, a[p + 6 * KCP]);
            c6a = b0.fma(x, c6a);
            c6b = b1.fma(x, c6b);
            x = FloatVector.broadcast(F, a[p + 7 * KCP]);
            c7a = b0.fma(x, c7a);
            c7b = b1.fma(x, c7b);
            x = FloatVector.broadcast(F, a[p + 8 * KCP]);
            c8a = b0.fma(x, c8a);
            c8b = b1.fma(x, c8b);
            x = FloatVector.broadcast(F, a[p + 9 * KCP]);
            c9a = b0.fma(x, c9a);
            c9b = b1.fma(x, c9b);
            x = FloatVector.broadcast(F, a[p + 10 * KCP]);
            c10a = b0.fma(x, c10a);
            c10b = b1.fma(x, c10b);
            x = FloatVector.broadcast(F, a[p + 11 * KCP]);
            c11a = b0.fma(x, c11a);
            c11b = b1.fma(x, c11b);
        }
        c0a.intoArray(tile, 0 * NR);
        c0b.intoArray(tile, 0 * NR + L);
        c1a.intoArray(tile, 1 * NR);
        c1b.intoArray(tile, 1 * NR + L);
        c2a.intoArray(tile, 2 * NR);
        c2b.intoArray(tile, 2 * NR + L);
        c3a.intoArray(tile, 3 * NR);
        c3b.intoArray(tile, 3 * NR + L);
        c4a.intoArray(tile, 4 * NR);
        c4b.intoArray(tile, 4 * NR + L);
        c5a.intoArray(tile, 5 * NR);
        c5b.intoArray(tile, 5 * NR + L);
        c6a.intoArray(tile, 6 * NR);
        c6b.intoArray(tile, 6 * NR + L);
        c7a.intoArray(tile, 7 * NR);
        c7b.intoArray(tile, 7 * NR + L);
        c8a.intoArray(tile, 8 * NR);
        c8b.intoArray(tile, 8 * NR + L);
        c9a.intoArray(tile, 9 * NR);
        c9b.intoArray(tile, 9 * NR + L);
        c10a.intoArray(tile, 10 * NR);
        c10b.intoArray(tile, 10 * NR + L);
        c11a.intoArray(tile, 11 * NR);
        c11b.intoArray(tile, 11 * NR + L);
    }

    /**
     * The 8 x NR register tile, 16 accumulators: {@code tile (8, NR) = A panel (8, kc) * B panel (kc, NR)}. For
     * the recurrent step of {@link PackedWeights}: a batch of 32 (or 8, 16) rows fills 8-row panels exactly, where
     * 12-row ones would compute 4 padding rows in 36. Arguments as {@link #tile12}.
     */
    static void tile8(int kc, float[] a, int aPanel, MemorySegment b, long bPanel, long bStride, float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector c0a = z, c0b = z, c1a = z, c1b = z;
        FloatVector c2a = z, c2b = z, c3a = z, c3b = z;
        FloatVector c4a = z, c4b = z, c5a = z, c5b = z;
        FloatVector c6a = z, c6b = z, c7a = z, c7b = z;
        long bp = bPanel;
        for (int p = aPanel, end = aPanel + kc; p < end; p++, bp += bStride) {
            FloatVector b0 = FloatVector.fromMemorySegment(F, b, bp, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(F, b, bp + VECTOR_BYTES, ORDER);
            FloatVector x = FloatVector.broadcast(F, a[p]);
            c0a = b0.fma(x, c0a);
            c0b = b1.fma(x, c0b);
            x = FloatVector.broadcast(F, a[p + KCP]);
            c1a = b0.fma(x, c1a);
            c1b = b1.fma(x, c1b);
            x = FloatVector.broadcast(F, a[p + 2 * KCP]);
            c2a = b0.fma(x, c2a);
            c2b = b1.fma(x, c2b);
            x = FloatVector.broadcast(F, a[p + 3 * KCP]);
            c3a = b0.fma(x, c3a);
            c3b = b1.fma(x, c3b);
            x = FloatVector.broadcast(F, a[p + 4 * KCP]);
            c4a = b0.fma(x, c4a);
            c4b = b1.fma(x, c4b);
            x = FloatVector.broadcast(F, a[p + 5 * KCP]);
            c5a = b0.fma(x, c5a);
            c5b = b1.fma(x, c5b);
            x = FloatVector.broadcast(F, a[p + 6 * KCP]);
            c6a = b0.fma(x, c6a);
            c6b = b1.fma(x, c6b);
            x = FloatVector.broadcast(F, a[p + 7 * KCP]);
            c7a = b0.fma(x, c7a);
            c7b = b1.fma(x, c7b);
        }
        c0a.intoArray(tile, 0 * NR);
        c0b.intoArray(tile, 0 * NR + L);
        c1a.intoArray(tile, 1 * NR);
        c1b.intoArray(tile, 1 * NR + L);
        c2a.intoArray(tile, 2 * NR);
        c2b.intoArray(tile, 2 * NR + L);
        c3a.intoArray(tile, 3 * NR);
        c3b.intoArray(tile, 3 * NR + L);
        c4a.intoArray(tile, 4 * NR);
        c4b.intoArray(tile, 4 * NR + L);
        c5a.intoArray(tile, 5 * NR);
        c5b.intoArray(tile, 5 * NR + L);
        c6a.intoArray(tile, 6 * NR);
        c6b.intoArray(tile, 6 * NR + L);
        c7a.intoArray(tile, 7 * NR);
        c7b.intoArray(tile, 7 * NR + L);
    }

    /**
     * The 6 x NR register tile, 12 accumulators: {@code tile (6, NR) = A panel (6, kc) * B panel (kc, NR)}.
     *
     * @param kc depth of the panels
     * @param a packed A: element {@code (r, p)} of the panel at {@code a[aPanel + r * KCP + p]}
     * @param aPanel index of the panel's element {@code (0, 0)}
     * @param b B: row {@code p} of the panel ({@code NR} floats) at byte {@code bPanel + p * bStride}
     * @param bPanel byte offset of the panel's first row
     * @param bStride bytes between rows of the panel: {@code NR * 4} when packed, {@code ldb * 4} in place
     * @param tile receives the products, row-major (6, NR)
     */
    static void tile6(int kc, float[] a, int aPanel, MemorySegment b, long bPanel, long bStride, float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector c0a = z, c0b = z, c1a = z, c1b = z;
        FloatVector c2a = z, c2b = z, c3a = z, c3b = z;
        FloatVector c4a = z, c4b = z, c5a = z, c5b = z;
        long bp = bPanel;
        for (int p = aPanel, end = aPanel + kc; p < end; p++, bp += bStride) {
            FloatVector b0 = FloatVector.fromMemorySegment(F, b, bp, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(F, b, bp + VECTOR_BYTES, ORDER);
            FloatVector x = FloatVector.broadcast(F, a[p]);
            c0a = b0.fma(x, c0a);
            c0b = b1.fma(x, c0b);
            x = FloatVector.broadcast(F, a[p + KCP]);
            c1a = b0.fma(x, c1a);
            c1b = b1.fma(x, c1b);
            x = FloatVector.broadcast(F, a[p + 2 * KCP]);
            c2a = b0.fma(x, c2a);
            c2b = b1.fma(x, c2b);
            x = FloatVector.broadcast(F, a[p + 3 * KCP]);
            c3a = b0.fma(x, c3a);
            c3b = b1.fma(x, c3b);
            x = FloatVector.broadcast(F, a[p + 4 * KCP]);
            c4a = b0.fma(x, c4a);
            c4b = b1.fma(x, c4b);
            x = FloatVector.broadcast(F, a[p + 5 * KCP]);
            c5a = b0.fma(x, c5a);
            c5b = b1.fma(x, c5b);
        }
        c0a.intoArray(tile, 0 * NR);
        c0b.intoArray(tile, 0 * NR + L);
        c1a.intoArray(tile, 1 * NR);
        c1b.intoArray(tile, 1 * NR + L);
        c2a.intoArray(tile, 2 * NR);
        c2b.intoArray(tile, 2 * NR + L);
        c3a.intoArray(tile, 3 * NR);
        c3b.intoArray(tile, 3 * NR + L);
        c4a.intoArray(tile, 4 * NR);
        c4b.intoArray(tile, 4 * NR + L);
        c5a.intoArray(tile, 5 * NR);
        c5b.intoArray(tile, 5 * NR + L);
    }
}
