package dev.gatun.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A bump allocator for per-step scratch memory: {@link #tensor} hands out 64-byte aligned pieces of one off-heap
 * block, and {@link #reset()} makes the whole block free again. Reused every step, it allocates no new off-heap
 * memory once warm.
 *
 * <p>When a step needs more than the block holds, more blocks are added; the next {@link #reset()} replaces them all
 * by one block of the high-water size, so growth only happens while warming up. Memory handed out before a reset
 * must not be used after it: when blocks were merged it is closed (use throws), otherwise it is reused by the next
 * step's tensors.
 *
 * <p>Not thread-safe: one scratch arena per thread or session.
 */
public final class ScratchArena implements AutoCloseable {
    /** Most floats one request may ask for: its aligned byte count must fit a long. */
    private static final long MAX_FLOATS = (Long.MAX_VALUE - Tensor.ALIGNMENT) / Float.BYTES;
    private final List<Arena> extraArenas = new ArrayList<>();
    private final List<MemorySegment> extraBlocks = new ArrayList<>();
    private Arena arena;
    private MemorySegment block;
    private long used;          // bytes used in the current block
    private long usedBefore;    // bytes used in earlier (extra) blocks this round
    private long highWater;     // most bytes used in one round
    private boolean closed;

    /** A scratch arena with an initial block of {@code initialBytes} (it grows while warming up if needed). */
    public ScratchArena(long initialBytes) {
        if (initialBytes < 0) {
            throw new IllegalArgumentException("initialBytes must be >= 0, got " + initialBytes);
        }
        this.arena = Arena.ofShared();
        this.block = arena.allocate(Math.max(Tensor.ALIGNMENT, align(initialBytes)), Tensor.ALIGNMENT);
    }

    /** A zero-filled tensor of the given shape from the scratch block. */
    public Tensor tensor(int... shape) {
        if (shape == null) {
            throw new IllegalArgumentException("shape is null");
        }
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + java.util.Arrays.toString(shape));
            }
            n = s == 0 || n <= MAX_FLOATS / s ? n * s : MAX_FLOATS + 1;
        }
        if (n > MAX_FLOATS) {
            throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " is too large");
        }
        MemorySegment seg = allocateFloats(n);
        return Tensor.wrap(seg, 0, shape);
    }

    /** A zero-filled, 64-byte aligned segment of {@code count} floats. */
    public MemorySegment allocateFloats(long count) {
        if (closed) {
            throw new IllegalStateException("scratch arena is closed");
        }
        if (count < 0 || count > MAX_FLOATS) {
            throw new IllegalArgumentException("count must be in [0, " + MAX_FLOATS + "], got " + count);
        }
        long bytes = align(Math.max(1, count) * Float.BYTES);
        if (used + bytes > block.byteSize()) {
            grow(bytes);
        }
        MemorySegment seg = block.asSlice(used, count * Float.BYTES, Tensor.ALIGNMENT);
        used += bytes;
        highWater = Math.max(highWater, usedBefore + used);
        seg.fill((byte) 0);
        return seg;
    }

    /** Frees everything handed out since the last reset; merges extra blocks into one when there were any. */
    public void reset() {
        if (closed) {
            throw new IllegalStateException("scratch arena is closed");
        }
        if (!extraArenas.isEmpty()) {
            arena.close();
            for (Arena a : extraArenas) {
                a.close();
            }
            extraArenas.clear();
            extraBlocks.clear();
            arena = Arena.ofShared();
            block = arena.allocate(highWater, Tensor.ALIGNMENT);
        }
        used = 0;
        usedBefore = 0;
    }

    /** Bytes handed out since the last reset. */
    public long used() {
        return usedBefore + used;
    }

    /** Bytes of off-heap memory held now. */
    public long capacity() {
        long c = block.byteSize();
        for (MemorySegment s : extraBlocks) {
            c += s.byteSize();
        }
        return c;
    }

    /** The most bytes handed out in any one round between resets. */
    public long highWater() {
        return highWater;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        for (Arena a : extraArenas) {
            a.close();
        }
    }

    private void grow(long bytes) {
        // The current block stays valid for tensors already handed out; new ones come from a fresh block.
        extraArenas.add(arena);
        extraBlocks.add(block);
        usedBefore += used;
        arena = Arena.ofShared();
        block = arena.allocate(Math.max(bytes, block.byteSize()), Tensor.ALIGNMENT);
        used = 0;
    }

    private static long align(long bytes) {
        return (bytes + Tensor.ALIGNMENT - 1) & -Tensor.ALIGNMENT;
    }
}
