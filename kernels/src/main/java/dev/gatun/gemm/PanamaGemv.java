package dev.gatun.gemm;

import static dev.gatun.gemm.PanamaMicroKernels.F;
import static dev.gatun.gemm.PanamaMicroKernels.L;
import static dev.gatun.gemm.PanamaMicroKernels.ORDER;
import static dev.gatun.gemm.PanamaMicroKernels.VECTOR_BYTES;

import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GEMV on the Vector API. Memory-bound (each element of A is used once), so both forms read A exactly once, in
 * full vectors, with enough independent accumulators to keep several loads in flight:
 * <ul>
 *   <li>{@code y = A x}: four rows at a time, two accumulators per row (8 FMA chains), x loaded once for the four
 *   rows, then one reduction per row and a scalar tail of fewer than one vector;</li>
 *   <li>{@code y = A^T x}: a block of eight (then four, then one) vectors of columns held in registers while every
 *   row of A goes by (one broadcast of x_i, eight FMAs), so y is written once and no reduction is needed; the
 *   last fewer-than-one-vector columns are scalar dot products.</li>
 * </ul>
 * x is first gathered into a per-thread contiguous array (O(n), any stride); results go to a per-thread array and
 * are then stored with alpha and beta (y not read when beta is 0).
 */
final class PanamaGemv {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private static final class Scratch {
        float[] x = new float[0];
        float[] y = new float[0];
        final float[] lanes = new float[4 * L];   // four row sums' vectors, reduced by sumLanes
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PanamaGemv() {}

    /**
     * The sum of the L floats at {@code lanes[at]}, a vector just stored there, in a fixed order: a tree of halves
     * (lane i plus lane i + w, w = L/2, L/4, ..., 1). Not {@code reduceLanes(ADD)}: its order is not specified, and
     * it differs between the interpreter (lane by lane) and C2 (measured: 689 of 1000 sums changed bits once
     * compiled), which broke bitwise determinism from cold to warm. Scalar, on an array: a helper that takes a vector
     * is inlined only while C2's budget lasts, and one left out of line boxes its argument.
     */
    static float sumLanes(float[] lanes, int at) {
        for (int w = L / 2; w >= 1; w >>= 1) {
            for (int i = at; i < at + w; i++) {
                lanes[i] += lanes[i + w];
            }
        }
        return lanes[at];
    }

    /** {@code y = alpha * op(A) x + beta * y}, arguments checked, {@code m, n > 0}. */
    static void gemv(boolean trans, int m, int n, float alpha, MemorySegment a, long aOffset, int lda,
                     MemorySegment x, long xOffset, int incx, float beta, MemorySegment y, long yOffset, int incy) {
        int xLen = trans ? m : n, yLen = trans ? n : m;
        if (alpha == 0f) {
            GemmShapes.scale(yLen, beta, y, yOffset, incy);
            return;
        }
        Scratch s = SCRATCH.get();
        if (s.x.length < xLen) {
            s.x = new float[xLen];
        }
        if (s.y.length < yLen) {
            s.y = new float[yLen];
        }
        float[] xs = s.x, ys = s.y;
        if (incx == 1) {
            MemorySegment.copy(x, FLOAT, xOffset * Float.BYTES, xs, 0, xLen);
        } else {
            for (int i = 0; i < xLen; i++) {
                xs[i] = x.getAtIndex(FLOAT, GemmShapes.element(xOffset, i, xLen, incx));
            }
        }
        if (trans) {
            transposed(m, n, a, aOffset, lda, xs, ys);
        } else {
            plain(m, n, a, aOffset, lda, xs, ys, s.lanes);
        }
        store(ys, yLen, alpha, beta, y, yOffset, incy);
    }

    // Each block shape is its own small method: one large method with all of them exceeds what C2 inlines of the
    // Vector API, and uninlined vector operations allocate (measured: 1.4 GB/s instead of 80).

