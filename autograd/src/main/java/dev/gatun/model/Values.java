package dev.gatun.model;

import java.util.Arrays;

/**
 * A row-major float array with its shape: what the model API takes and returns for named tensors
 * (state_dict entries, gradients).
 *
 * @param shape the shape
 * @param data the elements, row-major
 */
public record Values(int[] shape, float[] data) {
    /** Checks that the shape holds exactly the data. */
    public Values {
        if (shape == null || data == null) {
            throw new IllegalArgumentException("Values: shape and data must not be null");
        }
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("Values: negative dimension in shape " + Arrays.toString(shape));
            }
            n *= s;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("Values: shape " + Arrays.toString(shape) + " holds " + n
                    + " elements, data has " + data.length);
        }
    }

    @Override
    public String toString() {
        return "Values" + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Values v && Arrays.equals(shape, v.shape) && Arrays.equals(data, v.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
    }
}
