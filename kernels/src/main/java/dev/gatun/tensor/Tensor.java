package dev.gatun.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A float32 tensor over an off-heap {@link MemorySegment}: shape, strides (in floats) and an offset (in floats) into
 * the segment. Storage is 64-byte aligned (one AVX-512 vector, one cache line) and owned by the {@link Arena} it was
 * allocated from; closing that arena ends the tensor and every view of it, and any later use is an
 * {@link IllegalStateException} naming the tensor's shape.
 *
 * <p>Views ({@link #view}, {@link #slice}, {@link #select}, {@link #transpose}) share storage and copy nothing.
 * A tensor is not thread-safe for concurrent writes; reading from several threads is fine.
 */
public final class Tensor {
    /** Alignment of every allocation: one cache line, one 512-bit vector. */
    public static final long ALIGNMENT = 64;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    private final MemorySegment segment;
    private final long offset;
    private final int[] shape;
    private final long[] strides;
    private final long size;

    private Tensor(MemorySegment segment, long offset, int[] shape, long[] strides) {
        this.segment = segment;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        this.size = elementCount(shape);
    }

    /** A zero-filled contiguous tensor of the given shape, 64-byte aligned, owned by {@code arena}. */
    public static Tensor allocate(Arena arena, int... shape) {
        if (arena == null) {
            throw new IllegalArgumentException("arena is null");
        }
        int[] s = checkShape(shape);
        long n = elementCount(s);
        MemorySegment seg = arena.allocate(Math.max(1, n) * Float.BYTES, ALIGNMENT);
        return new Tensor(seg, 0, s, contiguousStrides(s));
    }

    /** A contiguous tensor holding a copy of {@code data} (row-major), owned by {@code arena}. */
    public static Tensor of(Arena arena, float[] data, int... shape) {
        Tensor t = allocate(arena, shape);
        t.copyFrom(data);
        return t;
    }

    /**
     * A contiguous view of an existing segment starting {@code offset} floats in. The segment must hold
     * {@code offset + product(shape)} floats.
     */
    public static Tensor wrap(MemorySegment segment, long offset, int... shape) {
        if (segment == null) {
            throw new IllegalArgumentException("segment is null");
        }
        int[] s = checkShape(shape);
        long n = elementCount(s);
        // offset > floats - n: no overflow for any offset (n <= Long.MAX_VALUE / 4 after checkShape).
        if (offset < 0 || offset > segment.byteSize() / Float.BYTES - n) {
            throw new IllegalArgumentException("wrap: segment of " + segment.byteSize() / Float.BYTES
                    + " floats cannot hold shape " + Arrays.toString(s) + " at offset " + offset);
        }
        return new Tensor(segment, offset, s, contiguousStrides(s));
    }

    // ---- shape ----------------------------------------------------------------------------------------------

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code d} (negative counts from the end). */
    public int dim(int d) {
        return shape[axis(d)];
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Stride of dimension {@code d} in floats. */
    public long stride(int d) {
        return strides[axis(d)];
    }

    /** A copy of the strides, in floats. */
    public long[] strides() {
        return strides.clone();
    }

    /** Number of elements. */
    public long size() {
        return size;
    }

    /** The underlying segment (the whole storage, not just this view). */
    public MemorySegment segment() {
        return segment;
    }

    /** Offset of element [0, ..., 0] in the segment, in floats. */
    public long offset() {
        return offset;
    }

    /** True when the elements are laid out row-major without gaps. */
    public boolean isContiguous() {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** True while the owning arena is open. */
    public boolean isAlive() {
        return segment.scope().isAlive();
    }

    /** Shape as text, e.g. {@code [2, 3]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    // ---- element access (bounds-checked; for setup and tests, not hot loops) -------------------------------

    /** Element of a rank-1 tensor. */
    public float get(int i) {
        return segment.getAtIndex(FLOAT, index1(i));
    }

    /** Element of a rank-2 tensor. */
    public float get(int i, int j) {
        return segment.getAtIndex(FLOAT, index2(i, j));
    }

    /** Element of a rank-3 tensor. */
    public float get(int i, int j, int k) {
        return segment.getAtIndex(FLOAT, index3(i, j, k));
    }

    /** Sets an element of a rank-1 tensor. */
    public void set(int i, float v) {
        segment.setAtIndex(FLOAT, index1(i), v);
    }

    /** Sets an element of a rank-2 tensor. */
    public void set(int i, int j, float v) {
        segment.setAtIndex(FLOAT, index2(i, j), v);
    }

    /** Sets an element of a rank-3 tensor. */
    public void set(int i, int j, int k, float v) {
        segment.setAtIndex(FLOAT, index3(i, j, k), v);
    }

    // ---- views ----------------------------------------------------------------------------------------------

    /** The same elements with a new shape; this tensor must be contiguous and the element counts equal. */
    public Tensor view(int... newShape) {
        int[] s = checkShape(newShape);
        if (elementCount(s) != size) {
            throw new IllegalArgumentException("view: cannot view " + shapeString() + " (" + size + " elements) as "
                    + Arrays.toString(s) + " (" + elementCount(s) + " elements)");
        }
        if (!isContiguous()) {
            throw new IllegalArgumentException("view: tensor " + shapeString() + " with strides "
                    + Arrays.toString(strides) + " is not contiguous; copy it first");
        }
        return new Tensor(segment, offset, s, contiguousStrides(s));
    }

    /** Elements {@code [start, end)} along dimension {@code d}, sharing storage. */
    public Tensor slice(int d, int start, int end) {
        int a = axis(d);
        if (start < 0 || end > shape[a] || start > end) {
            throw new IndexOutOfBoundsException("slice: [" + start + ", " + end + ") out of range for dimension " + a
                    + " of size " + shape[a] + " in tensor " + shapeString());
        }
        int[] s = shape.clone();
        s[a] = end - start;
        return new Tensor(segment, offset + start * strides[a], s, strides.clone());
    }

    /** The sub-tensor at {@code index} along dimension {@code d}, with that dimension removed. */
    public Tensor select(int d, int index) {
        int a = axis(d);
        if (index < 0 || index >= shape[a]) {
            throw new IndexOutOfBoundsException("select: index " + index + " out of range for dimension " + a
                    + " of size " + shape[a] + " in tensor " + shapeString());
        }
        int[] s = new int[shape.length - 1];
        long[] st = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != a) {
                s[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return new Tensor(segment, offset + index * strides[a], s, st);
    }

    /** Dimensions {@code d0} and {@code d1} swapped (a strided view). */
    public Tensor transpose(int d0, int d1) {
        int a = axis(d0);
        int b = axis(d1);
        int[] s = shape.clone();
        long[] st = strides.clone();
        s[a] = shape[b];
        s[b] = shape[a];
        st[a] = strides[b];
        st[b] = strides[a];
        return new Tensor(segment, offset, s, st);
    }

    // ---- copies ---------------------------------------------------------------------------------------------

    /** Copies {@code src} (row-major order) into this tensor; lengths must match. */
    public void copyFrom(float[] src) {
        checkAlive("copyFrom");
        if (src == null || src.length != size) {
            throw new IllegalArgumentException("copyFrom: array of length " + (src == null ? "null" : src.length)
                    + " does not match tensor " + shapeString() + " (" + size + " elements)");
        }
        if (isContiguous()) {
            MemorySegment.copy(src, 0, segment, FLOAT, offset * Float.BYTES, src.length);
            return;
        }
        long[] index = new long[shape.length];
        for (int i = 0; i < src.length; i++) {
            segment.setAtIndex(FLOAT, linear(index), src[i]);
            increment(index);
        }
    }

    /** Copies the elements of {@code src} (same shape, any strides) into this tensor. */
    public void copyFrom(Tensor src) {
        checkAlive("copyFrom");
        if (src == null) {
            throw new IllegalArgumentException("copyFrom: source tensor is null");
        }
        src.checkAlive("copyFrom (source)");
        if (!Arrays.equals(shape, src.shape)) {
            throw new IllegalArgumentException("copyFrom: shape mismatch, destination " + shapeString() + " vs source "
                    + src.shapeString());
        }
        if (isContiguous() && src.isContiguous()) {
            MemorySegment.copy(src.segment, src.offset * Float.BYTES, segment, offset * Float.BYTES, size * Float.BYTES);
            return;
        }
        long[] index = new long[shape.length];
        for (long i = 0; i < size; i++) {
            segment.setAtIndex(FLOAT, linear(index), src.segment.getAtIndex(FLOAT, src.linear(index)));
            increment(index);
        }
    }

    /** Copies this tensor into {@code dst} in row-major order; lengths must match. */
    public void copyTo(float[] dst) {
        checkAlive("copyTo");
        if (dst == null || dst.length != size) {
            throw new IllegalArgumentException("copyTo: array of length " + (dst == null ? "null" : dst.length)
                    + " does not match tensor " + shapeString() + " (" + size + " elements)");
        }
        if (isContiguous()) {
            MemorySegment.copy(segment, FLOAT, offset * Float.BYTES, dst, 0, dst.length);
            return;
        }
        long[] index = new long[shape.length];
        for (int i = 0; i < dst.length; i++) {
            dst[i] = segment.getAtIndex(FLOAT, linear(index));
            increment(index);
        }
    }

    /** A new {@code float[]} with the elements in row-major order. */
    public float[] toArray() {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("toArray: tensor " + shapeString() + " has " + size
                    + " elements, more than a Java array holds");
        }
        float[] out = new float[(int) size];
        copyTo(out);
        return out;
    }

    /** Sets every element to {@code value}. */
    public void fill(float value) {
        checkAlive("fill");
        if (isContiguous()) {
            if (value == 0f && Float.floatToRawIntBits(value) == 0) {
                segment.asSlice(offset * Float.BYTES, size * Float.BYTES).fill((byte) 0);
            } else {
                for (long i = 0; i < size; i++) {
                    segment.setAtIndex(FLOAT, offset + i, value);
                }
            }
            return;
        }
        long[] index = new long[shape.length];
        for (long i = 0; i < size; i++) {
            segment.setAtIndex(FLOAT, linear(index), value);
            increment(index);
        }
    }

    /** Shape, strides when not contiguous, and up to six leading and two trailing values. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(shapeString());
        if (!isContiguous()) {
            sb.append(" strides=").append(Arrays.toString(strides));
        }
        if (!isAlive()) {
            return sb.append(" (closed)").toString();
        }
        sb.append(" [");
        boolean elide = size > 8;
        long head = elide ? 6 : size;
        for (long i = 0; i < head; i++) {
            sb.append(i > 0 ? ", " : "").append(segment.getAtIndex(FLOAT, positionOf(i)));
        }
        if (elide) {
            sb.append(", ..., ").append(segment.getAtIndex(FLOAT, positionOf(size - 2)))
                    .append(", ").append(segment.getAtIndex(FLOAT, positionOf(size - 1)));
        }
        return sb.append(']').toString();
    }

    /** Throws {@link IllegalStateException} naming this tensor when its arena is closed. */
    public void checkAlive(String operation) {
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException(operation + ": tensor " + shapeString()
                    + " was used after its arena was closed");
        }
    }

    /** Throws {@link IllegalArgumentException} unless this tensor has exactly the {@code expected} shape. */
    public void checkShape(String name, int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException(name + ": expected shape " + Arrays.toString(expected) + ", got "
                    + shapeString());
        }
    }

    // ---- internals ------------------------------------------------------------------------------------------

    private int axis(int d) {
        int a = d < 0 ? d + shape.length : d;
        if (a < 0 || a >= shape.length) {
            throw new IndexOutOfBoundsException("dimension " + d + " out of range for tensor " + shapeString());
        }
        return a;
    }

    private long index1(int i) {
        requireRank(1);
        checkIndex(0, i);
        return offset + i * strides[0];
    }

    private long index2(int i, int j) {
        requireRank(2);
        checkIndex(0, i);
        checkIndex(1, j);
        return offset + i * strides[0] + j * strides[1];
    }

    private long index3(int i, int j, int k) {
        requireRank(3);
        checkIndex(0, i);
        checkIndex(1, j);
        checkIndex(2, k);
        return offset + i * strides[0] + j * strides[1] + k * strides[2];
    }

    private void requireRank(int r) {
        if (shape.length != r) {
            throw new IllegalArgumentException("tensor " + shapeString() + " has rank " + shape.length + ", indexed with "
                    + r + " indices");
        }
    }

    private void checkIndex(int d, int i) {
        if (i < 0 || i >= shape[d]) {
            throw new IndexOutOfBoundsException("index " + i + " out of range for dimension " + d + " of size "
                    + shape[d] + " in tensor " + shapeString());
        }
    }

    private long linear(long[] index) {
        long p = offset;
        for (int d = 0; d < index.length; d++) {
            p += index[d] * strides[d];
        }
        return p;
    }

    /** Segment index (in floats) of the element number {@code flat} in row-major order. */
    private long positionOf(long flat) {
        long p = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            p += (flat % shape[d]) * strides[d];
            flat /= shape[d];
        }
        return p;
    }

    private void increment(long[] index) {
        for (int d = index.length - 1; d >= 0; d--) {
            if (++index[d] < shape[d]) {
                return;
            }
            index[d] = 0;
        }
    }

    private static int[] checkShape(int[] shape) {
        if (shape == null) {
            throw new IllegalArgumentException("shape is null");
        }
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
        }
        try {
            if (elementCount(shape) <= Long.MAX_VALUE / Float.BYTES) {
                return shape.clone();
            }
        } catch (ArithmeticException overflow) {
            // reported below
        }
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
    }

    private static long elementCount(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n = Math.multiplyExact(n, (long) s);
        }
        return n;
    }

    private static long[] contiguousStrides(int[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= Math.max(1, shape[d]);
        }
        return st;
    }
}
