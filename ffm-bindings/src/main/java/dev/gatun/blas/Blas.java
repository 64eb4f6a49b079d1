package dev.gatun.blas;

import java.lang.foreign.MemorySegment;

/**
 * OpenBLAS for Gatun: row-major float BLAS on native memory, with every argument checked before native code runs.
 *
 * <p>Which library is used is decided once, on first use, and logged at INFO on the {@code dev.gatun.blas}
 * {@link System.Logger}: {@code -Dgatun.openblas.path=FILE} if set, else the system {@code libopenblas.so.0}, else
 * the {@code org.bytedeco:openblas:...:linux-x86_64} natives jar if it is on the classpath (extracted once to
 * {@code ${XDG_CACHE_HOME:-~/.cache}/gatun}, or {@code -Dgatun.cache.dir}), else none, and the kernels module uses
 * its pure-Java GEMM. {@code -Dgatun.openblas=auto|system|bundled|none} forces a source. Before loading, Gatun sets
 * {@code OPENBLAS_CORETYPE=SKYLAKEX} on AVX-512 CPUs that OpenBLAS would mis-detect
 * ({@code -Dgatun.openblas.coretype=auto} to keep OpenBLAS's detection, {@code =NAME} to choose), and after loading
 * it sets OpenBLAS to 1 thread ({@code -Dgatun.blas.threads=N}).
 *
 * <p>Conventions: matrices are row-major; offsets and leading dimensions count floats; segments must be native
 * (allocated from an {@link java.lang.foreign.Arena}). Arguments are checked by {@link BlasChecks}: a wrong one is
 * an {@link IllegalArgumentException} naming the shapes, a closed segment an {@link IllegalStateException}. Every
 * operation throws {@link IllegalStateException} when {@link #available()} is false; the message lists the sources
 * tried and why each failed.
 */
public final class Blas {

    private Blas() {
    }

    /** Decided on first use of the facade; a holder class, so no lock is taken afterwards. */
    private static final class Holder {
        static final BlasDiscovery.Outcome OUTCOME = BlasDiscovery.discoverAndLog(BlasSettings.fromSystemProperties());
        static final BlasLibrary LIBRARY = OUTCOME.library();
    }

    /** {@return whether an OpenBLAS library is loaded} */
    public static boolean available() {
        return Holder.LIBRARY != null;
    }

    /** {@return which OpenBLAS is used (or why none), with the current thread count} */
    public static BlasInfo info() {
        BlasLibrary library = Holder.LIBRARY;
        return library != null ? library.info() : Holder.OUTCOME.info();
    }

    /** {@return the number of threads OpenBLAS uses, or 0 when none is loaded} */
    public static int threads() {
        BlasLibrary library = Holder.LIBRARY;
        return library != null ? library.threads() : 0;
    }

