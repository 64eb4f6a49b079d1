package dev.gatun.blas;

import dev.gatun.blas.generated.cblas_h;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * One loaded OpenBLAS library (a source and a file) in its own arena, with checked row-major float operations.
 * {@link Blas} delegates to the instance chosen at startup; tests and benchmarks can hold several, for example the
 * system and the bundled library side by side.
 *
 * <p>Every operation checks its arguments with {@link BlasChecks} (and {@link BlasChecks#checkNative} for each
 * segment) before native code runs, and returns without a native call when the result is empty. Offsets and
 * leading dimensions count floats. Thread-safe; the thread count is a property of the library, shared by every
 * instance bound to the same file.
 *
 * <p>Small Level 1 and 2 calls (at most {@value #CRITICAL_MAX_ELEMENTS} elements) use a
 * {@linkplain Linker.Option#critical(boolean) critical} downcall, which skips the thread-state transition (5 to 10
 * ns of a 20 to 40 ns call, measured on the development machine); that about pays for the argument checks. Such a
 * call delays safepoints for its duration, hence the size limit.
 *
 * <p>{@link #close()} unloads the library (once no other instance holds the same file); calls after that throw
 * {@link IllegalStateException}.
 */
@SuppressWarnings("restricted") // linking the critical downcall handles
public final class BlasLibrary implements AutoCloseable {

    /** Largest Level 1/2 problem (elements of x, or of A for gemv) that uses a critical downcall. */
    public static final long CRITICAL_MAX_ELEMENTS = 1L << 16;

    private static final int ROW_MAJOR = cblas_h.CblasRowMajor();
    private static final int NO_TRANS = cblas_h.CblasNoTrans();
    private static final int TRANS = cblas_h.CblasTrans();

    private final Arena arena;
    private final cblas_h blas;
    private final BlasInfo loaded;
    // Addresses for the critical handles: the generated wrappers use the ordinary handles.
    private final MemorySegment sgemvAddr;
    private final MemorySegment saxpyAddr;
    private final MemorySegment sdotAddr;
    private final MemorySegment snrm2Addr;
    private final MemorySegment sscalAddr;

    BlasLibrary(Arena arena, cblas_h blas, BlasInfo loaded) {
        this.arena = arena;
        this.blas = blas;
        this.loaded = loaded;
        this.sgemvAddr = blas.cblas_sgemv$address();
        this.saxpyAddr = blas.cblas_saxpy$address();
        this.sdotAddr = blas.cblas_sdot$address();
        this.snrm2Addr = blas.cblas_snrm2$address();
        this.sscalAddr = blas.cblas_sscal$address();
    }

    /**
     * Loads OpenBLAS from one source, with the settings in the system properties ({@code gatun.openblas.path} for
     * {@link BlasInfo.Source#EXPLICIT_PATH}, {@code gatun.cache.dir}, {@code gatun.blas.threads},
     * {@code gatun.openblas.coretype}). Never falls through to another source. Loading a file that is already
     * loaded (for example the one {@link Blas} uses) shares it, including its thread count, which the load resets
     * to {@code gatun.blas.threads} (default 1).
     *
     * @param source {@code EXPLICIT_PATH}, {@code SYSTEM} or {@code BUNDLED}
     * @return the loaded library
     * @throws IllegalStateException if it cannot be loaded; the message says what was tried and why it failed
     * @throws IllegalArgumentException for {@link BlasInfo.Source#NONE}
     */
    public static BlasLibrary load(BlasInfo.Source source) {
        return BlasLoader.load(source, BlasSettings.fromSystemProperties());
    }

    /**
     * Loads the OpenBLAS shared library at {@code path} (source {@link BlasInfo.Source#EXPLICIT_PATH}).
     *
     * @param path the library file, e.g. {@code /opt/OpenBLAS/lib/libopenblas.so.0}
     * @return the loaded library
     * @throws IllegalStateException if the file does not exist, cannot be loaded or lacks an OpenBLAS function
     */
    public static BlasLibrary loadPath(Path path) {
        return BlasLoader.loadPath(path, BlasSettings.fromSystemProperties());
    }

    /** {@return what was loaded, with the current thread count} */
    public BlasInfo info() {
        return loaded.withThreads(threads());
    }

    /** {@return the number of threads OpenBLAS uses} */
    public int threads() {
        ensureOpen();
        return blas.openblas_get_num_threads();
    }

    /**
     * Sets the number of threads OpenBLAS uses (Gatun sets 1 after loading unless {@code -Dgatun.blas.threads=N}).
     *
     * @param n at least 1; OpenBLAS caps it at its compile-time maximum
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads=" + n + " must be >= 1");
        }
        ensureOpen();
        blas.openblas_set_num_threads(n);
    }

    /** {@return the generated bindings of this library, for callers that check arguments themselves} */
    public cblas_h bindings() {
        return blas;
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return arena.scope().isAlive();
    }

    /**
     * Unloads this instance's reference to the library. Idempotent.
     *
     * @throws IllegalStateException if another thread is inside a call into this library
     */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, row-major; see {@link Blas#sgemm}.
     *
     * @param transA whether A is stored transposed ({@code k x m})
     * @param transB whether B is stored transposed ({@code n x k})
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
     * @param c C, written
     * @param cOffset C's first element, in floats
     * @param ldc C's row stride, in floats
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                      float beta, MemorySegment c, long cOffset, int ldc) {
        ensureOpen();
        BlasChecks.checkGemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        BlasChecks.nativeSegment("sgemm", "a", a);
        BlasChecks.nativeSegment("sgemm", "b", b);
        BlasChecks.nativeSegment("sgemm", "c", c);
        if (m == 0 || n == 0) {
            return;
        }
        blas.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                alpha, at(a, aOffset), lda, at(b, bOffset), ldb, beta, at(c, cOffset), ldc);
    }

    /**
     * {@code y = alpha * A * x + beta * y}, or {@code A^T x} when {@code trans}; A is row-major {@code m x n}. See
     * {@link Blas#sgemv}.
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
     * @param incx x's stride
     * @param beta scales y (y is not read when 0)
     * @param y y, {@code trans ? n : m} elements, written
     * @param yOffset y's first element, in floats
     * @param incy y's stride
     */
    public void sgemv(boolean trans, int m, int n, float alpha, MemorySegment a, long aOffset, int lda,
                      MemorySegment x, long xOffset, int incx, float beta, MemorySegment y, long yOffset, int incy) {
        ensureOpen();
        BlasChecks.checkGemv(trans, m, n, a, aOffset, lda, x, xOffset, incx, y, yOffset, incy);
        BlasChecks.nativeSegment("sgemv", "a", a);
        BlasChecks.nativeSegment("sgemv", "x", x);
        BlasChecks.nativeSegment("sgemv", "y", y);
        if (m == 0 || n == 0) {
            return;
        }
        int t = trans ? TRANS : NO_TRANS;
        MemorySegment pa = at(a, aOffset), px = at(x, xOffset), py = at(y, yOffset);
        if ((long) m * n > CRITICAL_MAX_ELEMENTS) {
            blas.cblas_sgemv(ROW_MAJOR, t, m, n, alpha, pa, lda, px, incx, beta, py, incy);
            return;
        }
        try {
            CriticalSgemv.HANDLE.invokeExact(sgemvAddr, ROW_MAJOR, t, m, n, alpha, pa, lda, px, incx, beta, py, incy);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /**
     * {@code y += alpha * x}. x and y may be the very same elements; any other overlap is rejected.
     *
     * @param n number of elements
     * @param alpha scales x
     * @param x x
     * @param xOffset x's first element, in floats
     * @param incx x's stride
     * @param y y, written
     * @param yOffset y's first element, in floats
     * @param incy y's stride
     */
    public void saxpy(int n, float alpha, MemorySegment x, long xOffset, int incx,
                      MemorySegment y, long yOffset, int incy) {
        ensureOpen();
        BlasChecks.vector("saxpy", "x", "xOffset", "incx", n, x, xOffset, incx);
        BlasChecks.vector("saxpy", "y", "yOffset", "incy", n, y, yOffset, incy);
        BlasChecks.nativeSegment("saxpy", "x", x);
        BlasChecks.nativeSegment("saxpy", "y", y);
        BlasChecks.writable("saxpy", "y", y);
        BlasChecks.separateVectors("saxpy", n, x, xOffset, incx, y, yOffset, incy);
        if (n == 0) {
            return;
        }
        MemorySegment px = at(x, xOffset), py = at(y, yOffset);
        if (n > CRITICAL_MAX_ELEMENTS) {
            blas.cblas_saxpy(n, alpha, px, incx, py, incy);
            return;
        }
        try {
            CriticalSaxpy.HANDLE.invokeExact(saxpyAddr, n, alpha, px, incx, py, incy);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /**
     * {@return the dot product of x and y} (0 when {@code n == 0})
     *
     * @param n number of elements
     * @param x x
     * @param xOffset x's first element, in floats
     * @param incx x's stride
     * @param y y
     * @param yOffset y's first element, in floats
     * @param incy y's stride
     */
    public float sdot(int n, MemorySegment x, long xOffset, int incx, MemorySegment y, long yOffset, int incy) {
        ensureOpen();
        BlasChecks.vector("sdot", "x", "xOffset", "incx", n, x, xOffset, incx);
        BlasChecks.vector("sdot", "y", "yOffset", "incy", n, y, yOffset, incy);
        BlasChecks.nativeSegment("sdot", "x", x);
        BlasChecks.nativeSegment("sdot", "y", y);
        if (n == 0) {
            return 0f;
        }
        MemorySegment px = at(x, xOffset), py = at(y, yOffset);
        if (n > CRITICAL_MAX_ELEMENTS) {
            return blas.cblas_sdot(n, px, incx, py, incy);
        }
        try {
            return (float) CriticalSdot.HANDLE.invokeExact(sdotAddr, n, px, incx, py, incy);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /**
     * {@return the Euclidean norm of x} (0 when {@code n == 0})
     *
     * @param n number of elements
     * @param x x
     * @param xOffset x's first element, in floats
     * @param incx x's stride, positive
     */
    public float snrm2(int n, MemorySegment x, long xOffset, int incx) {
        ensureOpen();
        BlasChecks.vector("snrm2", "x", "xOffset", "incx", n, x, xOffset, incx);
        BlasChecks.positiveStride("snrm2", "x", "incx", n, incx);
        BlasChecks.nativeSegment("snrm2", "x", x);
        if (n == 0) {
            return 0f;
        }
        MemorySegment px = at(x, xOffset);
        if (n > CRITICAL_MAX_ELEMENTS) {
            return blas.cblas_snrm2(n, px, incx);
        }
        try {
            return (float) CriticalSnrm2.HANDLE.invokeExact(snrm2Addr, n, px, incx);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /**
     * {@code x *= alpha}.
     *
     * @param n number of elements
     * @param alpha the factor
     * @param x x, written
     * @param xOffset x's first element, in floats
     * @param incx x's stride, positive
     */
    public void sscal(int n, float alpha, MemorySegment x, long xOffset, int incx) {
        ensureOpen();
        BlasChecks.vector("sscal", "x", "xOffset", "incx", n, x, xOffset, incx);
        BlasChecks.positiveStride("sscal", "x", "incx", n, incx);
        BlasChecks.writable("sscal", "x", x);
        BlasChecks.nativeSegment("sscal", "x", x);
        if (n == 0) {
            return;
        }
        MemorySegment px = at(x, xOffset);
        if (n > CRITICAL_MAX_ELEMENTS) {
            blas.cblas_sscal(n, alpha, px, incx);
            return;
        }
        try {
            CriticalSscal.HANDLE.invokeExact(sscalAddr, n, alpha, px, incx);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** {@return one line describing this library} */
    @Override
    public String toString() {
        return "BlasLibrary[" + loaded.source() + " " + loaded.path() + (isOpen() ? "" : ", closed") + "]";
    }

    private void ensureOpen() {
        if (!arena.scope().isAlive()) {
            throw closed();
        }
    }

    private IllegalStateException closed() {
        return new IllegalStateException("this BlasLibrary (" + loaded.source() + " " + loaded.path() + ") is closed");
    }

    /**
     * The segment from {@code offset} floats on. Checked arguments guarantee it lies inside the segment unless the
     * argument is empty (for example A when {@code k == 0}), which BLAS does not read: then the segment itself.
     */
    private static MemorySegment at(MemorySegment s, long offset) {
        if (offset == 0 || offset > s.byteSize() / Float.BYTES) {
            return s;
        }
        return OffsetSlices.slice(s, offset * Float.BYTES); // reused views: no allocation per call
    }

    // Critical downcall handles, linked on first use like the generated holders.

    private static final class CriticalSgemv {
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(cblas_h.cblas_sgemv$descriptor(),
                Linker.Option.critical(false));
    }

    private static final class CriticalSaxpy {
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(cblas_h.cblas_saxpy$descriptor(),
                Linker.Option.critical(false));
    }

    private static final class CriticalSdot {
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(cblas_h.cblas_sdot$descriptor(),
                Linker.Option.critical(false));
    }

    private static final class CriticalSnrm2 {
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(cblas_h.cblas_snrm2$descriptor(),
                Linker.Option.critical(false));
    }

    private static final class CriticalSscal {
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(cblas_h.cblas_sscal$descriptor(),
                Linker.Option.critical(false));
    }
}
