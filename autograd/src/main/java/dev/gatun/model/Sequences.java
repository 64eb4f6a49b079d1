package dev.gatun.model;

/** Layout helpers for sequence tensors: PyTorch's {@code batch_first} (B, T, F) versus time-major (T, B, F). */
public final class Sequences {
    private Sequences() {}

    /** (a, b, F) -> (b, a, F): batch-first to time-major and back. */
    public static float[] swapLeadingAxes(float[] x, int a, int b, int features) {
        if (x == null || a < 0 || b < 0 || features < 0 || x.length != (long) a * b * features) {
            throw new IllegalArgumentException("swapLeadingAxes: array of " + (x == null ? "null" : x.length)
                    + " floats is not (" + a + ", " + b + ", " + features + ")");
        }
        float[] out = new float[x.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(x, (i * b + j) * features, out, (j * a + i) * features, features);
            }
        }
        return out;
    }
}
