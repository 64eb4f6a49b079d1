package dev.gatun.kernels.sequence;

import java.lang.foreign.MemorySegment;

/**
 * One time step of a fused cell kernel as the sequence loop sees it: every buffer is a segment plus an offset in
 * floats; gate blocks are contiguous (B, G*H), states are (B, H) or (B, Hr) rows with a row stride.
 */
interface CellStep {
    /**
     * xp (B, GH) input pre-activations, hp (B, GH) recurrent pre-activations, hPrev (B, H) with stride ldPrev,
     * cPrev/cOut (B, H) (LSTM only), hOut (B, H) with stride ldOut, save (B, saveWidth).
     */
    void forward(int batch, MemorySegment xp, long xpOff, MemorySegment hp, long hpOff,
                 MemorySegment hPrev, long hPrevOff, int ldPrev, MemorySegment cPrev, long cPrevOff,
                 MemorySegment hOut, long hOutOff, int ldOut, MemorySegment cOut, long cOutOff,
                 MemorySegment save, long saveOff);

    /**
     * From dh (B, H) contiguous, h_t (the step's output rows, read by the plain RNN), dc (B, H) (LSTM; updated in place to dc_{t-1}) and the saved values, writes the
     * input-side pre-activation gradient dxp (B, GH), the recurrent-side one dhp (B, GH) (the same buffer as dxp
     * except for the GRU) and, for the GRU, the direct part of dh_{t-1} into dhPrev (B, H) (others leave it zero).
     */
    void backward(int batch, MemorySegment dh, long dhOff, MemorySegment dc, long dcOff,
                  MemorySegment save, long saveOff, MemorySegment c, long cOff, MemorySegment cPrev, long cPrevOff,
                  MemorySegment hPrev, long hPrevOff, int ldPrev, MemorySegment hOut, long hOutOff, int ldOut,
                  MemorySegment dxp, long dxpOff, MemorySegment dhp, long dhpOff, MemorySegment dhPrev, long dhPrevOff);
}
