package dev.gatun.gemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The shape cases every provider treats alike: products that read neither A nor B ({@code alpha == 0} or
 * {@code k == 0}: C is only scaled), products with a single row or column of C (a GEMV: a GEMM there wastes its
 * packing and register tiles), and the BLAS rule for strided vectors.
 */
final class GemmShapes {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private GemmShapes() {}

    /**
     * Handles {@code alpha == 0} or {@code k == 0}, where {@code C = beta * C} and A, B are not read.
     *
     * @return whether the call was handled
     */
    static boolean onlyScalesC(int m, int n, int k, float alpha, float beta, MemorySegment c, long cOffset, int ldc) {
        if (k != 0 && alpha != 0f) {
            return false;
        }
        for (int i = 0; i < m; i++) {
            scale(n, beta, c, cOffset + (long) i * ldc, 1);
        }
        return true;
    }

    /**
     * Runs a GEMM with one row or one column of C as a GEMV on {@code kernel}. Needs {@code k > 0}.
     *
     * @return whether the call was a GEMV ({@code m == 1 || n == 1}) and has been done
     */
    static boolean asGemv(GemmKernel kernel, boolean transA, boolean transB, int m, int n, int k, float alpha,
                          MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                          float beta, MemorySegment c, long cOffset, int ldc) {
        if (n == 1) {
            // C (m, 1) = op(A) (m, k) x  with x = op(B) (k, 1): a row of stored B, or its column (stride ldb).
            int incx = transB ? 1 : ldb;
            if (transA) {  // A stored (k, m)
                kernel.gemv(true, k, m, alpha, a, aOffset, lda, b, bOffset, incx, beta, c, cOffset, ldc);
            } else {
                kernel.gemv(false, m, k, alpha, a, aOffset, lda, b, bOffset, incx, beta, c, cOffset, ldc);
            }
            return true;
        }
        if (m == 1) {
            // C (1, n) = x^T op(B) = op(B)^T x  with x = op(A) (1, k): a row of stored A, or its column (stride lda).
            int incx = transA ? lda : 1;
            if (transB) {  // B stored (n, k): y = B x
                kernel.gemv(false, n, k, alpha, b, bOffset, ldb, a, aOffset, incx, beta, c, cOffset, 1);
            } else {       // B stored (k, n): y = B^T x
                kernel.gemv(true, k, n, alpha, b, bOffset, ldb, a, aOffset, incx, beta, c, cOffset, 1);
            }
            return true;
        }
        return false;
    }

    /** {@code x = beta * x} over {@code n} strided elements; writes zeros without reading when {@code beta == 0}. */
    static void scale(int n, float beta, MemorySegment x, long offset, int inc) {
        if (beta == 1f) {
            return;
        }
        long step = Math.abs((long) inc);
        for (int i = 0; i < n; i++) {
            long at = offset + i * step;
            x.setAtIndex(FLOAT, at, beta == 0f ? 0f : beta * x.getAtIndex(FLOAT, at));
        }
    }

    /**
     * {@return the index (in floats) of element {@code i} of a BLAS vector of {@code n} elements with stride
     * {@code inc}} A negative stride walks the same storage backwards: element 0 is the last in memory.
     */
    static long element(long offset, int i, int n, int inc) {
        return inc > 0 ? offset + (long) i * inc : offset + (long) (n - 1 - i) * -(long) inc;
    }
}
