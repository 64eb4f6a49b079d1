package dev.gatun.gemm;

import dev.gatun.kernels.Vectorization;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A weight matrix W ({@code m x k}, row-major, as PyTorch stores {@code weight_hh}) packed once into the register-tile
 * layout of the pure-Java GEMM, for many products {@code Y = X W^T + beta * Y} with a small X ({@code n x k}, a
 * batch of states): the recurrent step of a sequence. A per-call GEMM packs W again on every step (OpenBLAS does
 * too); here a forward pass packs it once and each step packs only X.
 *
 * <p>Needs the Vector API ({@link #available()}). Owns 64-byte aligned native memory (the GEMM's B panels) that grows
 * to the largest W packed and is freed by {@link #close()}; not thread-safe (one per recurrent pass). The packed copy
 * is a snapshot: pack again after W changes.
 */
public final class PackedWeights implements AutoCloseable {
    private Arena arena;
    private MemorySegment packed = MemorySegment.NULL;
    private int rows = -1;
    private int cols = -1;
    private boolean closed;

    /**
     * An empty packing buffer.
     *
     * @throws IllegalStateException if the Vector API kernels are not enabled (see {@link #available()})
     */
    public PackedWeights() {
        if (!available()) {
            throw new IllegalStateException("packed weights need the Vector API kernels, but Gatun kernels run "
                    + Vectorization.describe());
        }
    }

    /** {@return whether this process can pack weights: the Vector API kernels are enabled} */
    public static boolean available() {
        return Vectorization.enabled();
    }

    /**
     * Packs W, replacing what was packed before.
     *
     * @param w the segment holding W
     * @param wOffset W's first element, in floats
     * @param m rows of W (output features), {@code >= 1}
     * @param k columns of W (input features), {@code >= 1}; W's row stride is {@code k}
     * @throws IllegalArgumentException for a bad size or offset, or a segment too small for W
     * @throws IllegalStateException if the segment or these packed weights are closed
     */
    public void pack(MemorySegment w, long wOffset, int m, int k) {
        checkOpen();
        if (m < 1 || k < 1) {
            throw new IllegalArgumentException("packed weights: m and k must be >= 1, got m=" + m + ", k=" + k);
        }
        end("pack", "w", w, wOffset, k, m, k);
        long bytes = PanamaGemm.packedWeightBytes(m, k);
        if (packed.byteSize() < bytes) {
            Arena next = Arena.ofShared();
            packed = next.allocate(bytes, 64);
            if (arena != null) {
                arena.close();
            }
            arena = next;
        }
        PanamaGemm.packWeights(w, wOffset, k, m, k, packed);
        rows = m;
        cols = k;
    }

    /** {@return rows m of the packed W, or -1 before the first {@link #pack}} */
    public int rows() {
        return rows;
    }

    /** {@return columns k of the packed W, or -1 before the first {@link #pack}} */
    public int cols() {
        return cols;
    }

    /**
     * {@code Y (n x m) = X (n x k) W^T + beta * Y}; Y is not read when {@code beta == 0}.
     *
     * @param n rows of X and Y, {@code >= 0} (nothing is done for 0)
     * @param x X's segment; rows {@code ldx} floats apart from {@code xOffset}
     * @param y Y's segment (written); rows {@code ldy} floats apart from {@code yOffset}; separate from X
     * @throws IllegalArgumentException for a bad size, offset or row stride, a segment too small, or Y overlapping X
     * @throws IllegalStateException before the first {@link #pack}, after {@link #close()}, or if a segment is closed
     */
    public void multiply(int n, MemorySegment x, long xOffset, int ldx, float beta,
                         MemorySegment y, long yOffset, int ldy) {
        checkOpen();
        if (rows < 0) {
            throw new IllegalStateException("packed weights: multiply before pack");
        }
        if (n < 0) {
            throw new IllegalArgumentException("packed weights multiply: n must be >= 0, got " + n);
        }
        long xEnd = end("multiply", "x", x, xOffset, ldx, n, cols);
        long yEnd = end("multiply", "y", y, yOffset, ldy, n, rows);
        if (y.isReadOnly()) {
            throw new IllegalArgumentException("packed weights multiply: segment 'y' is read-only");
        }
        if (n > 0 && overlap(x, xOffset, xEnd, y, yOffset, yEnd)) {
            throw new IllegalArgumentException("packed weights multiply: y (n=" + n + " x m=" + rows + ", ldy=" + ldy
                    + ", yOffset=" + yOffset + ") overlaps x (n=" + n + " x k=" + cols + ", ldx=" + ldx
                    + ", xOffset=" + xOffset + ")");
        }
        if (n > 0) {
            PanamaGemm.multiplyPackedRows(packed, rows, cols, n, x, xOffset, ldx, beta, y, yOffset, ldy);
        }
    }

    /** Frees the packed copy; later calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (arena != null) {
                arena.close();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("packed weights are closed");
        }
    }

    /**
     * Checks a row-major {@code rows x cols} block with row stride {@code ld} from {@code offset}; returns one past
     * its last float. No allocation unless it throws (it runs on every step).
     */
    private static long end(String op, String name, MemorySegment s, long offset, int ld, int rows, int cols) {
        if (s == null) {
            throw new IllegalArgumentException("packed weights " + op + ": segment '" + name + "' is null");
        }
        if (!s.scope().isAlive()) {
            throw new IllegalStateException("packed weights " + op + ": segment '" + name + "' is closed");
        }
        if (ld < Math.max(1, cols) || offset < 0) {
            throw new IllegalArgumentException("packed weights " + op + ": " + name + " (" + rows + " x " + cols
                    + ") needs a row stride >= " + Math.max(1, cols) + " and an offset >= 0, got stride " + ld
                    + ", offset " + offset);
        }
        if (rows == 0) {
            return offset;
        }
        long extent = (rows - 1L) * ld + cols;
        long have = s.byteSize() / Float.BYTES;
        if (offset > have - extent) {
            throw new IllegalArgumentException("packed weights " + op + ": segment '" + name + "' is too small for "
                    + name + " (" + rows + " x " + cols + ", stride " + ld + ", offset " + offset + "): needs "
                    + (offset + extent) + " floats, has " + have);
        }
        return offset + extent;
    }

    /** Whether two checked blocks may share memory: overlapping native address ranges, or views of one array. */
    private static boolean overlap(MemorySegment a, long aOffset, long aEnd, MemorySegment b, long bOffset,
                                   long bEnd) {
        if (a.isNative() != b.isNative()) {
            return false;
        }
        if (!a.isNative()) {
            return a.asOverlappingSlice(b).isPresent();
        }
        long aStart = a.address() + aOffset * Float.BYTES;
        long bStart = b.address() + bOffset * Float.BYTES;
        return aStart < bStart + (bEnd - bOffset) * Float.BYTES && bStart < aStart + (aEnd - aOffset) * Float.BYTES;
    }
}
