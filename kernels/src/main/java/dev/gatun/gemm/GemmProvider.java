package dev.gatun.gemm;

import java.lang.foreign.MemorySegment;

/**
 * One implementation of float GEMM and GEMV: OpenBLAS through FFM, the pure-Java Vector API kernels, or their scalar
 * twin. {@link Gemm} picks one for the process; use a provider directly to compare them side by side (benchmarks,
 * {@code gatun smoke}).
 *
 * <p>The conventions are those of {@link dev.gatun.blas.Blas#sgemm} and {@link dev.gatun.blas.Blas#sgemv}:
 * row-major, offsets and leading dimensions in floats, arguments checked by {@link dev.gatun.blas.BlasChecks}
 * ({@link IllegalArgumentException} naming the shapes). The Java providers accept heap segments too; the OpenBLAS
 * provider runs a call with a heap segment on the Java provider, since native code needs native memory.
 * Every provider is thread-safe: scratch memory is per thread.
 */
public sealed interface GemmProvider permits OpenBlasGemm, PanamaGemm, ScalarGemm {

    /** {@return the short name: {@code "openblas"}, {@code "java"} or {@code "scalar"}} */
    String name();

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}; see {@link dev.gatun.blas.Blas#sgemm} for every argument.
     * C is not read when {@code beta == 0}, A and B are not read when {@code alpha == 0} or {@code k == 0}.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
               float beta, MemorySegment c, long cOffset, int ldc);

    /**
     * {@code y = alpha * op(A) * x + beta * y} with A row-major {@code m x n}; see {@link dev.gatun.blas.Blas#sgemv}
     * for every argument. As in BLAS, nothing is done when {@code m == 0} or {@code n == 0}.
     */
    void sgemv(boolean trans, int m, int n, float alpha, MemorySegment a, long aOffset, int lda,
               MemorySegment x, long xOffset, int incx, float beta, MemorySegment y, long yOffset, int incy);

    /**
     * {@return OpenBLAS as loaded by {@link dev.gatun.blas.Blas}}
     *
     * @throws IllegalStateException if no OpenBLAS could be loaded (the message says why)
     */
    static GemmProvider openBlas() {
        return OpenBlasGemm.instance();
    }

    /**
     * {@return the pure-Java GEMM: the Vector API kernels when {@link dev.gatun.kernels.Vectorization#enabled()},
     * else their scalar twin (its {@link #name()} says which)}
     */
    static GemmProvider javaVector() {
        return Gemm.javaProvider();
    }

    /** {@return the scalar GEMM (plain loops, cache-blocked), the reference twin of the Vector API kernels} */
    static GemmProvider scalar() {
        return ScalarGemm.INSTANCE;
    }
}