    /** {@code ys (m,) = A (m, n) xs (n,)}. */
    private static void plain(int m, int n, MemorySegment a, long aOffset, int lda, float[] xs, float[] ys,
                              float[] lanes) {
        if (n < L) {
            // Rows shorter than a vector: all scalar. The vector code would only add zero accumulators whose loops
            // never run, which is what C2 has been seen to box (see PanamaLstmCell on hoisted vector constants).
            for (int i = 0; i < m; i++) {
                ys[i] = rowTail(0, n, a, (aOffset + (long) i * lda) * Float.BYTES, xs);
            }
            return;
        }
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            fourRows(n, a, (aOffset + (long) i * lda) * Float.BYTES, (long) lda * Float.BYTES, xs, ys, i, lanes);
        }
        for (; i < m; i++) {
            ys[i] = oneRow(n, a, (aOffset + (long) i * lda) * Float.BYTES, xs, lanes);
        }
    }

    /** {@code ys[i:i+4]} = four rows of A, from byte {@code r0} and {@code rowBytes} apart, times xs. */
    private static void fourRows(int n, MemorySegment a, long r0, long rowBytes, float[] xs, float[] ys, int i,
                                 float[] lanes) {
        long r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
        int j = 0;
        for (int bound = n - n % (2 * L); j < bound; j += 2 * L) {
            long o = (long) j * Float.BYTES;
            FloatVector xv = FloatVector.fromArray(F, xs, j), xw = FloatVector.fromArray(F, xs, j + L);
            s0 = FloatVector.fromMemorySegment(F, a, r0 + o, ORDER).fma(xv, s0);
            s1 = FloatVector.fromMemorySegment(F, a, r1 + o, ORDER).fma(xv, s1);
            s2 = FloatVector.fromMemorySegment(F, a, r2 + o, ORDER).fma(xv, s2);
            s3 = FloatVector.fromMemorySegment(F, a, r3 + o, ORDER).fma(xv, s3);
            t0 = FloatVector.fromMemorySegment(F, a, r0 + o + VECTOR_BYTES, ORDER).fma(xw, t0);
            t1 = FloatVector.fromMemorySegment(F, a, r1 + o + VECTOR_BYTES, ORDER).fma(xw, t1);
            t2 = FloatVector.fromMemorySegment(F, a, r2 + o + VECTOR_BYTES, ORDER).fma(xw, t2);
            t3 = FloatVector.fromMemorySegment(F, a, r3 + o + VECTOR_BYTES, ORDER).fma(xw, t3);
        }
        if (j + L <= n) {
            long o = (long) j * Float.BYTES;
            FloatVector xv = FloatVector.fromArray(F, xs, j);
            s0 = FloatVector.fromMemorySegment(F, a, r0 + o, ORDER).fma(xv, s0);
            s1 = FloatVector.fromMemorySegment(F, a, r1 + o, ORDER).fma(xv, s1);
            s2 = FloatVector.fromMemorySegment(F, a, r2 + o, ORDER).fma(xv, s2);
            s3 = FloatVector.fromMemorySegment(F, a, r3 + o, ORDER).fma(xv, s3);
            j += L;
        }
        s0.add(t0).intoArray(lanes, 0);
        s1.add(t1).intoArray(lanes, L);
        s2.add(t2).intoArray(lanes, 2 * L);
        s3.add(t3).intoArray(lanes, 3 * L);
        ys[i] = sumLanes(lanes, 0) + rowTail(j, n, a, r0, xs);
        ys[i + 1] = sumLanes(lanes, L) + rowTail(j, n, a, r1, xs);
        ys[i + 2] = sumLanes(lanes, 2 * L) + rowTail(j, n, a, r2, xs);
        ys[i + 3] = sumLanes(lanes, 3 * L) + rowTail(j, n, a, r3, xs);
    }

    /**
     * The last {@code n - j < L} products of a row, scalar. A masked vector tail would be shorter to write, but C2
     * does not always intrinsify partial-mask loads (seen on AVX-512 with n = 12 < L: every masked load, and with it
     * every vector of the method, boxed; 380 bytes per row of A), and this tail is at most L - 1 FMAs.
     */
    private static float rowTail(int j, int n, MemorySegment a, long r0, float[] xs) {
        float sum = 0f;
        for (; j < n; j++) {
            sum = Math.fma(a.get(FLOAT, r0 + (long) j * Float.BYTES), xs[j], sum);
        }
        return sum;
    }

