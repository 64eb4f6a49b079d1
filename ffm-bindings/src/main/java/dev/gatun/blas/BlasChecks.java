package dev.gatun.blas;

import java.lang.foreign.MemorySegment;

/**
 * Argument checks for row-major float BLAS calls, run before every native call and shared with the kernels
 * module's own GEMM dispatch so both paths accept exactly the same arguments.
 *
 * <p>Conventions (those of CBLAS with {@code CblasRowMajor}): offsets and leading dimensions count floats; a stored
 * matrix of {@code rows x cols} needs {@code ld >= max(1, cols)} and, when it is not empty, a segment that holds
 * {@code offset + (rows - 1) * ld + cols} floats; a vector of {@code n} elements with stride {@code inc} (non-zero,
 * negative allowed as in BLAS) needs {@code offset + (n - 1) * |inc| + 1} floats. All arithmetic is in {@code long}
 * with overflow checks.
 *
 * <p>Failures: {@link IllegalArgumentException} naming the argument and the shapes (for example
 * {@code "sgemm: lda=3 < k=4 for A (m=2 x k=4, not transposed)"}), {@link IllegalStateException} for a segment whose
 * arena is closed, {@link IllegalArgumentException} for a {@code null} segment. The output of {@code gemm} and
 * {@code gemv} must not share memory with an input (BLAS does not allow it); element-exact for equal strides,
 * conservative (touching address ranges) otherwise. {@code saxpy} may have x and y be the very same elements;
 * {@code snrm2} and {@code sscal} need a positive stride (BLAS silently does nothing for a negative one).
 */
public final class BlasChecks {

    private BlasChecks() {
    }

