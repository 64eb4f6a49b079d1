package dev.gatun.kernels.activation;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar twin of {@link PanamaActivations}: exp, sigmoid, tanh and relu on one float, used by every scalar kernel
 * and by the Panama loops for their tails. {@code PanamaActivations} runs the same operations lane by lane, so the
 * two give the same bits; the constants are shared from here.
 *
 * <p>exp: {@code x = n*ln2 + r} with {@code n = round(x/ln2)} (by adding and subtracting 1.5*2^23), a Cody-Waite
 * split of ln2 so {@code r} is exact, Cephes' degree-7 polynomial for {@code e^r} on {@code |r| <= ln2/2}, and
 * {@code 2^n} built from exponent bits in two halves ({@code 2^(n/2) * 2^(n - n/2)}) so overflow gives +Inf and
 * underflow rounds gradually to 0 without a special case. x is first clamped to [-104, 89], outside which the float
 * result is 0 or +Inf anyway; NaN passes the clamp.
 */
final class ScalarActivations {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    // exp
    static final float EXP_LO = -104f;          // exp(-104) < 2^-150: rounds to 0
    static final float EXP_HI = 89f;            // exp(89) > Float.MAX_VALUE: +Inf
    static final float LOG2E = 1.44269504088896341f;
    static final float ROUND = 12582912f;       // 1.5 * 2^23: x + ROUND rounds x to an integer
    static final int ROUND_BITS = 0x4B400000;   // Float.floatToRawIntBits(ROUND)
    static final float LN2_HI = 0.693359375f;   // few bits: n * LN2_HI is exact
    static final float LN2_LO = -2.12194440e-4f; // ln2 - LN2_HI
    static final float E5 = 1.9875691500e-4f;   // e^r = 1 + r + r^2 (E0 + E1 r + ... + E5 r^5), Cephes expf
    static final float E4 = 1.3981999507e-3f;
    static final float E3 = 8.3334519073e-3f;
    static final float E2 = 4.1665795894e-2f;
    static final float E1 = 1.6666665459e-1f;
    static final float E0 = 5.0000001201e-1f;
    // tanh: below TANH_SMALL an odd polynomial x + x^3 P(x^2) (Cephes tanhf) keeps the relative error small near 0;
    // above it 1 - 2/(e^2x + 1) loses nothing since the result is > 0.55.
    static final float TANH_SMALL = 0.625f;
    static final float T4 = -5.70498872745e-3f;
    static final float T3 = 2.06390887954e-2f;
    static final float T2 = -5.37397155531e-2f;
    static final float T1 = 1.33314422036e-1f;
    static final float T0 = -3.33332819422e-1f;

    private ScalarActivations() {}

    static float exp(float x) {
        x = Math.min(Math.max(x, EXP_LO), EXP_HI);      // NaN stays NaN
        float t = Math.fma(x, LOG2E, ROUND);            // ROUND + n, n = round(x / ln2)
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, x);              // r = x - n ln2, |r| <= ln2/2
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, E5, E4);
        p = Math.fma(p, r, E3);
        p = Math.fma(p, r, E2);
        p = Math.fma(p, r, E1);
        p = Math.fma(p, r, E0);
        float y = Math.fma(p, r * r, r) + 1f;           // e^r
        int ni = Float.floatToRawIntBits(t) - ROUND_BITS;
        int n1 = ni >> 1;
        int n2 = ni - n1;
        return y * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    static float sigmoid(float x) {
        return 1f / (1f + exp(-x));
    }

    static float tanh(float x) {
        float a = Math.abs(x);
        float t;
        if (a < TANH_SMALL) {
            float z = a * a;
            float p = Math.fma(z, T4, T3);
            p = Math.fma(p, z, T2);
            p = Math.fma(p, z, T1);
            p = Math.fma(p, z, T0);
            t = Math.fma(p * z, a, a);
        } else {
            t = 1f - 2f / (exp(a + a) + 1f);
        }
        return Math.copySign(t, x);
    }

    static float relu(float x) {
        return Math.max(x, 0f);
    }

    // In place over n floats: segments (offsets in floats) and arrays.

    static void exp(MemorySegment s, long off, int n) {
        for (long i = off, end = off + n; i < end; i++) {
            s.setAtIndex(F, i, exp(s.getAtIndex(F, i)));
        }
    }

    static void sigmoid(MemorySegment s, long off, int n) {
        for (long i = off, end = off + n; i < end; i++) {
            s.setAtIndex(F, i, sigmoid(s.getAtIndex(F, i)));
        }
    }

    static void tanh(MemorySegment s, long off, int n) {
        for (long i = off, end = off + n; i < end; i++) {
            s.setAtIndex(F, i, tanh(s.getAtIndex(F, i)));
        }
    }

    static void relu(MemorySegment s, long off, int n) {
        for (long i = off, end = off + n; i < end; i++) {
            s.setAtIndex(F, i, relu(s.getAtIndex(F, i)));
        }
    }

    static void exp(float[] a, int off, int n) {
        for (int i = off, end = off + n; i < end; i++) {
            a[i] = exp(a[i]);
        }
    }

    static void sigmoid(float[] a, int off, int n) {
        for (int i = off, end = off + n; i < end; i++) {
            a[i] = sigmoid(a[i]);
        }
    }

    static void tanh(float[] a, int off, int n) {
        for (int i = off, end = off + n; i < end; i++) {
            a[i] = tanh(a[i]);
        }
    }

    static void relu(float[] a, int off, int n) {
        for (int i = off, end = off + n; i < end; i++) {
            a[i] = relu(a[i]);
        }
    }
}