    /** One row of A, from byte {@code r0}, times xs. */
    private static float oneRow(int n, MemorySegment a, long r0, float[] xs, float[] lanes) {
        FloatVector s0 = FloatVector.zero(F), t0 = s0;
        int j = 0;
        for (int bound = n - n % (2 * L); j < bound; j += 2 * L) {
            long o = (long) j * Float.BYTES;
            s0 = FloatVector.fromMemorySegment(F, a, r0 + o, ORDER).fma(FloatVector.fromArray(F, xs, j), s0);
            t0 = FloatVector.fromMemorySegment(F, a, r0 + o + VECTOR_BYTES, ORDER)
                    .fma(FloatVector.fromArray(F, xs, j + L), t0);
        }
        if (j + L <= n) {
            s0 = FloatVector.fromMemorySegment(F, a, r0 + (long) j * Float.BYTES, ORDER)
                    .fma(FloatVector.fromArray(F, xs, j), s0);
            j += L;
        }
        s0.add(t0).intoArray(lanes, 0);
        return sumLanes(lanes, 0) + rowTail(j, n, a, r0, xs);
    }

    /** {@code ys (n,) = A^T xs} with A (m, n), xs (m,): blocks of 8, then 4, then 1 vector of columns. */
    private static void transposed(int m, int n, MemorySegment a, long aOffset, int lda, float[] xs, float[] ys) {
        long rowBytes = (long) lda * Float.BYTES;
        int j = 0;
        for (; j + 8 * L <= n; j += 8 * L) {
            eightColumns(m, a, (aOffset + j) * Float.BYTES, rowBytes, xs, ys, j);
        }
        if (j + 4 * L <= n) {
            fourColumns(m, a, (aOffset + j) * Float.BYTES, rowBytes, xs, ys, j);
            j += 4 * L;
        }
        for (; j + L <= n; j += L) {
            oneColumn(m, a, (aOffset + j) * Float.BYTES, rowBytes, xs, ys, j);
        }
        for (; j < n; j++) {  // scalar edge columns: see rowTail for why not a masked vector
            ys[j] = column(m, a, (aOffset + j) * Float.BYTES, rowBytes, xs);
        }
    }

    /** One column of A, from byte {@code at}, rows {@code rowBytes} apart, times xs. */
    private static float column(int m, MemorySegment a, long at, long rowBytes, float[] xs) {
        float sum = 0f;
        for (int i = 0; i < m; i++, at += rowBytes) {
            sum = Math.fma(a.get(FLOAT, at), xs[i], sum);
        }
        return sum;
    }