    /**
     * Checks {@code C = alpha * op(A) * op(B) + beta * C} with row-major {@code op(A)} of {@code m x k},
     * {@code op(B)} of {@code k x n} and {@code C} of {@code m x n}. Heap segments are allowed here; native calls
     * also need {@link #checkNative}.
     *
     * @param transA whether A is stored transposed ({@code k x m}, so {@code lda >= max(1, m)})
     * @param transB whether B is stored transposed ({@code n x k}, so {@code ldb >= max(1, k)})
     * @param m rows of C
     * @param n columns of C
     * @param k the inner dimension
     * @param a A's segment
     * @param aOffset A's first element, in floats
     * @param lda A's row stride, in floats
     * @param b B's segment
     * @param bOffset B's first element, in floats
     * @param ldb B's row stride, in floats
     * @param c C's segment (written)
     * @param cOffset C's first element, in floats
     * @param ldc C's row stride, in floats
     * @throws IllegalArgumentException if a dimension, offset, stride or segment size is wrong, C is read-only or
     *     overlaps A or B
     * @throws IllegalStateException if a segment's arena is closed
     */
    public static void checkGemm(boolean transA, boolean transB, int m, int n, int k,
                                 MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                                 MemorySegment c, long cOffset, int ldc) {
        String op = "sgemm";
        alive(op, "a", a);
        alive(op, "b", b);
        alive(op, "c", c);
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": dimensions must be >= 0, got m=" + m + ", n=" + n + ", k=" + k);
        }
        if (gemmIsValid(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc)) {
            return;
        }
        // Something is wrong, or C shares address ranges with an input: the Region checks decide, and say why.
        Region ra = transA
                ? Region.matrix(op, "A", "a", a, aOffset, "aOffset", lda, "lda", k, "k", m, "m", Trans.YES)
                : Region.matrix(op, "A", "a", a, aOffset, "aOffset", lda, "lda", m, "m", k, "k", Trans.NO);
        Region rb = transB
                ? Region.matrix(op, "B", "b", b, bOffset, "bOffset", ldb, "ldb", n, "n", k, "k", Trans.YES)
                : Region.matrix(op, "B", "b", b, bOffset, "bOffset", ldb, "ldb", k, "k", n, "n", Trans.NO);
        Region rc = Region.matrix(op, "C", "c", c, cOffset, "cOffset", ldc, "ldc", m, "m", n, "n", Trans.NONE);
        ra.check(op);
        rb.check(op);
        rc.check(op);
        rc.checkWritable(op);
        rc.checkSeparateFrom(op, ra, false);
        rc.checkSeparateFrom(op, rb, false);
    }

    /**
     * Checks {@code y = alpha * A * x + beta * y} (or {@code A^T x} when {@code trans}) with A a row-major
     * {@code m x n} matrix ({@code lda >= max(1, n)}); x has {@code trans ? m : n} elements, y
     * {@code trans ? n : m}. Heap segments are allowed here; native calls also need {@link #checkNative}.
     *
     * @param trans whether to multiply by A transposed
     * @param m rows of A
     * @param n columns of A
     * @param a A's segment
     * @param aOffset A's first element, in floats
     * @param lda A's row stride, in floats
     * @param x x's segment
     * @param xOffset x's first element, in floats
     * @param incx x's stride, non-zero
     * @param y y's segment (written)
     * @param yOffset y's first element, in floats
     * @param incy y's stride, non-zero
     * @throws IllegalArgumentException if a dimension, offset, stride or segment size is wrong, y is read-only or
     *     overlaps A or x
     * @throws IllegalStateException if a segment's arena is closed
     */
    public static void checkGemv(boolean trans, int m, int n, MemorySegment a, long aOffset, int lda,
                                 MemorySegment x, long xOffset, int incx, MemorySegment y, long yOffset, int incy) {
        String op = "sgemv";
        alive(op, "a", a);
        alive(op, "x", x);
        alive(op, "y", y);
        if (m < 0 || n < 0) {
            throw new IllegalArgumentException(op + ": dimensions must be >= 0, got m=" + m + ", n=" + n);
        }
        if (gemvIsValid(trans, m, n, a, aOffset, lda, x, xOffset, incx, y, yOffset, incy)) {
            return;
        }
        String note = trans ? ", A transposed" : ", A not transposed";
        Region ra = Region.matrix(op, "A", "a", a, aOffset, "aOffset", lda, "lda", m, "m", n, "n", Trans.NONE);
        Region rx = Region.vector(op, "x", "x", x, xOffset, "xOffset", incx, "incx",
                trans ? m : n, trans ? "m" : "n", note);
        Region ry = Region.vector(op, "y", "y", y, yOffset, "yOffset", incy, "incy",
                trans ? n : m, trans ? "n" : "m", note);
        ra.check(op);
        rx.check(op);
        ry.check(op);
        ry.checkWritable(op);
        ry.checkSeparateFrom(op, ra, false);
        ry.checkSeparateFrom(op, rx, false);
    }

    /**
     * Checks one strided vector of {@code n} floats.
     *
     * @param name the argument's name, used in messages
     * @param n number of elements, {@code >= 0}
     * @param x the segment
     * @param offset the first element, in floats, {@code >= 0}
     * @param inc the stride, non-zero (negative as in BLAS: the same storage, walked backwards)
     * @throws IllegalArgumentException if {@code n}, {@code offset}, {@code inc} or the segment size is wrong
     * @throws IllegalStateException if the segment's arena is closed
     */
    public static void checkVector(String name, int n, MemorySegment x, long offset, int inc) {
        vector(null, name, "offset", "inc", n, x, offset, inc);
    }

    /**
     * Checks that a segment can be handed to native code: alive, native (not backed by a Java array) and accessible
     * from this thread.
     *
     * @param name the argument's name, used in messages
     * @param s the segment
     * @throws IllegalArgumentException for a heap segment
     * @throws IllegalStateException if the segment's arena is closed
     * @throws WrongThreadException if the segment is confined to another thread
     */
    public static void checkNative(String name, MemorySegment s) {
        nativeSegment(null, name, s);
    }

    // ---- The fast paths of checkGemm and checkGemv: the same conditions as the Region checks, on numbers only. The
    // Region records are not always scalar-replaced by C2 (seen: 96 bytes per record per call in a recurrent loop),
    // and these checks run on every GEMM. Overlap is decided conservatively here (disjoint address ranges pass);
    // anything else goes to the Region checks, which decide exactly and build the message.

    private static boolean gemmIsValid(boolean transA, boolean transB, int m, int n, int k,
                                       MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                                       MemorySegment c, long cOffset, int ldc) {
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        long aEnd = matrixEnd(a, aOffset, lda, aRows, aCols);
        long bEnd = matrixEnd(b, bOffset, ldb, bRows, bCols);
        long cEnd = matrixEnd(c, cOffset, ldc, m, n);
        return aEnd >= 0 && bEnd >= 0 && cEnd >= 0 && !c.isReadOnly()
                && apart(c, cOffset, cEnd, a, aOffset, aEnd) && apart(c, cOffset, cEnd, b, bOffset, bEnd);
    }

    private static boolean gemvIsValid(boolean trans, int m, int n, MemorySegment a, long aOffset, int lda,
                                       MemorySegment x, long xOffset, int incx, MemorySegment y, long yOffset,
                                       int incy) {
        long aEnd = matrixEnd(a, aOffset, lda, m, n);
        long xEnd = vectorEnd(x, xOffset, incx, trans ? m : n);
        long yEnd = vectorEnd(y, yOffset, incy, trans ? n : m);
        return aEnd >= 0 && xEnd >= 0 && yEnd >= 0 && !y.isReadOnly()
                && apart(y, yOffset, yEnd, a, aOffset, aEnd) && apart(y, yOffset, yEnd, x, xOffset, xEnd);
    }

    /**
     * {@return one past the last float a valid {@code rows x cols} matrix touches (its offset when empty), or -1
     * when the matrix is not valid: ld too small, negative offset, or past the end of the segment}
     */
    private static long matrixEnd(MemorySegment s, long offset, int ld, int rows, int cols) {
        if (ld < Math.max(1, cols) || offset < 0) {
            return -1;
        }
        if (rows == 0 || cols == 0) {
            return offset;
        }
        long extent = (rows - 1L) * ld + cols;  // < 2^62: no overflow
        if (offset > Long.MAX_VALUE / Float.BYTES - extent || offset + extent > s.byteSize() / Float.BYTES) {
            return -1;
        }
        return offset + extent;
    }

    /** As {@link #matrixEnd} for a vector of {@code n} floats with a non-zero stride. */
    private static long vectorEnd(MemorySegment s, long offset, int inc, int n) {
        if (inc == 0 || offset < 0) {
            return -1;
        }
        if (n == 0) {
            return offset;
        }
        long extent = (n - 1L) * Math.abs((long) inc) + 1;
        if (offset > Long.MAX_VALUE / Float.BYTES - extent || offset + extent > s.byteSize() / Float.BYTES) {
            return -1;
        }
        return offset + extent;
    }

    /**
     * Whether an output and an input (both valid) certainly share no element: different kinds of memory, or
     * disjoint native address ranges. False (undecided) for overlapping ranges and for two heap segments.
     */
    private static boolean apart(MemorySegment out, long outOffset, long outEnd, MemorySegment in, long inOffset,
                                 long inEnd) {
        if (outEnd == outOffset || inEnd == inOffset || out.isNative() != in.isNative()) {
            return true;
        }
        if (!out.isNative()) {
            return false;
        }
        long outStart = out.address() + outOffset * Float.BYTES;
        long inStart = in.address() + inOffset * Float.BYTES;
        return outStart + (outEnd - outOffset) * Float.BYTES <= inStart
                || inStart + (inEnd - inOffset) * Float.BYTES <= outStart;
    }

    // ---- package-private variants with the operation name in the message. The hot paths only compare numbers
    // (no strings, no allocation): these checks run before every native call, and a small Level 1 call takes tens of
    // nanoseconds. Messages are built in the cold *Failure methods, from the same Region code as the matrix checks.

    /** One strided vector, as {@link #checkVector}; the names are for messages ("x", "xOffset", "incx"). */
    static void vector(String op, String name, String offsetName, String incName, int n, MemorySegment x,
                       long offset, int inc) {
        alive(op, name, x);
        if (n < 0 || inc == 0 || offset < 0) {
            throw vectorFailure(op, name, offsetName, incName, n, x, offset, inc);
        }
        if (n > 0) {
            long extent = (n - 1L) * Math.abs((long) inc) + 1; // < 2^62: no overflow
            if (offset > Long.MAX_VALUE / Float.BYTES - extent || offset + extent > x.byteSize() / Float.BYTES) {
                throw vectorFailure(op, name, offsetName, incName, n, x, offset, inc);
            }
        }
    }

    private static RuntimeException vectorFailure(String op, String name, String offsetName, String incName, int n,
                                                  MemorySegment x, long offset, int inc) {
        if (n < 0) {
            return new IllegalArgumentException(prefix(op) + "n=" + n + " must be >= 0 for " + name);
        }
        Region r = Region.vector(op, name, name, x, offset, offsetName, inc, incName, n, "n", ""); // throws if inc == 0
        r.check(op); // throws the offset or size message
        return new IllegalStateException("no vector failure for " + r.describe());
    }

    /**
     * Single-vector operations ({@code snrm2}, {@code sscal}): BLAS returns without doing anything for a negative
     * stride, which would be a silent wrong result.
     */
    static void positiveStride(String op, String name, String incName, int n, int inc) {
        if (inc < 0) {
            throw new IllegalArgumentException(prefix(op) + incName + "=" + inc + " must be > 0 for " + name + " (n="
                    + n + ", " + incName + "=" + inc + "): BLAS ignores a vector with a negative stride in one-vector "
                    + "operations");
        }
    }

    /** An output vector: not read-only. */
    static void writable(String op, String name, MemorySegment s) {
        if (s.isReadOnly()) {
            throw new IllegalArgumentException(prefix(op) + "segment '" + name + "' is read-only, but " + name
                    + " is written");
        }
    }

    /**
     * y (written) must not share elements with x, except being exactly the same elements. Both vectors must have
     * passed {@link #vector}.
     */
    static void separateVectors(String op, int n, MemorySegment x, long xOffset, int incx,
                                MemorySegment y, long yOffset, int incy) {
        if (n == 0 || x.isNative() != y.isNative()) {
            return;
        }
        long xStart = x.address() + xOffset * Float.BYTES;
        long xEnd = xStart + ((n - 1L) * Math.abs((long) incx) + 1) * Float.BYTES;
        long yStart = y.address() + yOffset * Float.BYTES;
        long yEnd = yStart + ((n - 1L) * Math.abs((long) incy) + 1) * Float.BYTES;
        if (xEnd <= yStart || yEnd <= xStart) {
            return; // the common case: disjoint address ranges
        }
        Region rx = Region.vector(op, "x", "x", x, xOffset, "xOffset", incx, "incx", n, "n", "");
        Region ry = Region.vector(op, "y", "y", y, yOffset, "yOffset", incy, "incy", n, "n", "");
        ry.checkSeparateFrom(op, rx, incx == incy);
    }

    static void nativeSegment(String op, String name, MemorySegment s) {
        alive(op, name, s);
        if (!s.isNative() || !s.isAccessibleBy(Thread.currentThread())) {
            throw nativeFailure(op, name, s);
        }
    }

    private static RuntimeException nativeFailure(String op, String name, MemorySegment s) {
        if (!s.isNative()) {
            return new IllegalArgumentException(prefix(op) + "segment '" + name + "' is a heap segment; OpenBLAS needs "
                    + "native memory: allocate it from an Arena (e.g. arena.allocate(ValueLayout.JAVA_FLOAT, n))");
        }
        return new WrongThreadException(prefix(op) + "segment '" + name + "' is confined to another thread");
    }

    static void alive(String op, String name, MemorySegment s) {
        if (s == null) {
            throw new IllegalArgumentException(prefix(op) + "segment '" + name + "' is null");
        }
        if (!s.scope().isAlive()) {
            throw closed(op, name);
        }
    }

    private static IllegalStateException closed(String op, String name) {
        return new IllegalStateException(prefix(op) + "segment '" + name + "' is closed");
    }

    private static String prefix(String op) {
        return op == null ? "" : op + ": ";
    }

    /** How a matrix is stored, for messages: C and gemv's A have no transpose flag. */
    enum Trans { NONE, NO, YES }

    /**
     * The floats an argument touches: {@code rows x cols} with row stride {@code ld}, from {@code offset}. A vector
     * is {@code n x 1} with stride {@code |inc|} ({@code inc} keeps the sign and {@code trans} is {@code null});
     * {@code inc} is 0 for matrices. The names are only for messages.
     */
    record Region(String label, String arg, MemorySegment seg, long offset, String offsetName, long ld,
                  String ldName, long rows, String rowsName, long cols, String colsName, Trans trans, int inc,
                  String note) {

        static Region matrix(String op, String label, String arg, MemorySegment seg, long offset, String offsetName,
                             int ld, String ldName, int rows, String rowsName, int cols, String colsName, Trans t) {
            Region r = new Region(label, arg, seg, offset, offsetName, ld, ldName, rows, rowsName, cols, colsName, t,
                    0, "");
            if (ld < Math.max(1, cols)) {
                String bound = cols >= 1 ? colsName + "=" + cols : "1";
                throw new IllegalArgumentException(prefix(op) + ldName + "=" + ld + " < " + bound + " for "
                        + r.shape());
            }
            return r;
        }

        static Region vector(String op, String label, String arg, MemorySegment seg, long offset, String offsetName,
                             int inc, String incName, int n, String nName, String note) {
            Region r = new Region(label, arg, seg, offset, offsetName, Math.abs((long) inc), incName, n, nName, 1,
                    "", null, inc, note);
            if (inc == 0) {
                throw new IllegalArgumentException(prefix(op) + incName + "=0 must not be 0 for " + r.shape());
            }
            return r;
        }

        /** {@return e.g. "A (m=2 x k=4, not transposed)" or "x (n=3, incx=2)"} */
        String shape() {
            if (trans == null) {
                return label + " (" + rowsName + "=" + rows + ", " + ldName + "=" + inc + note + ")";
            }
            String dims = rowsName + "=" + rows + " x " + colsName + "=" + cols;
            return switch (trans) {
                case NONE -> label + " (" + dims + ")";
                case NO -> label + " (" + dims + ", not transposed)";
                case YES -> label + " (stored " + dims + ", transposed)";
            };
        }

        boolean isEmpty() {
            return rows == 0 || cols == 0;
        }

        /** {@return floats from the first to one past the last touched element} (0 when empty) */
        long extent() {
            return isEmpty() ? 0 : Math.addExact(Math.multiplyExact(rows - 1, ld), cols);
        }

        void check(String op) {
            if (offset < 0) {
                throw new IllegalArgumentException(prefix(op) + offsetName + "=" + offset + " must be >= 0 for "
                        + shape());
            }
            if (isEmpty()) {
                return;
            }
            long have = seg.byteSize() / Float.BYTES;
            long need;
            try {
                need = Math.addExact(offset, extent());
                Math.multiplyExact(need, Float.BYTES);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(prefix(op) + where() + " is too large for a long byte offset");
            }
            if (need > have) {
                throw new IllegalArgumentException(prefix(op) + "segment '" + arg + "' is too small for " + where()
                        + ": needs " + need + " floats, has " + have + " floats (" + seg.byteSize() + " bytes)");
            }
        }

        void checkWritable(String op) {
            if (seg.isReadOnly()) {
                throw new IllegalArgumentException(prefix(op) + "segment '" + arg + "' is read-only, but " + shape()
                        + " is written");
            }
        }

        /**
         * Rejects an output that shares elements with an input; both regions must have passed {@link #check}. With
         * {@code allowIdentical}, the very same elements in the same order (e.g. {@code saxpy} with x == y) pass.
         */
        void checkSeparateFrom(String op, Region in, boolean allowIdentical) {
            if (isEmpty() || in.isEmpty() || !sameMemory(seg, in.seg)) {
                return;
            }
            // Byte ranges touched. address() is the native address, or for heap segments the offset into the array
            // they share (sameMemory), so the ranges are comparable either way; check() ruled out overflow.
            long start = seg.address() + offset * Float.BYTES;
            long end = start + extent() * Float.BYTES;
            long inStart = in.seg.address() + in.offset * Float.BYTES;
            long inEnd = inStart + in.extent() * Float.BYTES;
            if (end <= inStart || inEnd <= start) {
                return;
            }
            long d = inStart - start;
            if (allowIdentical && d == 0 && ld == in.ld && rows == in.rows && cols == in.cols) {
                return;
            }
            boolean shared;
            if (ld != in.ld || d % Float.BYTES != 0) {
                shared = true; // different strides or misaligned: touching ranges count as overlap
            } else if (d >= 0) {
                shared = sameStrideOverlap(this, in, d / Float.BYTES);
            } else {
                shared = sameStrideOverlap(in, this, -d / Float.BYTES);
            }
            if (shared) {
                throw new IllegalArgumentException(prefix(op) + describe() + " overlaps " + in.describe()
                        + "; BLAS needs the output to be separate from its inputs");
            }
        }

        /** {@return the shape with stride and offset: "A (m=2 x k=4, not transposed) with lda=4, aOffset=3"} */
        String where() {
            return trans == null ? shape() + " at " + offsetName + "=" + offset
                    : shape() + " with " + ldName + "=" + ld + ", " + offsetName + "=" + offset;
        }

        String describe() {
            return where() + " in segment '" + arg + "'";
        }

        /**
         * Both native, or views of the same Java array (then {@code address()} is the offset into it). Heap views
         * are compared with {@code asOverlappingSlice}, which also works for read-only ones (no heapBase()).
         */
        private static boolean sameMemory(MemorySegment a, MemorySegment b) {
            if (a.isNative() || b.isNative()) {
                return a.isNative() && b.isNative();
            }
            return a.asOverlappingSlice(b).isPresent();
        }

        /**
         * Whether q, starting {@code df >= 0} floats after p with the same row stride {@code ld >= cols}, shares an
         * element with p. q's element (i, j) lies at p-relative {@code (row + i) * ld + col + j} with
         * {@code row = df / ld}, {@code col = df % ld}: in p's row {@code row + i} at column {@code col + j} while
         * {@code col + j < ld}, else in row {@code row + i + 1} at column {@code col + j - ld}.
         */
        private static boolean sameStrideOverlap(Region p, Region q, long df) {
            long row = df / p.ld;
            long col = df % p.ld;
            boolean sameRow = row < p.rows && col < p.cols;
            boolean nextRow = col + q.cols > p.ld && row + 1 < p.rows;
            return sameRow || nextRow;
        }
    }
}
