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
 * measured faster for that shape class; see {@link #javaGemvIsFaster}. Likewise a few rows of A times a large B
 * ({@link #javaGemmIsFaster}).
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
    /**
     * GEMMs without transposes, with at most this many rows of A (the Java GEMM's in-place-B limit) and B of at
     * least {@link #JAVA_GEMM_MIN_B_ELEMENTS}, run on the Java GEMM: OpenBLAS packs B on every call, which for a few
     * rows of A costs more than the product, while the Java GEMM reads B in place. Measured (GemmBenchmark, one
     * thread, Zen 5, OpenBLAS 0.3.21 SkylakeX kernels, GFLOP/s Java vs OpenBLAS): 32x256x1024 168 vs 125,
     * 32x512x2048 173 vs 114, 48x256x1024 176 vs 158, 32x1024x256 155 vs 117, 16x256x1024 110 vs 98, 4x512x512 68 vs
     * 34 (the backward step of a recurrent layer, dh = dPre W_hh, is 32x256x1024 at B = 32, H = 256). OpenBLAS stays
     * faster for a small B (8x256x256 200 vs 138, 32x64x64 206 vs 125), for 64 rows and more (64x256x1024 163 vs
     * 149) and for transposed operands (32x1024x256 NT 125 vs 130: even).
     */
    static final int JAVA_GEMM_MAX_ROWS = 48;
    static final long JAVA_GEMM_MIN_B_ELEMENTS = 1L << 18;

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
        if (!(a.isNative() && b.isNative() && c.isNative()) || javaGemmIsFaster(transA, transB, m, n, k)) {
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

    /** The measured routing of GEMMs (see {@link #JAVA_GEMM_MAX_ROWS}); only with 512-bit Vector API kernels. */
    static boolean javaGemmIsFaster(boolean transA, boolean transB, int m, int n, int k) {
        return !transA && !transB && m > 1 && m <= JAVA_GEMM_MAX_ROWS && n > 1
                && (long) k * n >= JAVA_GEMM_MIN_B_ELEMENTS && Vectorization.enabled()
                && Vectorization.bitSize() >= 512;
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
