package dev.gatun.kernels.stream;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Repacks PyTorch-layout weights once into the block-interleaved panels described in {@link PackedLayout}, and
 * rounds to bfloat16 when asked. Destination segments must be zero-filled: padding is never written.
 */
final class WeightPacker {
    private WeightPacker() {}

    /** A read-only row-major float matrix: a {@code float[]} or the first floats of a segment. */
    interface Floats {
        float get(long index);

        static Floats of(float[] a) {
            return i -> a[(int) i];
        }

        static Floats of(MemorySegment s) {
            return i -> s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
        }
    }

    /** Main panel from W_ih (G*H, I) and W_hh (G*H, R). */
    static void packMain(PackedLayout l, Floats wIh, Floats wHh, MemorySegment dst) {
        for (int b = 0; b < l.unitBlocks; b++) {
            for (int g = 0; g < l.gates; g++) {
                for (int lane = 0; lane < l.lanes; lane++) {
                    int u = b * l.lanes + lane;
                    long row = (long) g * l.hiddenSize + u;
                    for (int k = 0; k < l.xSpan; k++) {
                        float w = u < l.hiddenSize && k < l.inputSize ? wIh.get(row * l.inputSize + k) : 0f;
                        put(l, dst, l.xBlock(b), k, g, lane, w);
                    }
                    for (int k = 0; k < l.hSpan; k++) {
                        float w = u < l.hiddenSize && k < l.recurrentSize ? wHh.get(row * l.recurrentSize + k) : 0f;
                        put(l, dst, l.hBlock(b), k, g, lane, w);
                    }
                }
            }
        }
    }

    /** Projection panel from W_hr (P, H): one gate, P units, k over H. */
    static void packProjection(PackedLayout l, Floats wHr, MemorySegment dst) {
        for (int b = 0; b < l.outBlocks; b++) {
            long base = b * l.projBlockBytes;
            for (int k = 0; k < l.projSpan; k++) {
                for (int lane = 0; lane < l.lanes; lane++) {
                    int u = b * l.lanes + lane;
                    float w = u < l.projSize && k < l.hiddenSize ? wHr.get((long) u * l.hiddenSize + k) : 0f;
                    putOneGate(l, dst, base, k, lane, w);
                }
            }
        }
    }

    /** A bias vector (G*H) as G rows of {@code paddedHidden} floats, zero-padded; null means zeros. */
    static float[] packBias(PackedLayout l, Floats bias) {
        float[] dst = new float[l.gates * l.paddedHidden];
        if (bias != null) {
            for (int g = 0; g < l.gates; g++) {
                for (int u = 0; u < l.hiddenSize; u++) {
                    dst[g * l.paddedHidden + u] = bias.get((long) g * l.hiddenSize + u);
                }
            }
        }
        return dst;
    }

    private static void put(PackedLayout l, MemorySegment dst, long base, int k, int g, int lane, float w) {
        if (!l.bf16) {
            dst.set(ValueLayout.JAVA_FLOAT, base + k * l.bytesPerK + ((long) g * l.lanes + lane) * Float.BYTES, w);
            return;
        }
        int m = g + l.gates * (k & 1);
        putHalf(l, dst, base + (k >> 1) * l.bytesPerK + ((long) (m >> 1) * l.lanes + lane) * Integer.BYTES,
                m & 1, w);
    }

    private static void putOneGate(PackedLayout l, MemorySegment dst, long base, int k, int lane, float w) {
        long perK = (long) l.lanes * Float.BYTES;
        if (!l.bf16) {
            dst.set(ValueLayout.JAVA_FLOAT, base + k * perK + (long) lane * Float.BYTES, w);
        } else {
            putHalf(l, dst, base + (k >> 1) * perK + (long) lane * Integer.BYTES, k & 1, w);
        }
    }

    // Low half = even m, high half = odd m: widening is (word << 16) and (word & 0xFFFF0000).
    private static void putHalf(PackedLayout l, MemorySegment dst, long offset, int high, float w) {
        int word = dst.get(ValueLayout.JAVA_INT, offset);
        int bits = bf16Bits(w);
        word = high == 0 ? (word & 0xFFFF0000) | bits : (word & 0x0000FFFF) | (bits << 16);
        dst.set(ValueLayout.JAVA_INT, offset, word);
    }

    /** The bfloat16 bits (low 16 of the result) nearest to {@code x}, ties to even; NaN stays a quiet NaN. */
    static int bf16Bits(float x) {
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (bits >>> 16) | 0x0040;
        }
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return bits >>> 16;
    }

    /** {@code x} rounded to the nearest bfloat16, as a float. */
    static float roundToBf16(float x) {
        return Float.intBitsToFloat(bf16Bits(x) << 16);
    }
}
