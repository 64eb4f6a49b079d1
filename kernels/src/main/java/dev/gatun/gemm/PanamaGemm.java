package dev.gatun.gemm;

import static dev.gatun.gemm.PanamaMicroKernels.F;
import static dev.gatun.gemm.PanamaMicroKernels.KC;
import static dev.gatun.gemm.PanamaMicroKernels.KCP;
import static dev.gatun.gemm.PanamaMicroKernels.L;
import static dev.gatun.gemm.PanamaMicroKernels.NR;
import static dev.gatun.gemm.PanamaMicroKernels.ORDER;
import static dev.gatun.gemm.PanamaMicroKernels.VECTOR_BYTES;

import dev.gatun.blas.BlasChecks;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The pure-Java GEMM on the Vector API, blocked as in BLIS / GotoBLAS (single-threaded: it runs on the caller's
 * thread).
 *
 * <pre>
 * for jc in N by NC:                       op(B) block (KC, NC) packed into NR-wide panels  (~L2/L3)
 *   for pc in K by KC:
 *     for ic in M by MC:                   op(A) block (MC, KC) packed into MR-high panels  (~L2)
 *       for jr in NC by NR:                one B panel (KC, NR) = 32 KiB, stays in L1 ...
 *         for ir in MC by MR:              ... while the A panels stream past it
 *           tile (MR, NR) = A panel * B panel;  C tile = alpha * tile + beta * C tile
 * </pre>
 *
 * Packing undoes the transposes, so one kernel serves all four cases; since packing a transposed operand is a
 * scalar gather, several times the cost of the row copies that pack a plain one, a product whose larger operand
 * is the transposed one is computed as {@code C^T = op(B)^T op(A)^T} instead (see {@link #swapOperands}), its
 * tiles stored transposed. Edges: panels are zero-padded to full height and width, and only the valid part of a
 * tile is stored (whole vectors, then scalar; see {@code storeEdgeTile}). beta applies in the first k block only,
 * later blocks add; C is not read when beta is 0 (it may hold NaN garbage).
 *
 * <p>When op(B) is a plain row-major block of native memory and M is small (a recurrent step: M is the batch),
 * packing B would cost about as much as the multiplication, which reuses each element of B only M times; then the
 * kernels read B in place.
 *
 * <p>Scratch memory is per thread and grows to the largest blocks seen, so steady-state calls allocate nothing.
 */
final class PanamaGemm implements GemmProvider, GemmKernel {
    /** Rows of an A block: a multiple of both tile heights (12 and 6). */
    private static final int MC = 192;
    /** Columns of a B block: KC x NC floats = 1 MiB. */
    private static final int NC = 1024;
    /** Read B in place (no packing) when M is at most this and op(B) is row-major native memory. */
    private static final int DIRECT_B_MAX_ROWS = 48;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private static final PanamaGemm DEFAULT = new PanamaGemm(PanamaMicroKernels.defaultRows());

    /** Lane r of a tile-column gather reads tile row r: indices r * NR. */
    private static final int[] COLUMN = columnIndices();
    /** The lanes of a full tile column, for 12-row and 6-row tiles (a 16-lane vector holds either). */
    private static final VectorMask<Float> ROWS_12 = VectorMask.fromLong(F, (1L << Math.min(12, L)) - 1);
    private static final VectorMask<Float> ROWS_6 = VectorMask.fromLong(F, (1L << Math.min(6, L)) - 1);

    private static int[] columnIndices() {
        int[] idx = new int[L];
        for (int r = 0; r < L; r++) {
            idx[r] = r * NR;
        }
        return idx;
    }

    /** Per-thread packing buffers, grown on demand and then reused. */
    private static final class Scratch {
        float[] a = new float[0];                    // packed A block: MC/MR panels of (MR, KCP)
        MemorySegment b = MemorySegment.NULL;        // packed B block: NC/NR panels of (kc, NR), 64-byte aligned
        // One tile, row-major (MR, NR), with room for L rows so that a gather of one tile column stays inside.
        final float[] tile = new float[Math.max(12, L) * NR];
        // packWeights: one row of W, one packed panel (KC, NR).
        final float[] row = new float[KC];
        final float[] panel = new float[KC * NR];

        float[] a(int floats) {
            if (a.length < floats) {
                a = new float[floats];
            }
            return a;
        }

        MemorySegment b(long floats) {
            if (b.byteSize() < floats * Float.BYTES) {
                // An automatic arena: freed by the GC with this thread's scratch.
                b = Arena.ofAuto().allocate(floats * Float.BYTES, 64);
            }
            return b;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Tile height: 12 or 6. */
    private final int mr;

    PanamaGemm(int mr) {
        if (mr != 12 && mr != 6) {
            throw new IllegalArgumentException("tile height must be 12 or 6, got " + mr);
        }
        this.mr = mr;
    }

    static PanamaGemm instance() {
        return DEFAULT;
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public String toString() {
        return "java (Vector API, " + F.vectorBitSize() + "-bit, " + mr + "x" + NR + " register tiles)";
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
    public void gemv(boolean trans, int m, int n, float alpha, MemorySegment a, long aOffset, int lda,
                     MemorySegment x, long xOffset, int incx, float beta, MemorySegment y, long yOffset, int incy) {
        PanamaGemv.gemv(trans, m, n, alpha, a, aOffset, lda, x, xOffset, incx, beta, y, yOffset, incy);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                     float beta, MemorySegment c, long cOffset, int ldc) {
        if (GemmShapes.onlyScalesC(m, n, k, alpha, beta, c, cOffset, ldc)
                || GemmShapes.asGemv(this, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb,
                        beta, c, cOffset, ldc)) {
            return;
        }
        if (swapOperands(transA, transB, m, n)) {
            // C^T (n, m) = op(B)^T op(A)^T: C^T's rows are C's columns (stride 1), its columns C's rows (ldc).
            blocked(!transB, !transA, n, m, k, alpha, b, bOffset, ldb, a, aOffset, lda, beta, c, cOffset, 1, ldc);
        } else {
            blocked(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, 1);
        }
    }

    /**
     * {@return bytes of W^T packed for {@link #multiplyPackedRows}: W is row-major {@code m x k} (PyTorch's
     * {@code weight_hh}); per k block of {@code KC}, {@code NR}-column panels of W^T, as {@link #packB} lays out a
     * transposed B}
     */
    static long packedWeightBytes(int m, int k) {
        return (long) roundUp(m, NR) * k * Float.BYTES;
    }

    /**
     * Packs W ({@code m x k}, row stride {@code ldw}) as the B operand {@code W^T} of every k block, once for many
     * {@link #multiplyPackedRows} calls: block {@code q} (depth {@code q * KC} on) at byte
     * {@code q * KC * roundUp(m, NR) * 4}. Arguments checked by the caller.
     */
    static void packWeights(MemorySegment w, long wOffset, int ldw, int m, int k, MemorySegment packed) {
        // Transposed in heap scratch (a row of W copied by vectors, then array writes without bounds checks) and
        // copied out one panel at a time: element by element on segments this took a good part of a millisecond.
        Scratch s = SCRATCH.get();
        float[] row = s.row;
        float[] panel = s.panel;
        long blockBytes = (long) KC * roundUp(m, NR) * Float.BYTES;
        for (int pc = 0, q = 0; pc < k; pc += KC, q++) {
            int kc = Math.min(KC, k - pc);
            for (int jr = 0; jr < m; jr += NR) {
                int cols = Math.min(NR, m - jr);
                for (int j = 0; j < NR; j++) {
                    if (j < cols) {
                        copyRow(w, (wOffset + (long) (jr + j) * ldw + pc) * Float.BYTES, kc, row, 0);
                        for (int p = 0; p < kc; p++) {
                            panel[p * NR + j] = row[p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            panel[p * NR + j] = 0f;
                        }
                    }
                }
                MemorySegment.copy(panel, 0, packed, FLOAT, q * blockBytes + (long) (jr / NR) * kc * NR * Float.BYTES,
                        kc * NR);
            }
        }
    }

    /**
     * {@code Y (n x m) = X (n x k) W^T + beta * Y} with W packed by {@link #packWeights}. X is packed per call into
     * row panels (plain row copies, small: n is a batch) and the tiles are stored row-major, whole vectors; the B
     * panel of each 32 output features stays in L1 while the batch's row panels pass it. Tile height: 8 or 12
     * (6 on CPUs with 16 vector registers), whichever pads the batch least: a batch of 32 is four 8-row panels,
     * not 36 rows of 12-row ones. Computing the transposed product instead (W as the broadcast operand) cost a
     * transposed, gathered store and a transposed packing of X per call, a fifth of the step (LSTM B=32 H=256).
     * Y is not read when beta is 0. Arguments checked by the caller; {@code m, n, k > 0}.
     */
    static void multiplyPackedRows(MemorySegment packed, int m, int k, int n, MemorySegment x, long xOffset, int ldx,
                                   float beta, MemorySegment y, long yOffset, int ldy) {
        int mr = tileRowsFor(n);
        Scratch s = SCRATCH.get();
        float[] ap = s.a(roundUp(Math.min(MC, n), mr) * KCP);
        float[] tile = s.tile;
        long blockBytes = (long) KC * roundUp(m, NR) * Float.BYTES;
        for (int ic = 0; ic < n; ic += MC) {
            int mc = Math.min(MC, n - ic);
            for (int pc = 0, q = 0; pc < k; pc += KC, q++) {
                int kc = Math.min(KC, k - pc);
                packRowPanels(x, xOffset, ldx, ic, mc, pc, kc, mr, ap);
                float betaHere = pc == 0 ? beta : 1f;
                for (int jr = 0; jr < m; jr += NR) {
                    long bPanel = q * blockBytes + (long) (jr / NR) * kc * NR * Float.BYTES;
                    int cols = Math.min(NR, m - jr);
                    for (int ir = 0; ir < mc; ir += mr) {
                        if (mr == 12) {
                            PanamaMicroKernels.tile12(kc, ap, ir * KCP, packed, bPanel, NR * Float.BYTES, tile);
                        } else if (mr == 8) {
                            PanamaMicroKernels.tile8(kc, ap, ir * KCP, packed, bPanel, NR * Float.BYTES, tile);
                        } else {
                            PanamaMicroKernels.tile6(kc, ap, ir * KCP, packed, bPanel, NR * Float.BYTES, tile);
                        }
                        storeTile(tile, Math.min(mr, mc - ir), cols, 1f, betaHere, y,
                                yOffset + (long) (ic + ir) * ldy + jr, ldy);
                    }
                }
            }
        }
    }

    /** The tile height of {@link #multiplyPackedRows} for a batch of {@code n} rows. */
    static int tileRowsFor(int n) {
        if (PanamaMicroKernels.defaultRows() != 12) {
            return 6;   // 16 vector registers: the 6-row tile only
        }
        return roundUp(n, 8) < roundUp(n, 12) ? 8 : 12;
    }

    /**
     * Packs rows {@code ic:ic+mc}, columns {@code pc:pc+kc} of a row-major X into panels of {@code mr} rows (row
     * {@code r} of panel {@code q} at {@code ap[(q * mr + r) * KCP]}); rows past {@code mc} are zero.
     */
    private static void packRowPanels(MemorySegment x, long xOffset, int ldx, int ic, int mc, int pc, int kc, int mr,
                                      float[] ap) {
        for (int r = 0; r < mc; r++) {
            copyRow(x, (xOffset + (long) (ic + r) * ldx + pc) * Float.BYTES, kc, ap, r * KCP);
        }
        for (int r = mc; r < roundUp(mc, mr); r++) {
            Arrays.fill(ap, r * KCP, r * KCP + kc, 0f);
        }
    }

    /**
     * Whether to compute {@code C^T = op(B)^T op(A)^T} instead. Packing a transposed operand is a scalar gather
     * (about 8x the cost of the row copies that pack a plain one), and the swap turns each operand's transpose
     * around: worth it when it leaves the transposing to the smaller operand (A is M x K, B is K x N), e.g. the
     * recurrent step {@code h (B, H) x W^T} with W stored (4H, H), where only h is then transposed.
     */
    static boolean swapOperands(boolean transA, boolean transB, int m, int n) {
        if (transA && transB) {
            return true;   // swapped, neither is transposed
        }
        if (!transA && transB) {
            return m < n;  // swapped, A (m x k) is transposed instead of B (k x n)
        }
        if (transA && !transB) {
            return n < m;  // swapped, B instead of A
        }
        return false;
    }

    /**
     * The blocked product; element {@code (i, j)} of the m x n result goes to {@code c[cOffset + i * cRow + j *
     * cCol]}: {@code (ldc, 1)} for C itself, {@code (1, ldc)} for C^T.
     */
    private void blocked(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                         float beta, MemorySegment c, long cOffset, int cRow, int cCol) {
        Scratch s = SCRATCH.get();
        float[] ap = s.a(roundUp(Math.min(MC, m), mr) * KCP);
        boolean directB = !transB && b.isNative() && m <= DIRECT_B_MAX_ROWS;
        MemorySegment bp = directB ? b : s.b((long) Math.min(KC, k) * roundUp(Math.min(NC, n), NR));
        float[] tile = s.tile;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                if (!directB) {
                    packB(transB, b, bOffset, ldb, pc, kc, jc, nc, bp);
                }
                float betaHere = pc == 0 ? beta : 1f;  // later k blocks add to what the first one wrote
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, aOffset, lda, ic, mc, pc, kc, ap, 0);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr);
                        long cFirst = cOffset + (long) ic * cRow + (long) (jc + jr) * cCol;
                        if (!directB) {
                            tilesOfPanel(mc, kc, ap, 0, bp, (long) (jr / NR) * kc * NR * Float.BYTES, tile, cols,
                                    alpha, betaHere, c, cFirst, cRow, cCol);
                        } else if (cols == NR) {
                            long first = (bOffset + (long) pc * ldb + jc + jr) * Float.BYTES;
                            tilesInPlace(mc, kc, ap, b, first, (long) ldb * Float.BYTES, tile, alpha, betaHere, c,
                                    cFirst, cRow, cCol);
                        } else {
                            // B read in place has no zero padding: its narrow last panel is packed after all.
                            MemorySegment narrow = s.b((long) kc * NR);
                            copyRows(b, (bOffset + (long) pc * ldb + jc + jr) * Float.BYTES,
                                    (long) ldb * Float.BYTES, kc, cols, narrow, 0);
                            tilesOfPanel(mc, kc, ap, 0, narrow, 0, tile, cols, alpha, betaHere, c, cFirst, cRow, cCol);
                        }
                    }
                }
            }
        }
    }

    /** All tiles of one packed B panel: {@code C[0:mc, 0:cols] = alpha * Ablock * Bpanel + beta * C}. */
    private void tilesOfPanel(int mc, int kc, float[] ap, int aBase, MemorySegment bp, long bPanel, float[] tile,
                              int cols, float alpha, float beta, MemorySegment c, long cFirst, int cRow, int cCol) {
        for (int ir = 0; ir < mc; ir += mr) {
            int aPanel = aBase + ir * KCP;  // panel ir / mr starts at (ir / mr) * mr * KCP
            if (mr == 12) {
                PanamaMicroKernels.tile12(kc, ap, aPanel, bp, bPanel, NR * Float.BYTES, tile);
            } else {
                PanamaMicroKernels.tile6(kc, ap, aPanel, bp, bPanel, NR * Float.BYTES, tile);
            }
            store(tile, Math.min(mr, mc - ir), mc - ir, cols, alpha, beta, c, cFirst + (long) ir * cRow, cRow, cCol);
        }
    }

    /** All tiles of NR full columns of B read in place, rows {@code bStride} bytes apart. */
    private void tilesInPlace(int mc, int kc, float[] ap, MemorySegment b, long bPanel, long bStride, float[] tile,
                              float alpha, float beta, MemorySegment c, long cFirst, int cRow, int cCol) {
        for (int ir = 0; ir < mc; ir += mr) {
            int aPanel = ir * KCP;
            if (mr == 12) {
                PanamaMicroKernels.tile12(kc, ap, aPanel, b, bPanel, bStride, tile);
            } else {
                PanamaMicroKernels.tile6(kc, ap, aPanel, b, bPanel, bStride, tile);
            }
            store(tile, Math.min(mr, mc - ir), mc - ir, NR, alpha, beta, c, cFirst + (long) ir * cRow, cRow, cCol);
        }
    }

    // `rest`: rows of this block from the tile's first on (>= rows); they are C elements this call writes.
    private void store(float[] tile, int rows, int rest, int cols, float alpha, float beta, MemorySegment c,
                       long cFirst, int cRow, int cCol) {
        if (cCol == 1) {
            storeTile(tile, rows, cols, alpha, beta, c, cFirst, cRow);
        } else if (rows == mr && rest >= L && mr <= L) {
            storeTileTransposedGathered(tile, mr == 12 ? ROWS_12 : ROWS_6, cols, alpha, beta, c, cFirst, cCol);
        } else {
            storeTileTransposed(tile, rows, cols, alpha, beta, c, cFirst, cCol);
        }
    }

    /**
     * {@link #storeTileTransposed} for a full tile whose C rows extend at least one vector past its first element,
     * all within this call's C: each tile column is one gather (rows r * NR apart) and one vector of C, the lanes
     * past the tile's rows keep C's own values (read and written back unchanged: elements of C that a later tile
     * of this call writes). The same operations per element as the scalar store, so the same bits; the scalar store
     * cost a quarter of an LSTM B=32 recurrent step (113 vs 85 us with the store skipped).
     */
    private static void storeTileTransposedGathered(float[] tile, VectorMask<Float> rowsMask, int cols, float alpha,
                                                   float beta, MemorySegment c, long cFirst, int ldc) {
        for (int q = 0; q < cols; q++) {
            long at = (cFirst + (long) q * ldc) * Float.BYTES;
            FloatVector old = FloatVector.fromMemorySegment(F, c, at, ORDER);
            FloatVector v = FloatVector.fromArray(F, tile, q, COLUMN, 0).mul(alpha);
            if (beta != 0f) {
                v = v.add(old.mul(beta));
            }
            old.blend(v, rowsMask).intoMemorySegment(c, at, ORDER);
        }
    }

    /**
     * {@code C[0:cols, 0:rows] (ldc) = alpha * tile^T + beta * C}: column {@code q} of the tile is a contiguous
     * piece of row {@code q} of C. Scalar: a tile is at most 12 rows, less than a vector of 16, so a vector version
     * needs masked gathers, which C2 did not intrinsify here (every vector of the method boxed, and allocating);
     * the scalar store costs {@code rows * cols} element operations against {@code kc} times as many FMAs.
     */
    private static void storeTileTransposed(float[] tile, int rows, int cols, float alpha, float beta,
                                            MemorySegment c, long cFirst, int ldc) {
        for (int q = 0; q < cols; q++) {
            long row = cFirst + (long) q * ldc;
            for (int r = 0; r < rows; r++) {
                float v = alpha * tile[r * NR + q];
                long at = row + r;
                c.setAtIndex(FLOAT, at, beta == 0f ? v : v + beta * c.getAtIndex(FLOAT, at));
            }
        }
    }

    /**
     * {@code C[0:rows, 0:cols] (ldc) = alpha * tile + beta * C}; C is not read when beta is 0. Full tiles are two
     * vectors per row; an edge tile stores its whole vectors, then the rest scalar (no masks: partial masks were
     * not always intrinsified by C2, and then every vector of the method was boxed).
     */
    private static void storeTile(float[] tile, int rows, int cols, float alpha, float beta,
                                  MemorySegment c, long cFirst, int ldc) {
        if (cols < NR) {
            storeEdgeTile(tile, rows, cols, alpha, beta, c, cFirst, ldc);
            return;
        }
        for (int i = 0; i < rows; i++) {
            long at = (cFirst + (long) i * ldc) * Float.BYTES;
            FloatVector t0 = FloatVector.fromArray(F, tile, i * NR).mul(alpha);
            FloatVector t1 = FloatVector.fromArray(F, tile, i * NR + L).mul(alpha);
            if (beta != 0f) {
                t0 = t0.add(FloatVector.fromMemorySegment(F, c, at, ORDER).mul(beta));
                t1 = t1.add(FloatVector.fromMemorySegment(F, c, at + VECTOR_BYTES, ORDER).mul(beta));
            }
            t0.intoMemorySegment(c, at, ORDER);
            t1.intoMemorySegment(c, at + VECTOR_BYTES, ORDER);
        }
    }

    /** {@link #storeTile} for {@code cols < NR}. */
    private static void storeEdgeTile(float[] tile, int rows, int cols, float alpha, float beta,
                                      MemorySegment c, long cFirst, int ldc) {
        for (int i = 0; i < rows; i++) {
            long row = cFirst + (long) i * ldc;
            int j = 0;
            if (cols >= L) {
                long at = row * Float.BYTES;
                FloatVector t0 = FloatVector.fromArray(F, tile, i * NR).mul(alpha);
                if (beta != 0f) {
                    t0 = t0.add(FloatVector.fromMemorySegment(F, c, at, ORDER).mul(beta));
                }
                t0.intoMemorySegment(c, at, ORDER);
                j = L;
            }
            for (; j < cols; j++) {
                float v = alpha * tile[i * NR + j];
                long at = row + j;
                c.setAtIndex(FLOAT, at, beta == 0f ? v : v + beta * c.getAtIndex(FLOAT, at));
            }
        }
    }

    /**
     * Packs {@code op(A)[ic:ic+mc, pc:pc+kc]} into panels of {@code mr} rows: element {@code (r, p)} of panel
     * {@code q} at {@code ap[at + q * mr * KCP + r * KCP + p]}; rows past {@code mc} are zero.
     */
    private void packA(boolean transA, MemorySegment a, long aOffset, int lda, int ic, int mc, int pc, int kc,
                       float[] ap, int at) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int panel = at + ir * KCP;
            if (transA) {  // A stored (k, m): op(A)[i, p] = A[p, i]; read along i, write along p
                for (int p = 0; p < kc; p++) {
                    long src = aOffset + (long) (pc + p) * lda + ic + ir;
                    for (int r = 0; r < rows; r++) {
                        ap[panel + r * KCP + p] = a.getAtIndex(FLOAT, src + r);
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    copyRow(a, (aOffset + (long) (ic + ir + r) * lda + pc) * Float.BYTES, kc, ap, panel + r * KCP);
                }
            }
            for (int r = rows; r < mr; r++) {
                Arrays.fill(ap, panel + r * KCP, panel + r * KCP + kc, 0f);
            }
        }
    }

    /**
     * Packs {@code op(B)[pc:pc+kc, jc:jc+nc]} into panels of NR columns: row {@code p} of panel {@code q} at byte
     * {@code (q * kc + p) * NR * 4}; columns past {@code nc} are zero.
     */
    private static void packB(boolean transB, MemorySegment b, long bOffset, int ldb, int pc, int kc, int jc, int nc,
                              MemorySegment bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            long panel = (long) (jr / NR) * kc * NR * Float.BYTES;
            if (transB) {  // B stored (n, k): op(B)[p, j] = B[j, p]; read along p, write along j
                for (int j = 0; j < cols; j++) {
                    long src = bOffset + (long) (jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        bp.set(FLOAT, panel + ((long) p * NR + j) * Float.BYTES, b.getAtIndex(FLOAT, src + p));
                    }
                }
                for (int j = cols; j < NR; j++) {
                    for (int p = 0; p < kc; p++) {
                        bp.set(FLOAT, panel + ((long) p * NR + j) * Float.BYTES, 0f);
                    }
                }
            } else {
                copyRows(b, (bOffset + (long) pc * ldb + jc + jr) * Float.BYTES, (long) ldb * Float.BYTES, kc, cols,
                        bp, panel);
            }
        }
    }

    /**
     * Copies {@code n} floats from byte {@code from} of {@code src} to {@code dst[to:to+n]}: vector by vector, since
     * for rows this short a {@code MemorySegment.copy} call costs more than the copy (measured at 64 x 64 x 64).
     */
    private static void copyRow(MemorySegment src, long from, int n, float[] dst, int to) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector.fromMemorySegment(F, src, from + (long) j * Float.BYTES, ORDER).intoArray(dst, to + j);
        }
        for (; j < n; j++) {  // scalar tail: see storeEdgeTile
            dst[to + j] = src.get(FLOAT, from + (long) j * Float.BYTES);
        }
    }

    /** Copies {@code rows} rows of {@code cols <= NR} floats into consecutive NR-float rows, zero-padded. */
    private static void copyRows(MemorySegment src, long from, long srcStride, int rows, int cols,
                                 MemorySegment dst, long to) {
        if (cols == NR) {
            for (int p = 0; p < rows; p++, from += srcStride, to += NR * Float.BYTES) {
                FloatVector.fromMemorySegment(F, src, from, ORDER).intoMemorySegment(dst, to, ORDER);
                FloatVector.fromMemorySegment(F, src, from + VECTOR_BYTES, ORDER)
                        .intoMemorySegment(dst, to + VECTOR_BYTES, ORDER);
            }
        } else {  // an edge panel: whole vectors, then scalar, then zeros (see storeEdgeTile)
            for (int p = 0; p < rows; p++, from += srcStride, to += NR * Float.BYTES) {
                int j = 0;
                if (cols >= L) {
                    FloatVector.fromMemorySegment(F, src, from, ORDER).intoMemorySegment(dst, to, ORDER);
                    j = L;
                }
                for (; j < cols; j++) {
                    dst.set(FLOAT, to + (long) j * Float.BYTES, src.get(FLOAT, from + (long) j * Float.BYTES));
                }
                for (; j < NR; j++) {
                    dst.set(FLOAT, to + (long) j * Float.BYTES, 0f);
                }
            }
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
