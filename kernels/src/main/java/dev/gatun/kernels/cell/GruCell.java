package dev.gatun.kernels.cell;

import dev.gatun.kernels.Vectorization;
import java.lang.foreign.MemorySegment;

/**
 * One GRU time step in PyTorch's form, fused. Gate order r, z, n:
 * <pre>
 *   xp = x W_ih^T + b_ih,  hp = h_{t-1} W_hh^T + b_hh          (B, 3H) each, blocks [r | z | n]
 *   r = σ(xp_r + hp_r)     z = σ(xp_z + hp_z)
 *   n = tanh(xp_n + r * hp_n)                                 hp_n includes b_hn
 *   h_t = (1 - z) * n + z * h_{t-1}
 * </pre>
 * Saved for backward: {@code save} (B, 4H), blocks [r | z | n | hp_n] of H floats per row. Backward also needs
 * h_{t-1}. For the classic form (reset before the matmul) see {@link ClassicGruCell}.
 *
 * <p>Buffers are float32 segments with offsets counted in floats; gate blocks are contiguous (B, 3H) or (B, 4H) rows,
 * h_{t-1} and h_t have row strides {@code ldPrev} and {@code ldh} (for (T, B, 2H) outputs), dh and dhPrev are
 * contiguous (B, H). Arguments are validated (IllegalArgumentException naming the buffer and shapes); the work runs
 * on the Vector API when {@link Vectorization#enabled()}, else on the scalar twin; the two agree within
 * about 1e-6 (their activation functions differ by an ulp or two).
 */
public final class GruCell {
    /** Gate blocks per row of xp, hp, dxPre and dhPre. */
    public static final int GATES = 3;
    /** H-blocks per row of the save buffer: r, z, n, hp_n. */
    public static final int SAVED = 4;

    private static final boolean VECTOR = Vectorization.enabled();

    private GruCell() {}

    /**
     * Forward step. {@code h} may be the same rows as {@code hPrev} (same offset and stride: updated in place);
     * no other overlap.
     *
     * @param xp    input pre-activations (B, 3H)
     * @param hp    recurrent pre-activations (B, 3H), including b_hh
     * @param hPrev h_{t-1} (B, H), row b at {@code hPrevOff + b*ldPrev}
     * @param save  out: (B, 4H) [r | z | n | hp_n]
     * @param h     out: h_t (B, H), row b at {@code hOff + b*ldh}
     */
    public static void forward(int batch, int hidden,
                               MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                               MemorySegment hPrev, long hPrevOff, int ldPrev,
                               MemorySegment save, long saveOff,
                               MemorySegment h, long hOff, int ldh) {
        String op = "gruForward";
        CellChecks.sizes(op, batch, hidden);
        CellChecks.block(op, "xp", xp, xpOff, batch, hidden, GATES);
        CellChecks.block(op, "hp", hp, hpOff, batch, hidden, GATES);
        CellChecks.rows(op, "hPrev", hPrev, hPrevOff, ldPrev, batch, hidden);
        CellChecks.block(op, "save", save, saveOff, batch, hidden, SAVED);
        CellChecks.rows(op, "h", h, hOff, ldh, batch, hidden);
        if (VECTOR) {
            PanamaGruCell.forward(batch, hidden, xp, xpOff, hp, hpOff, hPrev, hPrevOff, ldPrev, save, saveOff,
                    h, hOff, ldh);
        } else {
            ScalarGruCell.forward(batch, hidden, xp, xpOff, hp, hpOff, hPrev, hPrevOff, ldPrev, save, saveOff,
                    h, hOff, ldh);
        }
    }

    /**
     * Backward step: the gradients wrt both pre-activation blocks and the direct part of dh_{t-1}.
     * <pre>
     *   term 1: dn = dh (1 - z),  dz = dh (h_{t-1} - n),  dh_{t-1} = dh z           (direct part)
     *   term 2: dn_pre = dn (1 - n²)
     *   term 3: dr = dn_pre hp_n,  dr_pre = dr r (1 - r),  dz_pre = dz z (1 - z)
     *   dxPre = [dr_pre | dz_pre | dn_pre]      dhPre = [dr_pre | dz_pre | dn_pre * r]
     * </pre>
     * The caller completes the step with GEMMs: {@code dh_{t-1} += dhPre W_hh} (B, H), {@code dx = dxPre W_ih},
     * {@code dW_ih += dxPre^T x}, {@code dW_hh += dhPre^T h_{t-1}}, {@code db_ih += Σ_b dxPre},
     * {@code db_hh += Σ_b dhPre}. {@code dhPrev} may be the same memory as {@code dh}; no other overlap.
     *
     * @param dh     total gradient into h_t (B, H): from the output and from step t+1
     * @param save   saved by forward (B, 4H) [r | z | n | hp_n]
     * @param hPrev  h_{t-1} (B, H), row b at {@code hPrevOff + b*ldPrev}
     * @param dxPre  out: gradient wrt xp (B, 3H)
     * @param dhPre  out: gradient wrt hp (B, 3H)
     * @param dhPrev out: the direct part z * dh of the gradient into h_{t-1} (B, H), written (not added)
     */
    public static void backward(int batch, int hidden,
                                MemorySegment dh, long dhOff,
                                MemorySegment save, long saveOff,
                                MemorySegment hPrev, long hPrevOff, int ldPrev,
                                MemorySegment dxPre, long dxPreOff, MemorySegment dhPre, long dhPreOff,
                                MemorySegment dhPrev, long dhPrevOff) {
        String op = "gruBackward";
        CellChecks.sizes(op, batch, hidden);
        CellChecks.block(op, "dh", dh, dhOff, batch, hidden, 1);
        CellChecks.block(op, "save", save, saveOff, batch, hidden, SAVED);
        CellChecks.rows(op, "hPrev", hPrev, hPrevOff, ldPrev, batch, hidden);
        CellChecks.block(op, "dxPre", dxPre, dxPreOff, batch, hidden, GATES);
        CellChecks.block(op, "dhPre", dhPre, dhPreOff, batch, hidden, GATES);
        CellChecks.block(op, "dhPrev", dhPrev, dhPrevOff, batch, hidden, 1);
        if (VECTOR) {
            PanamaGruCell.backward(batch, hidden, dh, dhOff, save, saveOff, hPrev, hPrevOff, ldPrev,
                    dxPre, dxPreOff, dhPre, dhPreOff, dhPrev, dhPrevOff);
        } else {
            ScalarGruCell.backward(batch, hidden, dh, dhOff, save, saveOff, hPrev, hPrevOff, ldPrev,
                    dxPre, dxPreOff, dhPre, dhPreOff, dhPrev, dhPrevOff);
        }
    }
}
