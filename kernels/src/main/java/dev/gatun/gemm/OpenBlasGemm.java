package dev.gatun.gemm;

import dev.gatun.blas.Blas;
import dev.gatun.blas.BlasChecks;
import dev.gatun.kernels.Vectorization;

import java.lang.foreign.MemorySegment;

/**
 * GEMM through OpenBLAS ({@link Blas}, loaded and configured by the ffm-bindings module).
 *
 * <p>Native code needs native memory: a call with a heap segment runs on the pure-Java provider instead. Products
 * that only scale C ({@code alpha == 0} or {@code k == 0}) are done here, so they never read A or B.
 * GEMV shapes (one row or column of C, and {@link #sgemv}) go to whichever of {@code cblas_sgemv} and the Java GEMV
 * measured faster for that shape class; see {@link #javaGemvIsFaster}.
 */
final class OpenBlasGemm implements GemmProvider, GemmKernel {

    /**
     * GEMVs up to this many elements of A run on the Java GEMV: a native call plus its checks cost more than the
     * work (16 x 16, {@code y = A x}: 126 vs 216 ns per call).
     */
    static final long TINY_GEMV_ELEMENTS = 1024;
    /**
     * The transposed GEMV ({@code y = A^T x}) runs on the Java GEMV from four vectors of columns up to this many
     * elements of A (about what fits in L2), where it beat {@code cblas_sgemv} of OpenBLAS 0.3.21 (SkylakeX kernels)
     * in {@code GemvBenchmark} (GB/s of A, best iteration, one thread: 106 vs 72 at 256 x 256, 63 vs 44 at 64 x 64,
     * 85 vs 72 at 256 x 1024; 1024 x 256 went either way between runs on a busy machine). Larger matrices are
     * memory-bound and OpenBLAS was as fast or slightly faster; so was it for narrower ones, and for the plain form
     * {@code y = A x} at every size but the tiny ones (57 vs 24 GB/s at 64 x 64, 50 vs 38 at 256 x 256).
     */
    static final long JAVA_TRANSPOSED_GEMV_MAX_ELEMENTS = 1L << 20;

    private static final class Holder {
        static final OpenBlasGemm INSTANCE = Blas.available() ? new OpenBlasGemm() : null;
    }

    private OpenBlasGemm() {}

    /**
     * {@return the provider}
     *
     * @throws IllegalStateException if no OpenBLAS could be loaded
     */
    static OpenBlasGemm instance() {
        OpenBlasGemm p = Holder.INSTANCE;
        if (p == null) {
            throw new IllegalStateException("OpenBLAS is not available: " + Blas.info());
        }
        return p;
    }

    @Override
    public String name() {
        return "openblas";
    }

    @Override
    public String toString() {
        var info = Blas.info();
        return "openblas (" + info.source() + " " + info.path() + ", core " + info.coreName() + ", "
                + info.threads() + " thread" + (info.threads() == 1 ? "" : "s") + ")";
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
        if (!(a.isNative() && b.isNative() && c.isNative())) {
            Gemm.javaKernel().gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb,
                    beta, c, cOffset, ldc);
            return;
        }
        if (GemmShapes.onlyScalesC(m, n, k, alpha, beta, c, cOffset, ldc)
                || GemmShapes.asGemv(this, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb,
                        beta, c, cOffset, ldc)) {
            return;
        }
        Blas.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    @Override
    public void gemv(boolean trans, int m, int n, float alpha, MemorySegment a, long aOffset, int lda,
                     MemorySegment x, long xOffset, int incx, float beta, MemorySegment y, long yOffset, int incy) {
        if (!(a.isNative() && x.isNative() && y.isNative()) || javaGemvIsFaster(trans, m, n)) {
            Gemm.javaKernel().gemv(trans, m, n, alpha, a, aOffset, lda, x, xOffset, incx, beta, y, yOffset, incy);
            return;
        }
        Blas.sgemv(trans, m, n, alpha, a, aOffset, lda, x, xOffset, incx, beta, y, yOffset, incy);
    }

    /** The measured routing of GEMVs (A is m x n); the scalar twin never beats OpenBLAS. */
    static boolean javaGemvIsFaster(boolean trans, int m, int n) {
        if (!Vectorization.enabled()) {
            return false;
        }
        long elements = (long) m * n;
        if (elements <= TINY_GEMV_ELEMENTS) {
            return true;
        }
        return trans && n >= 4 * Vectorization.bitSize() / Float.SIZE && elements <= JAVA_TRANSPOSED_GEMV_MAX_ELEMENTS;
    }
}
