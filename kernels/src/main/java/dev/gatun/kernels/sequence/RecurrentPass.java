package dev.gatun.kernels.sequence;

import dev.gatun.gemm.Gemm;
import dev.gatun.gemm.PackedWeights;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.cell.ClassicGruCell;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One direction of one recurrent layer over a whole sequence, forward and backward, built from one GEMM for all
 * input projections, a recurrent GEMM per step and one fused cell kernel per step. Backward runs the fused cell
 * backward per step and the recurrent data-gradient GEMM, and computes the weight gradients after the loop with one
 * large GEMM over all T*B rows.
 *
 * <p>Letters: T time steps, B batch, I input size, H hidden size, G gates, GH = G*H, Hr state size (P when
 * projected, else H). Rows of x and y are time-major: row {@code t*B + b} sits at {@code off + (t*B + b) * ld}.
 *
 * <p>The pass owns its workspace (saved activations for backward and scratch), sized for the largest (T, B) seen:
 * steady-state calls allocate nothing. Not thread-safe; one pass per layer direction and caller.
 */
public final class RecurrentPass implements AutoCloseable {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /**
     * Whether the forward recurrent step multiplies by W_hh packed once per call ({@link PackedWeights}) instead of
     * a GEMM per step, which packs W_hh again every step: {@code -Dgatun.recurrent.packed=auto|true|false}. Auto
     * (the default) packs when the Vector API kernels are enabled, for B >= {@link #PACKED_MIN_BATCH} and T >= 2 (a
     * GEMV reads W once anyway, and one step gains nothing from packing once), whatever the GEMM provider. Measured
     * (ForwardBreakdownBenchmark, LSTM B=32 H=256, one thread, Zen 5): 101 us per step packed against 142 us for
     * OpenBLAS (SkylakeX kernels) and 126 us for the per-call Java GEMM.
     */
    private static final String PACKED = System.getProperty("gatun.recurrent.packed", "auto").trim();
    static final int PACKED_MIN_BATCH = 4;

    private final LayerShape shape;
    private final boolean reverse;
    private final CellStep cell;      // null for the classic GRU (two phases, driven here)
    private final int saveWidth;     // floats per row saved for backward
    private final int gh;       // G*H
    private final int hidden;   // H
    private final int state;    // Hr
    private final String packedSetting;   // see PACKED

    private Arena arena = Arena.ofShared();
    private int capT;
    private int capB;
    // Forward results kept for backward.
    private MemorySegment xp;        // (T, B, GH) input pre-activations
    private MemorySegment save;      // (T, B, saveWidth) what the cell kernel saved
    private MemorySegment cells;     // (T, B, H) c_t (LSTM)
    private MemorySegment hPre;      // (T, B, H) h before projection (LSTM with proj)
    private MemorySegment rh;        // (T, B, H) r * h_{t-1} (classic GRU)
    private MemorySegment zeros;     // (B, max(H, Hr)) a zero state
    // Scratch.
    private MemorySegment hp;        // (B, GH) recurrent pre-activations of one step
    private MemorySegment dxp;       // (T, B, GH) input-side pre-activation gradients
    private MemorySegment dhpAll;    // (T, B, GH) recurrent-side ones (GRU), else aliases dxp
    private MemorySegment dh;        // (B, H) gradient into the cell output of one step
    private MemorySegment dhNext;    // (B, Hr) gradient flowing to h_{t-1}
    private MemorySegment dy;        // (T, B, Hr) total dh per step (projection only: for dW_hr)
    private MemorySegment dc;        // (B, H)
    private MemorySegment ones;      // (T*B) ones, for bias gradients as a GEMV
    private int fwdT = -1;
    private int fwdB = -1;
    private boolean closed;
    private PackedWeights packedHh;  // W_hh packed for this forward call, when the packed step is used

    /**
     * A pass for one layer direction.
     *
     * @param shape the layer sizes
     * @param reverse true for the backward-in-time direction of a bidirectional layer
     */
    public RecurrentPass(LayerShape shape, boolean reverse) {
        this(shape, reverse, PACKED);
    }

