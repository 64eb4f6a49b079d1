package dev.gatun.kernels.cell;

import dev.gatun.kernels.Vectorization;
import java.lang.foreign.MemorySegment;

/**
 * One GRU time step in the classic form (Cho et al. 2014; the seed notes): the reset gate multiplies h_{t-1} before
 * the candidate's recurrent matmul. Same gate order r, z, n and z convention as PyTorch's {@link GruCell}:
 * <pre>
 *   xp = x W_ih^T + b_ih                                           (B, 3H) blocks [r | z | n]
 *   hp_rz = h_{t-1} W_hh[0:2H]^T + b_hh[0:2H]                      (B, 2H) the r and z blocks of a (B, 3H) hp
 *   r = σ(xp_r + hp_r)     z = σ(xp_z + hp_z)
 *   rh = r * h_{t-1}                                               (B, H)
 *   hp_n = rh W_hn^T + b_hn                                        (B, H)  W_hn = W_hh[2H:3H], the n block of hp
 *   n = tanh(xp_n + hp_n)
 *   h_t = (1 - z) * n + z * h_{t-1}
 * </pre>
 * The matmul depends on r, so a step runs in two phases with the caller's GEMM in between:
 * <ol>
 *   <li>caller: hp[:, 0:2H] = h_{t-1} W_hh[0:2H]^T + b_hh[0:2H];</li>
 *   <li>{@link #forwardGates}: r, z into save, rh out;</li>
 *   <li>caller: hp[:, 2H:3H] = rh W_hn^T + b_hn;</li>
 *   <li>{@link #forwardCandidate}: n into save, h_t out.</li>
 * </ol>
 * Saved for backward: {@code save} (B, 3H) [r | z | n] and rh (B, H) (the caller keeps it for dW_hn). Backward runs
 * in reverse, again around one GEMM:
 * <ol>
 *   <li>{@link #backwardCandidate}: dPre[:, H:3H] (dz_pre, dn_pre) and dh_{t-1} = z * dh (written);</li>
 *   <li>caller: drh = dPre[:, 2H:3H] W_hn (B, H);</li>
 *   <li>{@link #backwardGates}: dPre[:, 0:H] (dr_pre) and dh_{t-1} += r * drh;</li>
 *   <li>caller: dh_{t-1} += dPre[:, 0:2H] W_hh[0:2H]; dx = dPre W_ih; dW_ih += dPre^T x;
 *       dW_hh[0:2H] += dPre[:, 0:2H]^T h_{t-1}; dW_hn += dPre[:, 2H:3H]^T rh; db_ih += Σ_b dPre;
 *       db_hh += Σ_b dPre.</li>
 * </ol>
 * Unlike PyTorch's form, one dPre (B, 3H) is the gradient wrt both xp and hp (its n block is wrt hp_n).
 *
 * <p>Buffers are float32 segments with offsets counted in floats; h_{t-1} and h_t have row strides, everything else
 * is contiguous. Arguments are validated (IllegalArgumentException naming the buffer and shapes); the work runs on
 * the Vector API when {@link Vectorization#enabled()}, else on the scalar twin; the two agree within
 * about 1e-6 (their activation functions differ by an ulp or two).
 */
public final class ClassicGruCell {
    /** Gate blocks per row of xp, hp and dPre. */
    public static final int GATES = 3;
    /** H-blocks per row of the save buffer: r, z, n. */
    public static final int SAVED = 3;

    private static final boolean VECTOR = Vectorization.enabled();

    private ClassicGruCell() {}

    /**
     * Forward phase 1: the gates and the reset state.
     *
     * @param xp    input pre-activations (B, 3H); the r and z blocks are read
     * @param hp    recurrent pre-activations (B, 3H); the r and z blocks are read
     * @param hPrev h_{t-1} (B, H), row b at {@code hPrevOff + b*ldPrev}
     * @param save  out: blocks r and z of (B, 3H)
     * @param rh    out: r * h_{t-1} (B, H)
     */
    public static void forwardGates(int batch, int hidden,
                                    MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                                    MemorySegment hPrev, long hPrevOff, int ldPrev,
                                    MemorySegment save, long saveOff, MemorySegment rh, long rhOff) {
        String op = "classicGruForwardGates";
        CellChecks.sizes(op, batch, hidden);
        CellChecks.block(op, "xp", xp, xpOff, batch, hidden, GATES);
        CellChecks.block(op, "hp", hp, hpOff, batch, hidden, GATES);
        CellChecks.rows(op, "hPrev", hPrev, hPrevOff, ldPrev, batch, hidden);
        CellChecks.block(op, "save", save, saveOff, batch, hidden, SAVED);
        CellChecks.block(op, "rh", rh, rhOff, batch, hidden, 1);
        if (VECTOR) {
            PanamaClassicGruCell.forwardGates(batch, hidden, xp, xpOff, hp, hpOff, hPrev, hPrevOff, ldPrev,
                    save, saveOff, rh, rhOff);
        } else {
            ScalarClassicGruCell.forwardGates(batch, hidden, xp, xpOff, hp, hpOff, hPrev, hPrevOff, ldPrev,
                    save, saveOff, rh, rhOff);
        }
    }

