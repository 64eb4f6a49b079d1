package dev.gatun.kernels.cell;

import dev.gatun.kernels.CellType;
import dev.gatun.kernels.Vectorization;
import java.lang.foreign.MemorySegment;

/**
 * One plain (Elman) RNN time step, as PyTorch's {@code nn.RNN}:
 * <pre>
 *   h_t = act(xp + hp)       (B, H)    xp = x W_ih^T + b_ih, hp = h_{t-1} W_hh^T + b_hh, act = tanh or relu
 * </pre>
 * Forward saves nothing besides h_t itself: backward takes the derivative from the output
 * ({@code tanh' = 1 - h²}, {@code relu' = [h > 0]}).
 *
 * <p>Buffers are float32 segments with offsets counted in floats; h_t is read and written with a row stride
 * {@code ldh} (for (T, B, 2H) outputs), everything else is contiguous (B, H). Arguments are validated
 * (IllegalArgumentException naming the buffer and shapes); the work runs on the Vector API when
 * {@link Vectorization#enabled()}, else on the scalar twin; the two agree within
 * about 1e-6 (their activation functions differ by an ulp or two).
 */
public final class RnnCell {
    private static final boolean VECTOR = Vectorization.enabled();

    private RnnCell() {}

    /**
     * Forward step. {@code h} may be the same memory as {@code xp} or {@code hp} (with {@code ldh = H}).
     *
     * @param type {@link CellType#RNN_TANH} or {@link CellType#RNN_RELU}
     * @param xp   input pre-activations (B, H)
     * @param hp   recurrent pre-activations (B, H)
     * @param h    out: h_t (B, H), row b at {@code hOff + b*ldh}
     */
    public static void forward(CellType type, int batch, int hidden,
                               MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                               MemorySegment h, long hOff, int ldh) {
        String op = "rnnForward";
        boolean relu = relu(op, type);
        CellChecks.sizes(op, batch, hidden);
        CellChecks.block(op, "xp", xp, xpOff, batch, hidden, 1);
        CellChecks.block(op, "hp", hp, hpOff, batch, hidden, 1);
        CellChecks.rows(op, "h", h, hOff, ldh, batch, hidden);
        if (VECTOR) {
            PanamaRnnCell.forward(relu, batch, hidden, xp, xpOff, hp, hpOff, h, hOff, ldh);
        } else {
            ScalarRnnCell.forward(relu, batch, hidden, xp, xpOff, hp, hpOff, h, hOff, ldh);
        }
    }

    /**
     * Backward step: {@code dPre = dh * act'} with act' from h_t, the gradient wrt both xp and hp. The caller then
     * forms dh_{t-1} = dPre W_hh, dx = dPre W_ih and the weight gradients with GEMMs. {@code dPre} may be the same
     * memory as {@code dh}.
     *
     * @param type {@link CellType#RNN_TANH} or {@link CellType#RNN_RELU}
     * @param dh   total gradient into h_t (B, H): from the output and from step t+1
     * @param h    h_t from forward (B, H), row b at {@code hOff + b*ldh}
     * @param dPre out: gradient wrt the pre-activation (B, H)
     */
    public static void backward(CellType type, int batch, int hidden,
                                MemorySegment dh, long dhOff, MemorySegment h, long hOff, int ldh,
                                MemorySegment dPre, long dPreOff) {
        String op = "rnnBackward";
        boolean relu = relu(op, type);
        CellChecks.sizes(op, batch, hidden);
        CellChecks.block(op, "dh", dh, dhOff, batch, hidden, 1);
        CellChecks.rows(op, "h", h, hOff, ldh, batch, hidden);
        CellChecks.block(op, "dPre", dPre, dPreOff, batch, hidden, 1);
        if (VECTOR) {
            PanamaRnnCell.backward(relu, batch, hidden, dh, dhOff, h, hOff, ldh, dPre, dPreOff);
        } else {
            ScalarRnnCell.backward(relu, batch, hidden, dh, dhOff, h, hOff, ldh, dPre, dPreOff);
        }
    }

    private static boolean relu(String op, CellType type) {
        if (type == CellType.RNN_RELU) {
            return true;
        }
        if (type == CellType.RNN_TANH) {
            return false;
        }
        throw new IllegalArgumentException(op + ": cell type must be RNN_TANH or RNN_RELU, got " + type);
    }
}