    /** As {@link #RecurrentPass(LayerShape, boolean)} with the packed-step setting given: auto, true or false. */
    RecurrentPass(LayerShape shape, boolean reverse, String packedSetting) {
        if (shape == null) {
            throw new IllegalArgumentException("shape is null");
        }
        this.shape = shape;
        this.reverse = reverse;
        this.cell = CellSteps.of(shape.cell(), shape.hiddenSize());
        this.saveWidth = CellSteps.saveWidth(shape.cell(), shape.hiddenSize());
        this.gh = shape.gateRows();
        this.hidden = shape.hiddenSize();
        this.state = shape.stateSize();
        this.packedSetting = packedSetting;
    }

    /** The layer sizes. */
    public LayerShape shape() {
        return shape;
    }

    /** True for the backward-in-time direction. */
    public boolean reverse() {
        return reverse;
    }

    /**
     * Runs the layer direction over the sequence.
     *
     * @param x input rows (T*B, I) at {@code xOff}, row stride {@code ldx}
     * @param w the weights
     * @param h0 initial state (B, Hr) contiguous, or null for zeros
     * @param c0 initial cell (B, H) contiguous (LSTM), or null for zeros
     * @param y output rows (T*B, Hr) at {@code yOff}, row stride {@code ldy} (h_t of every step)
     * @param hN final state (B, Hr), or null
     * @param cN final cell (B, H) (LSTM), or null
     */
    public void forward(int steps, int batch, MemorySegment x, long xOff, int ldx, LayerWeights w,
                        MemorySegment h0, long h0Off, MemorySegment c0, long c0Off,
                        MemorySegment y, long yOff, int ldy,
                        MemorySegment hN, long hNOff, MemorySegment cN, long cNOff) {
        checkOpen();
        checkForward(steps, batch, x, xOff, ldx, w, h0, h0Off, c0, c0Off, y, yOff, ldy, hN, hNOff, cN, cNOff);
        ensureCapacity(steps, batch);
        fwdT = steps;
        fwdB = batch;
        int rows = steps * batch;

        // All input projections at once: xp = x W_ih^T + b_ih.   (T*B, GH)
        broadcastRows(w.bIh().segment(), w.bIh().offset(), xp, rows, gh);
        Gemm.sgemm(false, true, rows, gh, shape.inputSize(), 1f, x, xOff, ldx,
                w.wIh().segment(), w.wIh().offset(), shape.inputSize(), 1f, xp, 0, gh);

        boolean packed = usePacked(steps, batch);
        if (packed) {
            if (packedHh == null) {
                packedHh = new PackedWeights();
            }
            packedHh.pack(w.wHh().segment(), w.wHh().offset(), gh, state);
        }

        MemorySegment hPrev = h0 == null ? zeros : h0;
        long hPrevOff = h0 == null ? 0 : h0Off;
        int ldPrev = state;
        MemorySegment cPrev = c0 == null ? zeros : c0;
        long cPrevOff = c0 == null ? 0 : c0Off;
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            long row = (long) t * batch;
            long yRow = yOff + row * ldy;
            // Recurrent pre-activations: hp = h_{t-1} W_hh^T + b_hh.   (B, GH)
            if (shape.cell() == CellType.GRU_CLASSIC) {
                classicGruForwardStep(batch, row, w, hPrev, hPrevOff, ldPrev, y, yRow, ldy);
            } else {
                if (packed) {
                    copyBiasRows(w, batch, 0, gh);
                    packedHh.multiply(batch, hPrev, hPrevOff, ldPrev, 1f, hp, 0, gh);
                } else {
                    recurrentPreActivations(batch, w, hPrev, hPrevOff, ldPrev, 0, gh);
                }
                boolean proj = shape.projSize() > 0;
                cell.forward(batch, xp, row * gh, hp, 0, hPrev, hPrevOff, ldPrev, cPrev, cPrevOff,
                        proj ? hPre : y, proj ? row * hidden : yRow, proj ? hidden : ldy,
                        cells, row * hidden, save, row * saveWidth);
                if (proj) {
                    // h_t = (o * tanh c_t) W_hr^T.   (B, P)
                    Gemm.sgemm(false, true, batch, state, hidden, 1f, hPre, row * hidden, hidden,
                            w.wHr().segment(), w.wHr().offset(), hidden, 0f, y, yRow, ldy);
                }
            }
            hPrev = y;
            hPrevOff = yRow;
            ldPrev = ldy;
            cPrev = cells;
            cPrevOff = row * hidden;
        }
        if (hN != null) {
            copyRows(hPrev, hPrevOff, ldPrev, hN, hNOff, state, batch, state);
        }
        if (cN != null && shape.cell().hasCellState()) {
            copyRows(cPrev, cPrevOff, hidden, cN, cNOff, hidden, batch, hidden);
        }
    }

    /**
     * Backpropagates through the sequence of the last {@link #forward} (same x, h0, c0, y and weights).
     * Weight gradients are accumulated into {@code g} (+=); {@code dx} is written ({@code dxBeta} = 0) or added to
     * ({@code dxBeta} = 1, for the second direction of a bidirectional layer).
     *
     * @param dy gradient of the outputs (T*B, Hr) rows at {@code dyOff} with stride {@code lddy}, or null
     * @param dhN gradient of the final state (B, Hr), or null
     * @param dcN gradient of the final cell (B, H), or null
     * @param dx gradient of the input (T*B, I) rows with stride {@code lddx}, or null to skip
     * @param dh0 gradient of h0 (B, Hr), or null
     * @param dc0 gradient of c0 (B, H), or null
     */
    public void backward(int steps, int batch, MemorySegment x, long xOff, int ldx, LayerWeights w,
                         MemorySegment h0, long h0Off, MemorySegment c0, long c0Off,
                         MemorySegment y, long yOff, int ldy,
                         MemorySegment dy, long dyOff, int lddy, MemorySegment dhN, long dhNOff,
                         MemorySegment dcN, long dcNOff, LayerWeights g,
                         MemorySegment dx, long dxOff, int lddx, float dxBeta,
                         MemorySegment dh0, long dh0Off, MemorySegment dc0, long dc0Off) {
        checkOpen();
        if (steps != fwdT || batch != fwdB) {
            throw new IllegalStateException("backward(T=" + steps + ", B=" + batch + ") does not follow a forward of "
                    + "the same sizes (last forward: T=" + fwdT + ", B=" + fwdB + ")");
        }
        checkForward(steps, batch, x, xOff, ldx, w, h0, h0Off, c0, c0Off, y, yOff, ldy, null, 0, null, 0);
        g.check("grad", shape);
        SequenceChecks.rows("dy", dy, dyOff, lddy, steps * batch, state, true);
        SequenceChecks.rows("dhN", dhN, dhNOff, state, batch, state, true);
        SequenceChecks.rows("dcN", dcN, dcNOff, hidden, batch, hidden, true);
        SequenceChecks.rows("dx", dx, dxOff, lddx, steps * batch, shape.inputSize(), true);
        SequenceChecks.rows("dh0", dh0, dh0Off, state, batch, state, true);
        SequenceChecks.rows("dc0", dc0, dc0Off, hidden, batch, hidden, true);
        int rows = steps * batch;
        boolean proj = shape.projSize() > 0;
        boolean gru = shape.cell() == CellType.GRU;   // PyTorch's GRU: the n block differs between xp and hp
        MemorySegment dhp = gru ? dhpAll : dxp;

        // Running gradients into h_{t} and c_{t} from the later steps.
        fillZero(dhNext, (long) batch * state);
        if (dhN != null) {
            MemorySegment.copy(dhN, dhNOff * 4, dhNext, 0, (long) batch * state * 4);
        }
        fillZero(dc, (long) batch * hidden);
        if (dcN != null && shape.cell().hasCellState()) {
            MemorySegment.copy(dcN, dcNOff * 4, dc, 0, (long) batch * hidden * 4);
        }
        for (int s = steps - 1; s >= 0; s--) {
            int t = reverse ? steps - 1 - s : s;
            long row = (long) t * batch;
            boolean first = s == 0;
            int tPrev = reverse ? t + 1 : t - 1;
            MemorySegment hPrev = first ? (h0 == null ? zeros : h0) : y;
            long hPrevOff = first ? (h0 == null ? 0 : h0Off) : yOff + (long) tPrev * batch * ldy;
            int ldPrev = first ? state : ldy;
            MemorySegment cPrev = first ? (c0 == null ? zeros : c0) : cells;
            long cPrevOff = first ? (c0 == null ? 0 : c0Off) : (long) tPrev * batch * hidden;

            // Total gradient into h_t: from the output and from step t+1.   (B, Hr)
            if (dy != null) {
                addRows(dy, dyOff + row * lddy, lddy, dhNext, batch, state);
            }
            // dh: the gradient into the cell's own output, apart from dhNext which the step rewrites.   (B, H)
            if (proj) {
                MemorySegment.copy(dhNext, 0, this.dy, row * state * 4, (long) batch * state * 4);
                // Into the unprojected output: dh = dh_proj W_hr.
                Gemm.sgemm(false, false, batch, hidden, state, 1f, dhNext, 0, state,
                        w.wHr().segment(), w.wHr().offset(), hidden, 0f, dh, 0, hidden);
            } else {
                MemorySegment.copy(dhNext, 0, dh, 0, (long) batch * hidden * 4);
            }
            MemorySegment dCell = dh;
            if (shape.cell() == CellType.GRU_CLASSIC) {
                classicGruBackwardStep(batch, row, w, dCell, hPrev, hPrevOff, ldPrev);
                continue;
            }
            cell.backward(batch, dCell, 0, dc, 0, save, row * saveWidth, cells, row * hidden,
                    cPrev, cPrevOff, hPrev, hPrevOff, ldPrev, y, yOff + row * ldy, ldy,
                    dxp, row * gh, dhp, row * gh, dhNext, 0);
            // Into h_{t-1}: dhNext (+)= dhp W_hh.   (B, Hr)
            Gemm.sgemm(false, false, batch, state, gh, 1f, dhp, row * gh, gh,
                    w.wHh().segment(), w.wHh().offset(), state, gru ? 1f : 0f, dhNext, 0, state);
        }
        if (dh0 != null) {
            MemorySegment.copy(dhNext, 0, dh0, dh0Off * 4, (long) batch * state * 4);
        }
        if (dc0 != null) {
            if (shape.cell().hasCellState()) {
                MemorySegment.copy(dc, 0, dc0, dc0Off * 4, (long) batch * hidden * 4);
            } else {
                MemorySegment.copy(zeros, 0, dc0, dc0Off * 4, (long) batch * hidden * 4);
            }
        }
        weightGradients(steps, batch, x, xOff, ldx, h0, h0Off, y, yOff, ldy, g, dhp);
        if (dx != null) {
            // dx = dxp W_ih.   (T*B, I)
            Gemm.sgemm(false, false, rows, shape.inputSize(), gh, 1f, dxp, 0, gh,
                    w.wIh().segment(), w.wIh().offset(), shape.inputSize(), dxBeta, dx, dxOff, lddx);
        }
    }

    /** The one-GEMM-per-weight gradients over all T*B rows, after the time loop. */
    private void weightGradients(int steps, int batch, MemorySegment x, long xOff, int ldx,
                                 MemorySegment h0, long h0Off, MemorySegment y, long yOff, int ldy,
                                 LayerWeights g, MemorySegment dhp) {
        int rows = steps * batch;
        int in = shape.inputSize();
        // dW_ih += dxp^T x.   (GH, I)
        Gemm.sgemm(true, false, gh, in, rows, 1f, dxp, 0, gh, x, xOff, ldx,
                1f, g.wIh().segment(), g.wIh().offset(), in);
        // db_ih += column sums of dxp; db_hh += column sums of dhp.
        Gemm.sgemv(true, rows, gh, 1f, dxp, 0, gh, ones, 0, 1, 1f, g.bIh().segment(), g.bIh().offset(), 1);
        Gemm.sgemv(true, rows, gh, 1f, dhp, 0, gh, ones, 0, 1, 1f, g.bHh().segment(), g.bHh().offset(), 1);
        // dW_hh += dhp^T h_prev: the rows whose previous state is an output row, then the first step's h0.
        boolean classic = shape.cell() == CellType.GRU_CLASSIC;
        int recurrentRows = classic ? 2 * hidden : gh;     // classic GRU: the n rows multiply r*h instead
        MemorySegment gw = g.wHh().segment();
        long gwOff = g.wHh().offset();
        int later = (steps - 1) * batch;
        if (later > 0) {
            long dhpFrom = reverse ? 0 : (long) batch * gh;       // steps whose h_prev is y[t-1] (or y[t+1])
            long yFrom = reverse ? yOff + (long) batch * ldy : yOff;
            Gemm.sgemm(true, false, recurrentRows, state, later, 1f, dhp, dhpFrom, gh, y, yFrom, ldy,
                    1f, gw, gwOff, state);
        }
        if (h0 != null) {
            long firstRow = reverse ? (long) (steps - 1) * batch : 0;
            Gemm.sgemm(true, false, recurrentRows, state, batch, 1f, dhp, firstRow * gh, gh, h0, h0Off, state,
                    1f, gw, gwOff, state);
        }
        if (classic) {
            // dW_hn += dn^T (r*h_prev) over all rows.   (H, H)
            Gemm.sgemm(true, false, hidden, state, rows, 1f, dhp, 2L * hidden, gh, rh, 0, hidden,
                    1f, gw, gwOff + 2L * hidden * state, state);
        }
        if (shape.projSize() > 0) {
            // dW_hr += dy^T h_unprojected.   (P, H)
            Gemm.sgemm(true, false, state, hidden, rows, 1f, this.dy, 0, state, hPre, 0, hidden,
                    1f, g.wHr().segment(), g.wHr().offset(), hidden);
        }
    }

    /** Classic GRU forward step: the candidate's matmul reads r*h_{t-1}, so two kernel phases around it. */
    private void classicGruForwardStep(int batch, long row, LayerWeights w, MemorySegment hPrev, long hPrevOff,
                                       int ldPrev, MemorySegment y, long yRow, int ldy) {
        long saveOff = row * saveWidth;
        long rhOff = row * hidden;
        recurrentPreActivations(batch, w, hPrev, hPrevOff, ldPrev, 0, 2 * hidden);
        ClassicGruCell.forwardGates(batch, hidden, xp, row * gh, hp, 0, hPrev, hPrevOff, ldPrev, save, saveOff,
                rh, rhOff);
        recurrentPreActivations(batch, w, rh, rhOff, hidden, 2 * hidden, hidden);
        ClassicGruCell.forwardCandidate(batch, hidden, xp, row * gh, hp, 0, hPrev, hPrevOff, ldPrev, save, saveOff,
                y, yRow, ldy);
    }

    /** Classic GRU backward step: dxp (one dPre for both sides) and dhNext = dh_{t-1}. */
    private void classicGruBackwardStep(int batch, long row, LayerWeights w, MemorySegment dCell,
                                        MemorySegment hPrev, long hPrevOff, int ldPrev) {
        long saveOff = row * saveWidth;
        long dPreOff = row * gh;
        MemorySegment wHh = w.wHh().segment();
        long wOff = w.wHh().offset();
        ClassicGruCell.backwardCandidate(batch, hidden, dCell, 0, save, saveOff, hPrev, hPrevOff, ldPrev,
                dxp, dPreOff, dhNext, 0);
        // drh = dn_pre W_hn (B, H), into the dh buffer, which the candidate phase has consumed.
        Gemm.sgemm(false, false, batch, hidden, hidden, 1f, dxp, dPreOff + 2L * hidden, gh,
                wHh, wOff + 2L * hidden * state, state, 0f, dh, 0, hidden);
        ClassicGruCell.backwardGates(batch, hidden, dh, 0, save, saveOff, hPrev, hPrevOff, ldPrev,
                dxp, dPreOff, dhNext, 0);
        // dh_{t-1} += [dr_pre | dz_pre] W_hh[0:2H].
        Gemm.sgemm(false, false, batch, state, 2 * hidden, 1f, dxp, dPreOff, gh, wHh, wOff, state,
                1f, dhNext, 0, state);
    }

    /** Whether this forward call uses the packed recurrent step (see {@link #PACKED}). */
    private boolean usePacked(int steps, int batch) {
        if (shape.cell() == CellType.GRU_CLASSIC || !PackedWeights.available()) {
            return false;   // the classic GRU multiplies two row ranges of W_hh by different states
        }
        return switch (packedSetting) {
            case "true" -> true;
            case "false" -> false;
            default -> batch >= PACKED_MIN_BATCH && steps >= 2;
        };
    }

    /** hp[:, from:from+count] = b_hh[from:from+count].   (B, count) */
    private void copyBiasRows(LayerWeights w, int batch, int from, int count) {
        for (int b = 0; b < batch; b++) {
            MemorySegment.copy(w.bHh().segment(), (w.bHh().offset() + from) * 4, hp, ((long) b * gh + from) * 4,
                    (long) count * 4);
        }
    }

    /** hp[:, from:from+count] = b_hh[from:from+count] + h_prev W_hh[from:from+count]^T.   (B, count) */
    private void recurrentPreActivations(int batch, LayerWeights w, MemorySegment hPrev, long hPrevOff, int ldPrev,
                                         int from, int count) {
        copyBiasRows(w, batch, from, count);
        Gemm.sgemm(false, true, batch, count, state, 1f, hPrev, hPrevOff, ldPrev,
                w.wHh().segment(), w.wHh().offset() + (long) from * state, state, 1f, hp, from, gh);
    }

    private void ensureCapacity(int steps, int batch) {
        if (steps <= capT && batch <= capB) {
            return;
        }
        int t = Math.max(steps, capT);
        int b = Math.max(batch, capB);
        Arena next = Arena.ofShared();
        long tb = (long) t * b;
        xp = alloc(next, tb * gh);
        save = alloc(next, tb * saveWidth);
        cells = alloc(next, shape.cell().hasCellState() ? tb * hidden : 1);
        hPre = alloc(next, shape.projSize() > 0 ? tb * hidden : 1);
        rh = alloc(next, shape.cell() == CellType.GRU_CLASSIC ? tb * hidden : 1);
        zeros = alloc(next, (long) b * Math.max(hidden, state));
        hp = alloc(next, (long) b * gh);
        dxp = alloc(next, tb * gh);
        dhpAll = shape.cell() == CellType.GRU ? alloc(next, tb * gh) : dxp;
        dh = alloc(next, (long) b * hidden);
        dhNext = alloc(next, (long) b * state);
        dy = alloc(next, shape.projSize() > 0 ? tb * state : 1);
        dc = alloc(next, (long) b * hidden);
        ones = alloc(next, tb);
        for (long i = 0; i < tb; i++) {
            ones.setAtIndex(F, i, 1f);
        }
        arena.close();
        arena = next;
        capT = t;
        capB = b;
    }

    private static MemorySegment alloc(Arena arena, long floats) {
        return arena.allocate(Math.max(1, floats) * 4, 64);
    }

    private void checkForward(int steps, int batch, MemorySegment x, long xOff, int ldx, LayerWeights w,
                              MemorySegment h0, long h0Off, MemorySegment c0, long c0Off,
                              MemorySegment y, long yOff, int ldy,
                              MemorySegment hN, long hNOff, MemorySegment cN, long cNOff) {
        if (steps < 1 || batch < 1) {
            throw new IllegalArgumentException("steps and batch must be >= 1, got T=" + steps + ", B=" + batch);
        }
        if ((long) steps * batch > Integer.MAX_VALUE / Math.max(gh, 1)) {
            throw new IllegalArgumentException("T*B*G*H overflows: T=" + steps + ", B=" + batch + ", GH=" + gh);
        }
        if (w == null) {
            throw new IllegalArgumentException("weights are null");
        }
        w.check("weights", shape);
        int rows = steps * batch;
        SequenceChecks.rows("x", x, xOff, ldx, rows, shape.inputSize(), false);
        SequenceChecks.rows("y", y, yOff, ldy, rows, state, false);
        SequenceChecks.rows("h0", h0, h0Off, state, batch, state, true);
        SequenceChecks.rows("c0", c0, c0Off, hidden, batch, hidden, true);
        SequenceChecks.rows("hN", hN, hNOff, state, batch, state, true);
        SequenceChecks.rows("cN", cN, cNOff, hidden, batch, hidden, true);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("recurrent pass " + shape + " is closed");
        }
    }

    /** dst rows (rows, n) contiguous = src (n) repeated. */
    private static void broadcastRows(MemorySegment src, long srcOff, MemorySegment dst, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(src, srcOff * 4, dst, (long) r * n * 4, (long) n * 4);
        }
    }

    private static void copyRows(MemorySegment src, long srcOff, int lds, MemorySegment dst, long dstOff, int ldd,
                                 int rows, int n) {
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(src, (srcOff + (long) r * lds) * 4, dst, (dstOff + (long) r * ldd) * 4, (long) n * 4);
        }
    }

    /** acc (rows, n) contiguous += src rows with stride lds. */
    private static void addRows(MemorySegment src, long srcOff, int lds, MemorySegment acc, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            long s = srcOff + (long) r * lds;
            long a = (long) r * n;
            for (int i = 0; i < n; i++) {
                acc.setAtIndex(F, a + i, acc.getAtIndex(F, a + i) + src.getAtIndex(F, s + i));
            }
        }
    }

    /** Zeroes the first {@code floats} floats of a (B, max(H, Hr)) scratch buffer, without slicing. */
    private void fillZero(MemorySegment s, long floats) {
        MemorySegment.copy(zeros, 0, s, 0, floats * 4);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
            if (packedHh != null) {
                packedHh.close();
            }
        }
    }
}
