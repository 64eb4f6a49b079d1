package dev.gatun.kernels.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.kernels.CellType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The facades reject bad arguments with messages that name the operation, the buffer and the shapes. */
class CellValidationTest {
    private static final int B = 2;
    private static final int H = 16;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    private MemorySegment floats(long n) {
        return arena.allocate(Math.max(n, 1) * Float.BYTES);
    }

    private static void rejects(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void lstm() {
        MemorySegment g = floats(B * 4 * H);
        MemorySegment s = floats(B * H);
        rejects("lstmForward: gates segment holds 100 floats, needs B*4H = 128 (B=2, H=16)",
                () -> LstmCell.forward(B, H, g, 0, g, 0, s, 0, floats(100), 0, s, 0, s, 0, H));
        rejects("lstmForward: sizes must be >= 0, got B=-1, H=16",
                () -> LstmCell.forward(-1, H, g, 0, g, 0, s, 0, g, 0, s, 0, s, 0, H));
        rejects("lstmForward: xp segment holds 128 floats, needs offset + B*4H = 1 + 128 = 129 (B=2, H=16)",
                () -> LstmCell.forward(B, H, g, 1, g, 0, s, 0, g, 0, s, 0, s, 0, H));
        rejects("lstmForward: h segment holds 32 floats, needs (B-1)*ld + H = 48 (B=2, H=16, ld=32)",
                () -> LstmCell.forward(B, H, g, 0, g, 0, s, 0, g, 0, s, 0, s, 0, 2 * H));
        rejects("lstmBackward: dcPrev segment is null (needs B*H = 32 floats, B=2, H=16)",
                () -> LstmCell.backward(B, H, s, 0, s, 0, g, 0, s, 0, s, 0, g, 0, null, 0));
        rejects("lstmBackward: c offset -2 is negative",
                () -> LstmCell.backward(B, H, s, 0, s, 0, g, 0, s, -2, s, 0, g, 0, s, 0));
    }

    @Test
    void gru() {
        MemorySegment g = floats(B * 3 * H);
        MemorySegment save = floats(B * 4 * H);
        MemorySegment s = floats(B * H);
        rejects("gruForward: save segment holds 96 floats, needs B*4H = 128 (B=2, H=16)",
                () -> GruCell.forward(B, H, g, 0, g, 0, s, 0, H, g, 0, s, 0, H));
        rejects("gruForward: h row stride 8 is less than H = 16 (B=2, H=16)",
                () -> GruCell.forward(B, H, g, 0, g, 0, s, 0, H, save, 0, s, 0, 8));
        rejects("gruBackward: dhPre segment holds 32 floats, needs B*3H = 96 (B=2, H=16)",
                () -> GruCell.backward(B, H, s, 0, save, 0, s, 0, H, g, 0, s, 0, s, 0));
        rejects("gruBackward: hPrev segment holds 32 floats, needs offset + (B-1)*ld + H = 3 + 32 = 35 "
                + "(B=2, H=16, ld=16)", () -> GruCell.backward(B, H, s, 0, save, 0, s, 3, H, g, 0, g, 0, s, 0));
    }

    @Test
    void classicGru() {
        MemorySegment g = floats(B * 3 * H);
        MemorySegment s = floats(B * H);
        rejects("classicGruForwardGates: rh segment holds 16 floats, needs B*H = 32 (B=2, H=16)",
                () -> ClassicGruCell.forwardGates(B, H, g, 0, g, 0, s, 0, H, g, 0, floats(H), 0));
        rejects("classicGruForwardCandidate: sizes must be >= 0, got B=2, H=-3",
                () -> ClassicGruCell.forwardCandidate(B, -3, g, 0, g, 0, s, 0, H, g, 0, s, 0, H));
        rejects("classicGruBackwardCandidate: dPre segment holds 32 floats, needs B*3H = 96 (B=2, H=16)",
                () -> ClassicGruCell.backwardCandidate(B, H, s, 0, g, 0, s, 0, H, s, 0, s, 0));
        rejects("classicGruBackwardGates: drh segment is null (needs B*H = 32 floats, B=2, H=16)",
                () -> ClassicGruCell.backwardGates(B, H, null, 0, g, 0, s, 0, H, g, 0, s, 0));
    }

    @Test
    void rnn() {
        MemorySegment s = floats(B * H);
        rejects("rnnForward: cell type must be RNN_TANH or RNN_RELU, got LSTM",
                () -> RnnCell.forward(CellType.LSTM, B, H, s, 0, s, 0, s, 0, H));
        rejects("rnnBackward: cell type must be RNN_TANH or RNN_RELU, got null",
                () -> RnnCell.backward(null, B, H, s, 0, s, 0, H, s, 0));
        rejects("rnnBackward: dPre segment holds 31 floats, needs B*H = 32 (B=2, H=16)",
                () -> RnnCell.backward(CellType.RNN_RELU, B, H, s, 0, s, 0, H, floats(31), 0));
    }

    @Test
    void emptyShapesAreNoOps() {
        MemorySegment one = floats(1);
        LstmCell.forward(0, H, one, 0, one, 0, one, 0, one, 0, one, 0, one, 0, H);
        GruCell.backward(B, 0, one, 0, one, 0, one, 0, 0, one, 0, one, 0, one, 0);
        RnnCell.forward(CellType.RNN_TANH, 0, 0, one, 0, one, 0, one, 0, 0);
    }
}
