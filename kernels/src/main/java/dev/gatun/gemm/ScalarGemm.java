package dev.gatun.gemm;

import dev.gatun.blas.BlasChecks;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar twin of {@link PanamaGemm}: plain Java loops, used when the Vector API is off. Cache-blocked so that
 * it stays usable on large matrices: a {@code KC x NC} block of {@code op(B)} is copied row-major into a per-thread
 * array (this also undoes a transpose), then every row of C is accumulated as {@code sum_p a[i][p] * b[p][:]} over
 * contiguous floats. Accumulation is in float, in the order of k. About 2-5 GFLOP/s: C2 (JDK 25) does not
 * auto-vectorize the inner loop, since it cannot rule out that the two {@code float[]}s overlap.
 */
final class ScalarGemm implements GemmProvider, GemmKernel {
    static final ScalarGemm INSTANCE = new ScalarGemm();

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Depth of one block of op(B): KC x NC floats = 512 KiB, about an L2 cache. */
    private static final int KC = 256;
    private static final int NC = 512;

    /** Per-thread work arrays, grown on first use to the largest block needed, then reused. */
    private static final class Scratch {
        float[] block = new float[0];   // op(B) block (kc, nc), row-major
        float[] row = new float[0];     // op(A) row (kc,) or a gathered vector
        float[] acc = new float[0];     // one row of C (nc,), or y of a transposed GEMV

        static float[] grow(float[] a, int n) {
            return a.length >= n ? a : new float[n];
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private ScalarGemm() {}

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public String toString() {
        return "scalar Java GEMM (plain loops, cache-blocked)";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                      float beta, MemorySegment c, long cOffset, int ldc) {
        BlasChecks.checkGemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        if (m > 0 && n > 0) {
            gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        }
    }

    @Override
    public void sgemv(boolean trans, int m, int n, float alpha, MemorySegment a, long aOffset, int lda,
                      MemorySegment x, long xOffset, int incx, float beta, MemorySegment y, long yOffset, int incy) {
        BlasChecks.checkGemv(trans, m, n, a, aOffset, lda, x, xOffset, incx, y, yOffset, incy);
        if (m > 0 && n > 0) {
            gemv(trans, m, n, alpha, a, aOffset, lda, x, xOffset, incx, beta, y, yOffset, incy);
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                     float beta, MemorySegment c, long cOffset, int ldc) {
        if (GemmShapes.onlyScalesC(m, n, k, alpha, beta, c, cOffset, ldc)
                || GemmShapes.asGemv(this, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb,
                        beta, c, cOffset, ldc)) {
            return;
        }
        Scratch s = SCRATCH.get();
        s.block = Scratch.grow(s.block, Math.min(KC, k) * Math.min(NC, n));
        s.row = Scratch.grow(s.row, Math.min(KC, k));
        s.acc = Scratch.grow(s.acc, Math.min(NC, n));
        float[] block = s.block, row = s.row, acc = s.acc;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                // block (kc, nc) = op(B)[pc:pc+kc, jc:jc+nc]
                for (int p = 0; p < kc; p++) {
                    if (transB) {  // B stored (n, k)
                        for (int j = 0; j < nc; j++) {
                            block[p * nc + j] = b.getAtIndex(FLOAT, bOffset + (long) (jc + j) * ldb + pc + p);
                        }
                    } else {
                        MemorySegment.copy(b, FLOAT, (bOffset + (long) (pc + p) * ldb + jc) * Float.BYTES,
                                block, p * nc, nc);
                    }
                }
                float betaHere = pc == 0 ? beta : 1f;  // later blocks add to what the first one wrote
                for (int i = 0; i < m; i++) {
                    // row (kc,) = op(A)[i, pc:pc+kc]
                    if (transA) {  // A stored (k, m)
                        for (int p = 0; p < kc; p++) {
                            row[p] = a.getAtIndex(FLOAT, aOffset + (long) (pc + p) * lda + i);
                        }
                    } else {
                        MemorySegment.copy(a, FLOAT, (aOffset + (long) i * lda + pc) * Float.BYTES, row, 0, kc);
                    }
                    java.util.Arrays.fill(acc, 0, nc, 0f);
                    for (int p = 0; p < kc; p++) {
                        float ap = row[p];
                        int base = p * nc;
                        for (int j = 0; j < nc; j++) {
                            acc[j] += ap * block[base + j];
                        }
                    }
                    storeRow(acc, nc, alpha, betaHere, c, cOffset + (long) i * ldc + jc, 1);
                }
            }
        }
    }

    @Override
    public void gemv(boolean trans, int m, int n, float alpha, MemorySegment a, long aOffset, int lda,
                     MemorySegment x, long xOffset, int incx, float beta, MemorySegment y, long yOffset, int incy) {
        int xLen = trans ? m : n, yLen = trans ? n : m;
        if (alpha == 0f) {
            GemmShapes.scale(yLen, beta, y, yOffset, incy);
            return;
        }
        Scratch s = SCRATCH.get();
        s.row = Scratch.grow(s.row, xLen);
        s.acc = Scratch.grow(s.acc, Math.max(n, m));
        float[] xs = s.row, acc = s.acc;
        for (int i = 0; i < xLen; i++) {
            xs[i] = x.getAtIndex(FLOAT, GemmShapes.element(xOffset, i, xLen, incx));
        }
        if (trans) {  // y (n,) = A^T x: add x_i * (row i of A) for every row
            java.util.Arrays.fill(acc, 0, n, 0f);
            for (int i = 0; i < m; i++) {
                float xi = xs[i];
                long row = aOffset + (long) i * lda;
                for (int j = 0; j < n; j++) {
                    acc[j] += xi * a.getAtIndex(FLOAT, row + j);
                }
            }
        } else {      // y (m,) = A x: one dot product per row
            for (int i = 0; i < m; i++) {
                long row = aOffset + (long) i * lda;
                float sum = 0f;
                for (int j = 0; j < n; j++) {
                    sum += a.getAtIndex(FLOAT, row + j) * xs[j];
                }
                acc[i] = sum;
            }
        }
        storeRow(acc, yLen, alpha, beta, y, yOffset, incy);
    }

    /** {@code y = alpha * acc + beta * y} over {@code n} strided elements; y is not read when {@code beta == 0}. */
    private static void storeRow(float[] acc, int n, float alpha, float beta, MemorySegment y, long offset, int inc) {
        for (int j = 0; j < n; j++) {
            long at = GemmShapes.element(offset, j, n, inc);
            float v = alpha * acc[j];
            y.setAtIndex(FLOAT, at, beta == 0f ? v : v + beta * y.getAtIndex(FLOAT, at));
        }
    }
}
