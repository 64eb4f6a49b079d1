package dev.gatun.kernels.cell;

import dev.gatun.kernels.Vectorization;
import java.lang.foreign.MemorySegment;

/**
 * One LSTM time step, fused: forward reads both pre-activation blocks once and writes everything backward needs.
 * PyTorch's conventions (gate order i, f, g, o):
 * <pre>
 *   a = xp + hp                               (B, 4H)   xp = x W_ih^T + b_ih, hp = h_{t-1} W_hh^T + b_hh
 *   i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
 *   c_t = f * c_{t-1} + i * g                 (B, H)
 *   h_t = o * tanh(c_t)                       (B, H)
 * </pre>
 * Saved for backward: the gate activations {@code gates} (B, 4H), blocks [i | f | g | o] of H floats per row, and
 * {@code c_t} (B, H); backward recomputes tanh(c_t). Backward needs {@code c_{t-1}} too (the previous step's c_t).
 *
 * <p>Buffers are float32 segments with offsets counted in floats, rows contiguous except {@code h_t}, which is
 * written with a row stride {@code ldh} (so it can land in a (T, B, 2H) output). Arguments are validated
 * (IllegalArgumentException naming the buffer and shapes); the work runs on the Vector API when
 * {@link Vectorization#enabled()}, else on the scalar twin; the two agree within
 * about 1e-6 (their activation functions differ by an ulp or two).
 */
public final class LstmCell {
    /** Gate blocks per row of the pre-activations, dPre and the saved gates. */
    public static final int GATES = 4;

    private static final boolean VECTOR = Vectorization.enabled();

    private LstmCell() {}

    /**
     * Forward step. {@code c} may be the same memory as {@code cPrev} (updated in place); no other overlap.
     *
     * @param xp    input pre-activations (B, 4H)
     * @param hp    recurrent pre-activations (B, 4H)
     * @param cPrev c_{t-1} (B, H)
     * @param gates out: gate activations (B, 4H) [i | f | g | o]
     * @param c     out: c_t (B, H)
     * @param h     out: h_t (B, H), row b at {@code hOff + b*ldh}
     */
    public static void forward(int batch, int hidden,
                               MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                               MemorySegment cPrev, long cPrevOff,
                               MemorySegment gates, long gatesOff, MemorySegment c, long cOff,
                               MemorySegment h, long hOff, int ldh) {
        String op = "lstmForward";
        CellChecks.sizes(op, batch, hidden);
        CellChecks.block(op, "xp", xp, xpOff, batch, hidden, GATES);
        CellChecks.block(op, "hp", hp, hpOff, batch, hidden, GATES);
        CellChecks.block(op, "cPrev", cPrev, cPrevOff, batch, hidden, 1);
        CellChecks.block(op, "gates", gates, gatesOff, batch, hidden, GATES);
        CellChecks.block(op, "c", c, cOff, batch, hidden, 1);
        CellChecks.rows(op, "h", h, hOff, ldh, batch, hidden);
        if (VECTOR) {
            PanamaLstmCell.forward(batch, hidden, xp, xpOff, hp, hpOff, cPrev, cPrevOff, gates, gatesOff, c, cOff,
                    h, hOff, ldh);
        } else {
            ScalarLstmCell.forward(batch, hidden, xp, xpOff, hp, hpOff, cPrev, cPrevOff, gates, gatesOff, c, cOff,
                    h, hOff, ldh);
        }
    }

    /**
     * Backward step: from the gradients into h_t and c_t, the gradient wrt the gate pre-activations (the same for the
     * input side xp and the recurrent side hp) and into c_{t-1}. The caller then forms dh_{t-1} = dPre W_hh,
     * dx = dPre W_ih and the weight gradients with GEMMs. {@code dcPrev} may be the same memory as {@code dc}
     * (updated in place); no other overlap.
     * <pre>
     *   term 1: do = dh * tanh(c_t)
     *   term 2: dc_tot = dc + dh * o * (1 - tanh²(c_t))
     *   term 3: di = dc_tot * g,  df = dc_tot * c_{t-1},  dg = dc_tot * i,  dc_{t-1} = dc_tot * f
     *   term 4: dPre = [di i(1-i) | df f(1-f) | dg (1-g²) | do o(1-o)]
     * </pre>
     *
     * @param dh     total gradient into h_t (B, H): from the output and from step t+1
     * @param dc     gradient into c_t from step t+1 (B, H) (zeros at the last step, or dL/dc_T)
     * @param gates  saved gate activations (B, 4H)
     * @param c      saved c_t (B, H)
     * @param cPrev  c_{t-1} (B, H)
     * @param dPre   out: gradient wrt the pre-activations a (B, 4H) [di | df | dg | do]
     * @param dcPrev out: gradient into c_{t-1} (B, H)
     */
    public static void backward(int batch, int hidden,
                                MemorySegment dh, long dhOff, MemorySegment dc, long dcOff,
                                MemorySegment gates, long gatesOff, MemorySegment c, long cOff,
                                MemorySegment cPrev, long cPrevOff,
                                MemorySegment dPre, long dPreOff, MemorySegment dcPrev, long dcPrevOff) {
        String op = "lstmBackward";
        CellChecks.sizes(op, batch, hidden);
        CellChecks.block(op, "dh", dh, dhOff, batch, hidden, 1);
        CellChecks.block(op, "dc", dc, dcOff, batch, hidden, 1);
        CellChecks.block(op, "gates", gates, gatesOff, batch, hidden, GATES);
        CellChecks.block(op, "c", c, cOff, batch, hidden, 1);
        CellChecks.block(op, "cPrev", cPrev, cPrevOff, batch, hidden, 1);
        CellChecks.block(op, "dPre", dPre, dPreOff, batch, hidden, GATES);
        CellChecks.block(op, "dcPrev", dcPrev, dcPrevOff, batch, hidden, 1);
        if (VECTOR) {
            PanamaLstmCell.backward(batch, hidden, dh, dhOff, dc, dcOff, gates, gatesOff, c, cOff, cPrev, cPrevOff,
                    dPre, dPreOff, dcPrev, dcPrevOff);
        } else {
            ScalarLstmCell.backward(batch, hidden, dh, dhOff, dc, dcOff, gates, gatesOff, c, cOff, cPrev, cPrevOff,
                    dPre, dPreOff, dcPrev, dcPrevOff);
        }
    }
}
