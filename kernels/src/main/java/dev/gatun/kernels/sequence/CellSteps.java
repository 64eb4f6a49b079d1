package dev.gatun.kernels.sequence;

import dev.gatun.kernels.CellType;
import dev.gatun.kernels.cell.GruCell;
import dev.gatun.kernels.cell.LstmCell;
import dev.gatun.kernels.cell.RnnCell;
import java.lang.foreign.MemorySegment;

/** The fused cell kernels of {@code dev.gatun.kernels.cell} as {@link CellStep}s for the sequence loop. */
final class CellSteps {
    private CellSteps() {}

    /** Floats per batch row the forward of {@code type} saves for backward. */
    static int saveWidth(CellType type, int hidden) {
        return switch (type) {
            case LSTM -> LstmCell.GATES * hidden;
            case GRU -> GruCell.SAVED * hidden;
            case GRU_CLASSIC -> dev.gatun.kernels.cell.ClassicGruCell.SAVED * hidden;
            case RNN_TANH, RNN_RELU -> 0;   // backward reads h_t from the outputs
        };
    }

    /** The step of a single-phase cell; null for the classic GRU, whose two phases the pass drives itself. */
    static CellStep of(CellType type, int hidden) {
        return switch (type) {
            case LSTM -> new Lstm(hidden);
            case GRU -> new Gru(hidden);
            case RNN_TANH, RNN_RELU -> new Rnn(type, hidden);
            case GRU_CLASSIC -> null;
        };
    }

    private record Lstm(int hidden) implements CellStep {
        @Override
        public void forward(int batch, MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                            MemorySegment hPrev, long hPrevOff, int ldPrev, MemorySegment cPrev, long cPrevOff,
                            MemorySegment hOut, long hOutOff, int ldOut, MemorySegment cOut, long cOutOff,
                            MemorySegment save, long saveOff) {
            LstmCell.forward(batch, hidden, xp, xpOff, hp, hpOff, cPrev, cPrevOff, save, saveOff, cOut, cOutOff,
                    hOut, hOutOff, ldOut);
        }

        @Override
        public void backward(int batch, MemorySegment dh, long dhOff, MemorySegment dc, long dcOff,
                             MemorySegment save, long saveOff, MemorySegment c, long cOff,
                             MemorySegment cPrev, long cPrevOff, MemorySegment hPrev, long hPrevOff, int ldPrev,
                             MemorySegment hOut, long hOutOff, int ldOut,
                             MemorySegment dxp, long dxpOff, MemorySegment dhp, long dhpOff,
                             MemorySegment dhPrev, long dhPrevOff) {
            LstmCell.backward(batch, hidden, dh, dhOff, dc, dcOff, save, saveOff, c, cOff, cPrev, cPrevOff,
                    dxp, dxpOff, dc, dcOff);
        }
    }

    private record Gru(int hidden) implements CellStep {
        @Override
        public void forward(int batch, MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                            MemorySegment hPrev, long hPrevOff, int ldPrev, MemorySegment cPrev, long cPrevOff,
                            MemorySegment hOut, long hOutOff, int ldOut, MemorySegment cOut, long cOutOff,
                            MemorySegment save, long saveOff) {
            GruCell.forward(batch, hidden, xp, xpOff, hp, hpOff, hPrev, hPrevOff, ldPrev, save, saveOff,
                    hOut, hOutOff, ldOut);
        }

        @Override
        public void backward(int batch, MemorySegment dh, long dhOff, MemorySegment dc, long dcOff,
                             MemorySegment save, long saveOff, MemorySegment c, long cOff,
                             MemorySegment cPrev, long cPrevOff, MemorySegment hPrev, long hPrevOff, int ldPrev,
                             MemorySegment hOut, long hOutOff, int ldOut,
                             MemorySegment dxp, long dxpOff, MemorySegment dhp, long dhpOff,
                             MemorySegment dhPrev, long dhPrevOff) {
            GruCell.backward(batch, hidden, dh, dhOff, save, saveOff, hPrev, hPrevOff, ldPrev,
                    dxp, dxpOff, dhp, dhpOff, dhPrev, dhPrevOff);
        }
    }

    private record Rnn(CellType type, int hidden) implements CellStep {
        @Override
        public void forward(int batch, MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                            MemorySegment hPrev, long hPrevOff, int ldPrev, MemorySegment cPrev, long cPrevOff,
                            MemorySegment hOut, long hOutOff, int ldOut, MemorySegment cOut, long cOutOff,
                            MemorySegment save, long saveOff) {
            RnnCell.forward(type, batch, hidden, xp, xpOff, hp, hpOff, hOut, hOutOff, ldOut);
        }

        @Override
        public void backward(int batch, MemorySegment dh, long dhOff, MemorySegment dc, long dcOff,
                             MemorySegment save, long saveOff, MemorySegment c, long cOff,
                             MemorySegment cPrev, long cPrevOff, MemorySegment hPrev, long hPrevOff, int ldPrev,
                             MemorySegment hOut, long hOutOff, int ldOut,
                             MemorySegment dxp, long dxpOff, MemorySegment dhp, long dhpOff,
                             MemorySegment dhPrev, long dhPrevOff) {
            RnnCell.backward(type, batch, hidden, dh, dhOff, hOut, hOutOff, ldOut, dxp, dxpOff);
        }
    }
}
