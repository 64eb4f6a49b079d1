package dev.gatun.kernels.cell;

import java.lang.foreign.MemorySegment;

/** Argument checks of the cell facades: every message names the operation, the buffer and the shapes. */
final class CellChecks {
    private CellChecks() {}

    static void sizes(String op, int batch, int hidden) {
        if (batch < 0 || hidden < 0) {
            throw new IllegalArgumentException(op + ": sizes must be >= 0, got B=" + batch + ", H=" + hidden);
        }
    }

    /** A contiguous (B, blocks*H) buffer at {@code off}. */
    static void block(String op, String name, MemorySegment s, long off, int batch, int hidden, int blocks) {
        check(op, name, s, off, (long) batch * blocks * hidden, blocks, batch, hidden, 0);
    }

    /** (B, H) rows at {@code off} with row stride {@code ld} >= H. */
    static void rows(String op, String name, MemorySegment s, long off, int ld, int batch, int hidden) {
        if (ld < hidden) {
            throw new IllegalArgumentException(op + ": " + name + " row stride " + ld + " is less than H = " + hidden
                    + " (B=" + batch + ", H=" + hidden + ")");
        }
        long span = batch == 0 ? 0 : (long) (batch - 1) * ld + hidden;
        check(op, name, s, off, span, 0, batch, hidden, ld);
    }

    /** Builds the message strings only on failure: {@code blocks} > 0 for a block, else rows with stride ld. */
    private static void check(String op, String name, MemorySegment s, long off, long span, int blocks,
                              int batch, int hidden, int ld) {
        if (s != null && off >= 0 && off <= s.byteSize() / Float.BYTES - span) {
            return;
        }
        String formula = blocks == 0 ? "(B-1)*ld + H" : blocks == 1 ? "B*H" : "B*" + blocks + "H";
        String shape = "B=" + batch + ", H=" + hidden + (blocks == 0 ? ", ld=" + ld : "");
        if (s == null) {
            throw new IllegalArgumentException(op + ": " + name + " segment is null (needs " + formula + " = " + span
                    + " floats, " + shape + ")");
        }
        if (off < 0) {
            throw new IllegalArgumentException(op + ": " + name + " offset " + off + " is negative");
        }
        long floats = s.byteSize() / Float.BYTES;
        if (off > floats - span) {
            String needs = off == 0 ? formula + " = " + span
                    : "offset + " + formula + " = " + off + " + " + span + " = " + (off + span);
            throw new IllegalArgumentException(op + ": " + name + " segment holds " + floats + " floats, needs " + needs
                    + " (" + shape + ")");
        }
    }
}
