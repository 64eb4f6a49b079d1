package dev.gatun.blas;

import java.lang.foreign.MemorySegment;

/**
 * The views {@code segment.asSlice(offset)} that native calls receive for arguments starting inside a segment, kept
 * in a small direct-mapped table so that a steady loop of calls on the same buffers allocates nothing.
 *
 * <p>Why: a downcall needs a {@link MemorySegment} starting at the first element, and a fresh slice is a 40-byte
 * object the JIT does not scalar-replace through the linker's argument checks (a recurrent layer makes several
 * GEMM calls per time step, each with up to three slices). Passing raw addresses instead would lose what the
 * segment argument gives: the linker keeps the segment's arena from being closed during the native call.
 *
 * <p>The table is 4-way set associative ({@value #SETS} sets of {@value #WAYS}): a new view goes to the front of its
 * set and pushes the oldest out. Direct-mapped, two (base, offset) pairs of one loop that hashed to the same slot
 * (identity hash codes differ from run to run) evicted each other on every call, 144 bytes per call in one run of
 * {@code StackAllocationTest} and none in the next; four ways make that need five pairs of one loop in one set.
 *
 * <p>Entries are immutable and published through plain array stores (reference writes are atomic; final fields
 * are safely published), so the table is shared by all threads without locks; two threads racing on a set only
 * cost a fresh slice or a lost entry. A slice shares its base's scope, so a cached slice is alive exactly when its
 * base is. The table holds at most {@value #SLOTS} segment objects; a segment evicted later is then collectable.
 */
final class OffsetSlices {
    static final int WAYS = 4;
    static final int SETS = 1024;
    static final int SLOTS = WAYS * SETS;

    private record Entry(MemorySegment base, long byteOffset, MemorySegment slice) {}

    private static final Entry[] TABLE = new Entry[SLOTS];

    private OffsetSlices() {}

    /**
     * {@code base.asSlice(byteOffset)}, from the table when the same base and offset are still in their set.
     * The caller has checked that the offset lies inside the segment.
     */
    static MemorySegment slice(MemorySegment base, long byteOffset) {
        int first = set(base, byteOffset) * WAYS;
        for (int i = first; i < first + WAYS; i++) {
            Entry e = TABLE[i];
            if (e != null && e.base == base && e.byteOffset == byteOffset) {
                return e.slice;
            }
        }
        MemorySegment s = base.asSlice(byteOffset);
        for (int i = first + WAYS - 1; i > first; i--) {
            TABLE[i] = TABLE[i - 1];
        }
        TABLE[first] = new Entry(base, byteOffset, s);
        return s;
    }

    private static int set(MemorySegment base, long byteOffset) {
        long h = System.identityHashCode(base) * 0x9E3779B97F4A7C15L + byteOffset * 0xC2B2AE3D27D4EB4FL;
        return (int) (h >>> (64 - Integer.numberOfTrailingZeros(SETS)));
    }
}
