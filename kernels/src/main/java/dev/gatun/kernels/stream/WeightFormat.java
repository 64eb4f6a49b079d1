package dev.gatun.kernels.stream;

/** How a {@link StreamingCell} stores its packed weights. Biases and all state stay float32. */
public enum WeightFormat {
    /** float32 weights: exact PyTorch results up to summation order and activation rounding. */
    FP32,
    /**
     * bfloat16 weights, rounded to nearest even once at pack time and widened to float32 in registers; accumulation
     * is float32. Half the bytes per step, so roughly twice the speed when weight streaming is the limit, for about
     * 3 significant decimal digits per weight.
     */
    BF16
}