    /** Eight vectors of columns held in registers while every row of A goes by: 8 FMA chains. */
    private static void eightColumns(int m, MemorySegment a, long at, long rowBytes, float[] xs, float[] ys, int j) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int i = 0; i < m; i++, at += rowBytes) {
            FloatVector xi = FloatVector.broadcast(F, xs[i]);
            c0 = FloatVector.fromMemorySegment(F, a, at, ORDER).fma(xi, c0);
            c1 = FloatVector.fromMemorySegment(F, a, at + VECTOR_BYTES, ORDER).fma(xi, c1);
            c2 = FloatVector.fromMemorySegment(F, a, at + 2 * VECTOR_BYTES, ORDER).fma(xi, c2);
            c3 = FloatVector.fromMemorySegment(F, a, at + 3 * VECTOR_BYTES, ORDER).fma(xi, c3);
            c4 = FloatVector.fromMemorySegment(F, a, at + 4 * VECTOR_BYTES, ORDER).fma(xi, c4);
            c5 = FloatVector.fromMemorySegment(F, a, at + 5 * VECTOR_BYTES, ORDER).fma(xi, c5);
            c6 = FloatVector.fromMemorySegment(F, a, at + 6 * VECTOR_BYTES, ORDER).fma(xi, c6);
            c7 = FloatVector.fromMemorySegment(F, a, at + 7 * VECTOR_BYTES, ORDER).fma(xi, c7);
        }
        c0.intoArray(ys, j);
        c1.intoArray(ys, j + L);
        c2.intoArray(ys, j + 2 * L);
        c3.intoArray(ys, j + 3 * L);
        c4.intoArray(ys, j + 4 * L);
        c5.intoArray(ys, j + 5 * L);
        c6.intoArray(ys, j + 6 * L);
        c7.intoArray(ys, j + 7 * L);
    }

    /** Four vectors of columns, two rows per step with their own accumulators: 8 FMA chains. */
    private static void fourColumns(int m, MemorySegment a, long at, long rowBytes, float[] xs, float[] ys, int j) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, d0 = c0, d1 = c0, d2 = c0, d3 = c0;
        int i = 0;
        for (; i + 2 <= m; i += 2, at += 2 * rowBytes) {
            FloatVector xi = FloatVector.broadcast(F, xs[i]), xk = FloatVector.broadcast(F, xs[i + 1]);
            long next = at + rowBytes;
            c0 = FloatVector.fromMemorySegment(F, a, at, ORDER).fma(xi, c0);
            c1 = FloatVector.fromMemorySegment(F, a, at + VECTOR_BYTES, ORDER).fma(xi, c1);
            c2 = FloatVector.fromMemorySegment(F, a, at + 2 * VECTOR_BYTES, ORDER).fma(xi, c2);
            c3 = FloatVector.fromMemorySegment(F, a, at + 3 * VECTOR_BYTES, ORDER).fma(xi, c3);
            d0 = FloatVector.fromMemorySegment(F, a, next, ORDER).fma(xk, d0);
            d1 = FloatVector.fromMemorySegment(F, a, next + VECTOR_BYTES, ORDER).fma(xk, d1);
            d2 = FloatVector.fromMemorySegment(F, a, next + 2 * VECTOR_BYTES, ORDER).fma(xk, d2);
            d3 = FloatVector.fromMemorySegment(F, a, next + 3 * VECTOR_BYTES, ORDER).fma(xk, d3);
        }
        if (i < m) {
            FloatVector xi = FloatVector.broadcast(F, xs[i]);
            c0 = FloatVector.fromMemorySegment(F, a, at, ORDER).fma(xi, c0);
            c1 = FloatVector.fromMemorySegment(F, a, at + VECTOR_BYTES, ORDER).fma(xi, c1);
            c2 = FloatVector.fromMemorySegment(F, a, at + 2 * VECTOR_BYTES, ORDER).fma(xi, c2);
            c3 = FloatVector.fromMemorySegment(F, a, at + 3 * VECTOR_BYTES, ORDER).fma(xi, c3);
        }
        c0.add(d0).intoArray(ys, j);
        c1.add(d1).intoArray(ys, j + L);
        c2.add(d2).intoArray(ys, j + 2 * L);
        c3.add(d3).intoArray(ys, j + 3 * L);
    }

    /** One vector of columns, four rows per step: 4 FMA chains. */
    private static void oneColumn(int m, MemorySegment a, long at, long rowBytes, float[] xs, float[] ys, int j) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        int i = 0;
        for (; i + 4 <= m; i += 4, at += 4 * rowBytes) {
            c0 = FloatVector.fromMemorySegment(F, a, at, ORDER).fma(FloatVector.broadcast(F, xs[i]), c0);
            c1 = FloatVector.fromMemorySegment(F, a, at + rowBytes, ORDER)
                    .fma(FloatVector.broadcast(F, xs[i + 1]), c1);
            c2 = FloatVector.fromMemorySegment(F, a, at + 2 * rowBytes, ORDER)
                    .fma(FloatVector.broadcast(F, xs[i + 2]), c2);
            c3 = FloatVector.fromMemorySegment(F, a, at + 3 * rowBytes, ORDER)
                    .fma(FloatVector.broadcast(F, xs[i + 3]), c3);
        }
        for (; i < m; i++, at += rowBytes) {
            c0 = FloatVector.fromMemorySegment(F, a, at, ORDER).fma(FloatVector.broadcast(F, xs[i]), c0);
        }
        c0.add(c1).add(c2.add(c3)).intoArray(ys, j);
    }

    /** {@code y = alpha * ys + beta * y} over {@code n} strided elements; y is not read when beta is 0. */
    // Scalar: this pass runs once per call over one output row, so its loop gets few iterations and C2 compiles it
    // late; until then C1 code would box every vector (measured: 10,752 bytes per 2048 x 256 transposed GEMV for the
    // first ~2,500 calls). Element by element the same operations as a vector pass, so the same results.
    private static void store(float[] ys, int n, float alpha, float beta, MemorySegment y, long yOffset, int incy) {
        for (int j = 0; j < n; j++) {
            long at = GemmShapes.element(yOffset, j, n, incy);
            float v = alpha * ys[j];
            y.setAtIndex(FLOAT, at, beta == 0f ? v : v + beta * y.getAtIndex(FLOAT, at));
        }
    }

}
