package dev.gatun.gemm;

import dev.gatun.blas.Blas;
import dev.gatun.blas.BlasChecks;
import dev.gatun.kernels.Vectorization;

import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;

/**
 * Float GEMM and GEMV for all of Gatun: one entry point, the fastest provider this process has.
 *
 * <p>Conventions are those of {@link Blas#sgemm} / {@link Blas#sgemv}: row-major, offsets and leading dimensions
 * in floats, {@code C = alpha * op(A) * op(B) + beta * C}, C not read when {@code beta == 0}. Arguments are checked
 * once by {@link BlasChecks} ({@link IllegalArgumentException} naming the shapes); heap segments are allowed.
 *
 * <p>The provider is chosen once, from {@code -Dgatun.gemm=auto|openblas|java|scalar} (default {@code auto}):
 * <ul>
 *   <li>{@code openblas} when {@link Blas#available()}, unless OpenBLAS runs kernels without AVX-512 on an AVX-512
 *   CPU ({@link dev.gatun.blas.BlasInfo#avx512KernelsUnused()}: then the 512-bit Java GEMM is faster, 186 vs 100
 *   GFLOP/s at 512^3 on Zen 5, and is chosen instead, with a log line saying so): OpenBLAS for GEMM; a call with a
 *   heap segment runs on the
 *   Java provider (native code needs native memory), and GEMV shapes ({@code m == 1} or {@code n == 1}, and
 *   {@link #sgemv}) go to the faster of {@code cblas_sgemv} and the Java GEMV for their size;</li>
 *   <li>else {@code java}, the Vector API GEMM, when {@link Vectorization#enabled()};</li>
 *   <li>else {@code scalar}, its plain-loop twin.</li>
 * </ul>
 * Forcing a provider the process cannot run ({@code openblas} without a library, {@code java} without the Vector
 * API) makes every call throw {@link IllegalStateException} saying why. The Java providers run on the caller's
 * thread; OpenBLAS uses {@link Blas#threads()} threads (1 unless configured).
 */
public final class Gemm {
    private static final System.Logger LOG = System.getLogger("dev.gatun.gemm");

    private Gemm() {}

    /**
     * {@return the provider chosen for this process (its {@code toString()} describes it in one line)}
     *
     * @throws IllegalStateException if {@code -Dgatun.gemm} forces a provider that cannot run here
     */
    public static GemmProvider provider() {
        return chosen();
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} with row-major {@code op(A)} of {@code m x k}, {@code op(B)} of
     * {@code k x n}, C of {@code m x n}; see {@link Blas#sgemm} for every argument.
     *
     * @throws IllegalArgumentException for a wrong dimension, offset, leading dimension, a too small segment, or
     *     C overlapping A or B
     * @throws IllegalStateException if a segment is closed, or the forced provider cannot run
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                             float beta, MemorySegment c, long cOffset, int ldc) {
        BlasChecks.checkGemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        ((GemmKernel) chosen()).gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb,
                beta, c, cOffset, ldc);
    }

    /**
     * {@code y = alpha * A * x + beta * y}, or with {@code A^T} when {@code trans}; A is row-major {@code m x n}.
     * See {@link Blas#sgemv} for every argument; as in BLAS, nothing is done when {@code m == 0} or {@code n == 0}.
     *
     * @throws IllegalArgumentException for a wrong dimension, offset, stride, a too small segment, or y
     *     overlapping A or x
     * @throws IllegalStateException if a segment is closed, or the forced provider cannot run
     */
    public static void sgemv(boolean trans, int m, int n, float alpha, MemorySegment a, long aOffset, int lda,
                             MemorySegment x, long xOffset, int incx, float beta,
                             MemorySegment y, long yOffset, int incy) {
        BlasChecks.checkGemv(trans, m, n, a, aOffset, lda, x, xOffset, incx, y, yOffset, incy);
        if (m == 0 || n == 0) {
            return;
        }
        ((GemmKernel) chosen()).gemv(trans, m, n, alpha, a, aOffset, lda, x, xOffset, incx, beta, y, yOffset, incy);
    }

    /** The pure-Java provider: Vector API when enabled, else scalar. */
    static GemmProvider javaProvider() {
        return JavaHolder.JAVA;
    }

    static GemmKernel javaKernel() {
        return (GemmKernel) JavaHolder.JAVA;
    }

    private static GemmProvider chosen() {
        GemmProvider p = Holder.PROVIDER;
        if (p == null) {
            throw new IllegalStateException(Holder.FAILURE);
        }
        return p;
    }

    private static final class JavaHolder {
        // PanamaGemm imports jdk.incubator.vector: it is only loaded when the Vector API is usable.
        static final GemmProvider JAVA = Vectorization.enabled() ? PanamaGemm.instance() : ScalarGemm.INSTANCE;
    }

    // A holder class: the choice is made once, lazily, without class-loading deadlocks.
    private static final class Holder {
        static final GemmProvider PROVIDER;
        static final String FAILURE;

        static {
            String setting = System.getProperty("gatun.gemm", "auto").trim().toLowerCase(java.util.Locale.ROOT);
            GemmProvider p = null;
            String failure = null;
            switch (setting) {
                case "auto", "" -> {
                    if (!Blas.available()) {
                        p = JavaHolder.JAVA;
                    } else if (Blas.info().avx512KernelsUnused() && Vectorization.enabled()
                            && Vectorization.bitSize() >= 512) {
                        p = JavaHolder.JAVA;
                        LOG.log(Level.INFO, "Gatun GEMM: the pure-Java GEMM, since OpenBLAS runs its "
                                + Blas.info().coreName() + " kernels on this AVX-512 CPU and is slower here "
                                + "(-Dgatun.gemm=openblas to use it anyway, or fix its core type as the OpenBLAS "
                                + "message says)");
                    } else {
                        p = OpenBlasGemm.instance();
                    }
                }
                case "openblas" -> {
                    if (Blas.available()) {
                        p = OpenBlasGemm.instance();
                    } else {
                        failure = "-Dgatun.gemm=openblas, but OpenBLAS is not available: " + Blas.info();
                    }
                }
                case "java" -> {
                    if (Vectorization.enabled()) {
                        p = JavaHolder.JAVA;
                    } else {
                        failure = "-Dgatun.gemm=java needs the Vector API, but Gatun kernels run "
                                + Vectorization.describe() + "; use -Dgatun.gemm=scalar or auto";
                    }
                }
                case "scalar" -> p = ScalarGemm.INSTANCE;
                default -> failure = "-Dgatun.gemm must be auto, openblas, java or scalar, got '" + setting + "'";
            }
            PROVIDER = p;
            FAILURE = failure;
            if (p != null) {
                LOG.log(Level.DEBUG, "Gatun GEMM: {0}", p);
            } else {
                LOG.log(Level.WARNING, "Gatun GEMM unusable: " + failure);
            }
        }
    }
}
