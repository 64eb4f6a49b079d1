package dev.gatun.io;

import java.util.Arrays;

/**
 * One tensor of a safetensors file: name, element type, shape and its byte range in the data section.
 *
 * @param name the tensor's name
 * @param dtype its element type
 * @param shape its shape (a copy is returned by {@link #shape()})
 * @param begin first byte in the data section
 * @param end one past the last byte
 */
public record TensorEntry(String name, DType dtype, int[] shape, long begin, long end) {
    /** Copies the shape. */
    public TensorEntry {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public long elementCount() {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry e && name.equals(e.name) && dtype == e.dtype && Arrays.equals(shape, e.shape)
                && begin == e.begin && end == e.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }
}