    /**
     * Sets the number of threads OpenBLAS uses.
     *
     * @param n at least 1
     * @throws IllegalArgumentException if {@code n < 1}
     * @throws IllegalStateException if no OpenBLAS is loaded
     */
    public static void setThreads(int n) {
        library().setThreads(n);
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} with row-major {@code op(A)} of {@code m x k}, {@code op(B)} of
     * {@code k x n} and C of {@code m x n}. With {@code k == 0}, C is scaled by beta; with {@code m == 0} or
     * {@code n == 0} nothing is done. C must not overlap A or B.
     *
     * @param transA whether A is stored transposed ({@code k x m}, {@code lda >= max(1, m)}), else {@code m x k}
     *     ({@code lda >= max(1, k)})
     * @param transB whether B is stored transposed ({@code n x k}, {@code ldb >= max(1, k)}), else {@code k x n}
     *     ({@code ldb >= max(1, n)})
     * @param m rows of C
     * @param n columns of C
     * @param k the inner dimension
     * @param alpha scales {@code op(A) op(B)}
     * @param a A
     * @param aOffset A's first element, in floats
     * @param lda A's row stride, in floats
     * @param b B
     * @param bOffset B's first element, in floats
     * @param ldb B's row stride, in floats
     * @param beta scales C (C is not read when 0)
     * @param c C, written ({@code ldc >= max(1, n)})
     * @param cOffset C's first element, in floats
     * @param ldc C's row stride, in floats
     * @throws IllegalArgumentException for a wrong argument, a heap segment or overlapping output
     * @throws IllegalStateException if a segment is closed or no OpenBLAS is loaded
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                             float beta, MemorySegment c, long cOffset, int ldc) {
        library().sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    /**
     * {@code y = alpha * A * x + beta * y}, or {@code y = alpha * A^T * x + beta * y} when {@code trans}, with A a
     * row-major {@code m x n} matrix ({@code lda >= max(1, n)}). With {@code m == 0} or {@code n == 0} nothing is
     * done (as in BLAS, y is not scaled). y must not overlap A or x.
     *
     * @param trans whether to multiply by A transposed
     * @param m rows of A
     * @param n columns of A
     * @param alpha scales the product
     * @param a A
     * @param aOffset A's first element, in floats
     * @param lda A's row stride, in floats
     * @param x x, {@code trans ? m : n} elements
     * @param xOffset x's first element, in floats
     * @param incx x's stride, non-zero
     * @param beta scales y (y is not read when 0)
     * @param y y, {@code trans ? n : m} elements, written
     * @param yOffset y's first element, in floats
     * @param incy y's stride, non-zero
     * @throws IllegalArgumentException for a wrong argument, a heap segment or overlapping output
     * @throws IllegalStateException if a segment is closed or no OpenBLAS is loaded
     */
    public static void sgemv(boolean trans, int m, int n, float alpha, MemorySegment a, long aOffset, int lda,
                             MemorySegment x, long xOffset, int incx, float beta,
                             MemorySegment y, long yOffset, int incy) {
        library().sgemv(trans, m, n, alpha, a, aOffset, lda, x, xOffset, incx, beta, y, yOffset, incy);
    }

    /**
     * {@code y += alpha * x} over {@code n} strided elements. x and y may be the very same elements; any other
     * overlap is rejected.
     *
     * @param n number of elements
     * @param alpha scales x
     * @param x x
     * @param xOffset x's first element, in floats
     * @param incx x's stride, non-zero
     * @param y y, written
     * @param yOffset y's first element, in floats
     * @param incy y's stride, non-zero
     * @throws IllegalArgumentException for a wrong argument or a heap segment
     * @throws IllegalStateException if a segment is closed or no OpenBLAS is loaded
     */
    public static void saxpy(int n, float alpha, MemorySegment x, long xOffset, int incx,
                             MemorySegment y, long yOffset, int incy) {
        library().saxpy(n, alpha, x, xOffset, incx, y, yOffset, incy);
    }

    /**
     * {@return the dot product of {@code n} strided elements of x and y} (0 when {@code n == 0})
     *
     * @param n number of elements
     * @param x x
     * @param xOffset x's first element, in floats
     * @param incx x's stride, non-zero
     * @param y y
     * @param yOffset y's first element, in floats
     * @param incy y's stride, non-zero
     * @throws IllegalArgumentException for a wrong argument or a heap segment
     * @throws IllegalStateException if a segment is closed or no OpenBLAS is loaded
     */
    public static float sdot(int n, MemorySegment x, long xOffset, int incx, MemorySegment y, long yOffset, int incy) {
        return library().sdot(n, x, xOffset, incx, y, yOffset, incy);
    }

    /**
     * {@return the Euclidean norm of {@code n} strided elements of x} (0 when {@code n == 0})
     *
     * @param n number of elements
     * @param x x
     * @param xOffset x's first element, in floats
     * @param incx x's stride, positive (BLAS would silently ignore a negative one here)
     * @throws IllegalArgumentException for a wrong argument or a heap segment
     * @throws IllegalStateException if the segment is closed or no OpenBLAS is loaded
     */
    public static float snrm2(int n, MemorySegment x, long xOffset, int incx) {
        return library().snrm2(n, x, xOffset, incx);
    }

    /**
     * {@code x *= alpha} over {@code n} strided elements.
     *
     * @param n number of elements
     * @param alpha the factor
     * @param x x, written
     * @param xOffset x's first element, in floats
     * @param incx x's stride, positive (BLAS would silently ignore a negative one here)
     * @throws IllegalArgumentException for a wrong argument or a heap segment
     * @throws IllegalStateException if the segment is closed or no OpenBLAS is loaded
     */
    public static void sscal(int n, float alpha, MemorySegment x, long xOffset, int incx) {
        library().sscal(n, alpha, x, xOffset, incx);
    }

    private static BlasLibrary library() {
        BlasLibrary library = Holder.LIBRARY;
        if (library == null) {
            throw new IllegalStateException(Holder.OUTCOME.unavailableMessage());
        }
        return library;
    }
}