    /**
     * Forward phase 2: the candidate and the new state. {@code h} may be the same rows as {@code hPrev} (same offset
     * and stride); no other overlap.
     *
     * @param xp    input pre-activations (B, 3H); the n block is read
     * @param hp    (B, 3H) whose n block holds rh W_hn^T + b_hn
     * @param hPrev h_{t-1} (B, H), row b at {@code hPrevOff + b*ldPrev}
     * @param save  in: the z block; out: the n block of (B, 3H)
     * @param h     out: h_t (B, H), row b at {@code hOff + b*ldh}
     */
    public static void forwardCandidate(int batch, int hidden,
                                        MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                                        MemorySegment hPrev, long hPrevOff, int ldPrev,
                                        MemorySegment save, long saveOff,
                                        MemorySegment h, long hOff, int ldh) {
        String op = "classicGruForwardCandidate";
        CellChecks.sizes(op, batch, hidden);
        CellChecks.block(op, "xp", xp, xpOff, batch, hidden, GATES);
        CellChecks.block(op, "hp", hp, hpOff, batch, hidden, GATES);
        CellChecks.rows(op, "hPrev", hPrev, hPrevOff, ldPrev, batch, hidden);
        CellChecks.block(op, "save", save, saveOff, batch, hidden, SAVED);
        CellChecks.rows(op, "h", h, hOff, ldh, batch, hidden);
        if (VECTOR) {
            PanamaClassicGruCell.forwardCandidate(batch, hidden, xp, xpOff, hp, hpOff, hPrev, hPrevOff, ldPrev,
                    save, saveOff, h, hOff, ldh);
        } else {
            ScalarClassicGruCell.forwardCandidate(batch, hidden, xp, xpOff, hp, hpOff, hPrev, hPrevOff, ldPrev,
                    save, saveOff, h, hOff, ldh);
        }
    }

    /**
     * Backward phase 1: gradients through h_t = (1 - z) n + z h_{t-1} and n = tanh(xp_n + hp_n).
     * <pre>
     *   term 1: dn = dh (1 - z),  dz = dh (h_{t-1} - n),  dh_{t-1} = dh z
     *   term 2: dn_pre = dn (1 - n²),  dz_pre = dz z (1 - z)
     * </pre>
     * {@code dhPrev} may be the same memory as {@code dh}; no other overlap.
     *
     * @param dh     total gradient into h_t (B, H)
     * @param save   saved by forward (B, 3H) [r | z | n]
     * @param hPrev  h_{t-1} (B, H), row b at {@code hPrevOff + b*ldPrev}
     * @param dPre   out: the z and n blocks of (B, 3H)
     * @param dhPrev out: z * dh (B, H), written (not added)
     */
    public static void backwardCandidate(int batch, int hidden,
                                         MemorySegment dh, long dhOff,
                                         MemorySegment save, long saveOff,
                                         MemorySegment hPrev, long hPrevOff, int ldPrev,
                                         MemorySegment dPre, long dPreOff, MemorySegment dhPrev, long dhPrevOff) {
        String op = "classicGruBackwardCandidate";
        CellChecks.sizes(op, batch, hidden);
        CellChecks.block(op, "dh", dh, dhOff, batch, hidden, 1);
        CellChecks.block(op, "save", save, saveOff, batch, hidden, SAVED);
        CellChecks.rows(op, "hPrev", hPrev, hPrevOff, ldPrev, batch, hidden);
        CellChecks.block(op, "dPre", dPre, dPreOff, batch, hidden, GATES);
        CellChecks.block(op, "dhPrev", dhPrev, dhPrevOff, batch, hidden, 1);
        if (VECTOR) {
            PanamaClassicGruCell.backwardCandidate(batch, hidden, dh, dhOff, save, saveOff, hPrev, hPrevOff, ldPrev,
                    dPre, dPreOff, dhPrev, dhPrevOff);
        } else {
            ScalarClassicGruCell.backwardCandidate(batch, hidden, dh, dhOff, save, saveOff, hPrev, hPrevOff, ldPrev,
                    dPre, dPreOff, dhPrev, dhPrevOff);
        }
    }

    /**
     * Backward phase 2: gradients through rh = r * h_{t-1}, given drh = dn_pre W_hn from the caller.
     * <pre>
     *   term 3: dr = drh h_{t-1},  dr_pre = dr r (1 - r),  dh_{t-1} += drh r
     * </pre>
     *
     * @param drh    gradient into rh (B, H)
     * @param save   saved by forward (B, 3H); the r block is read
     * @param hPrev  h_{t-1} (B, H), row b at {@code hPrevOff + b*ldPrev}
     * @param dPre   out: the r block of (B, 3H)
     * @param dhPrev in/out: gradient into h_{t-1} (B, H), added to
     */
    public static void backwardGates(int batch, int hidden,
                                     MemorySegment drh, long drhOff,
                                     MemorySegment save, long saveOff,
                                     MemorySegment hPrev, long hPrevOff, int ldPrev,
                                     MemorySegment dPre, long dPreOff, MemorySegment dhPrev, long dhPrevOff) {
        String op = "classicGruBackwardGates";
        CellChecks.sizes(op, batch, hidden);
        CellChecks.block(op, "drh", drh, drhOff, batch, hidden, 1);
        CellChecks.block(op, "save", save, saveOff, batch, hidden, SAVED);
        CellChecks.rows(op, "hPrev", hPrev, hPrevOff, ldPrev, batch, hidden);
        CellChecks.block(op, "dPre", dPre, dPreOff, batch, hidden, GATES);
        CellChecks.block(op, "dhPrev", dhPrev, dhPrevOff, batch, hidden, 1);
        if (VECTOR) {
            PanamaClassicGruCell.backwardGates(batch, hidden, drh, drhOff, save, saveOff, hPrev, hPrevOff, ldPrev,
                    dPre, dPreOff, dhPrev, dhPrevOff);
        } else {
            ScalarClassicGruCell.backwardGates(batch, hidden, drh, drhOff, save, saveOff, hPrev, hPrevOff, ldPrev,
                    dPre, dPreOff, dhPrev, dhPrevOff);
        }
    }
}
