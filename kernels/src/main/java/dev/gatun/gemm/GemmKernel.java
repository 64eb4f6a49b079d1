package dev.gatun.gemm;

import java.lang.foreign.MemorySegment;

/**
 * The unchecked entry points of a provider, called by {@link Gemm} and by the providers' public methods after
 * {@link dev.gatun.blas.BlasChecks} has accepted the arguments. Same conventions as {@link GemmProvider}; the
 * callers have already returned for empty outputs ({@code m == 0 || n == 0}).
 */
interface GemmKernel {

    /** {@code C = alpha * op(A) * op(B) + beta * C}, arguments already checked, {@code m, n > 0}. */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
              float beta, MemorySegment c, long cOffset, int ldc);

    /** {@code y = alpha * op(A) * x + beta * y}, arguments already checked, {@code m, n > 0}. */
    void gemv(boolean trans, int m, int n, float alpha, MemorySegment a, long aOffset, int lda,
              MemorySegment x, long xOffset, int incx, float beta, MemorySegment y, long yOffset, int incy);
}
