package dev.gatun.kernels.sequence;

import java.lang.foreign.MemorySegment;

/** Argument checks shared by the sequence operations: every message names the buffer and the shapes. */
final class SequenceChecks {
    private SequenceChecks() {}

    /** A buffer of {@code rows} rows of {@code cols} floats at {@code off} with row stride {@code ld}. */
    static void rows(String name, MemorySegment s, long off, int ld, int rows, int cols, boolean nullable) {
        if (s == null) {
            if (nullable) {
                return;
            }
            throw new IllegalArgumentException(name + " is null (needs " + rows + " x " + cols + " floats)");
        }
        if (!s.scope().isAlive()) {
            throw new IllegalStateException(name + " (" + rows + " x " + cols + ") was used after its arena was closed");
        }
        if (off < 0 || ld < cols) {
            throw new IllegalArgumentException(name + ": offset=" + off + ", row stride=" + ld + " invalid for rows of "
                    + cols + " floats");
        }
        long span = rows == 0 ? 0 : (long) (rows - 1) * ld + cols;
        long need = off + span;
        if (off > s.byteSize() / Float.BYTES - span) { // no overflow for a huge offset
            throw new IllegalArgumentException(name + ": segment holds " + s.byteSize() / Float.BYTES + " floats, needs "
                    + need + " for " + rows + " x " + cols + " (offset " + off + ", row stride " + ld + ")");
        }
    }
}
