package dev.gatun.gemm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * The specification every provider is checked against: a dead-simple triple loop accumulating in double, and random
 * operands laid out awkwardly (offsets, leading dimensions larger than the rows, heap or native memory, NaN in C
 * when beta is 0, sentinels around every element a call must not write).
 */
final class GemmReference {
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Written around C and y: a call that changes one of these wrote outside its output. */
    static final float SENTINEL = -7777.25f;

    private GemmReference() {}

    /** One GEMM call with its operands; {@link #check} runs it on a provider and compares with the reference. */
    record GemmCase(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                    MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                    float[] c0, long cOffset, int ldc, boolean heap) {

        @Override
        public String toString() {
            return "sgemm(" + (transA ? "T" : "N") + (transB ? "T" : "N") + ", m=" + m + ", n=" + n + ", k=" + k
                    + ", alpha=" + alpha + ", beta=" + beta + ", aOff=" + aOffset + ", lda=" + lda + ", bOff="
                    + bOffset + ", ldb=" + ldb + ", cOff=" + cOffset + ", ldc=" + ldc + (heap ? ", heap" : "") + ")";
        }

        /** A fresh C for one run: the initial values, or NaN inside C when beta is 0; sentinels elsewhere. */
        MemorySegment freshC(Arena arena) {
            MemorySegment c = heap ? MemorySegment.ofArray(new float[c0.length])
                    : arena.allocate((long) c0.length * Float.BYTES, 64);
            for (int i = 0; i < c0.length; i++) {
                c.setAtIndex(FLOAT, i, inC(i) && beta == 0f ? Float.NaN : c0[i]);
            }
            return c;
        }

        boolean inC(long index) {
            long rel = index - cOffset;
            return rel >= 0 && rel / ldc < m && rel % ldc < n;
        }

        /**
         * Runs the case on {@code gemm} and returns the worst error as a fraction of the allowed one (at most 1
         * passes); throws AssertionError naming the case and the element when an element outside C changed.
         */
        double check(Arena arena, Sgemm gemm) {
            MemorySegment c = freshC(arena);
            gemm.run(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            double worst = 0;
            for (int idx = 0; idx < c0.length; idx++) {
                float got = c.getAtIndex(FLOAT, idx);
                if (!inC(idx)) {
                    if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(c0[idx])) {
                        throw new AssertionError(this + ": wrote outside C at index " + idx + ": " + got);
                    }
                    continue;
                }
                int i = (int) ((idx - cOffset) / ldc), j = (int) ((idx - cOffset) % ldc);
                double sum = 0, size = 0;
                for (int p = 0; p < k; p++) {
                    double x = a.getAtIndex(FLOAT, aOffset + (transA ? (long) p * lda + i : (long) i * lda + p));
                    double y = b.getAtIndex(FLOAT, bOffset + (transB ? (long) j * ldb + p : (long) p * ldb + j));
                    sum += x * y;
                    size += Math.abs(x * y);
                }
                double cOld = beta == 0f ? 0 : c0[idx];
                double want = alpha * sum + beta * cOld;
                double allowed = 1e-5 * Math.sqrt(k + 1.0) * (Math.abs(alpha) * size + Math.abs(beta * cOld)) + 1e-30;
                double err = Math.abs(got - want) / allowed;
                if (!(err <= 1)) {
                    return Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;  // fail on the first bad element
                }
                worst = Math.max(worst, err);
            }
            return worst;
        }
    }

    /** An sgemm entry point: a provider's, the facade's, or a kernel's. */
    interface Sgemm {
        void run(boolean transA, boolean transB, int m, int n, int k, float alpha,
                 MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                 float beta, MemorySegment c, long cOffset, int ldc);
    }

    /** A case with random values in [-1, 1), random offsets and leading-dimension slack. */
    static GemmCase randomCase(Arena arena, SplittableRandom r, boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float beta, boolean heap) {
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = Math.max(1, aCols) + (r.nextInt(3) == 0 ? r.nextInt(1, 20) : 0);
        int ldb = Math.max(1, bCols) + (r.nextInt(3) == 0 ? r.nextInt(1, 20) : 0);
        int ldc = Math.max(1, n) + (r.nextInt(3) == 0 ? r.nextInt(1, 20) : 0);
        long aOff = r.nextInt(3) == 0 ? r.nextInt(1, 40) : 0;
        long bOff = r.nextInt(3) == 0 ? r.nextInt(1, 40) : 0;
        long cOff = r.nextInt(3) == 0 ? r.nextInt(1, 40) : 0;
        MemorySegment a = randomSegment(arena, r, aOff + (long) aRows * lda + 3, heap);
        MemorySegment b = randomSegment(arena, r, bOff + (long) bRows * ldb + 3, heap);
        float[] c0 = new float[(int) (cOff + (long) m * ldc + 5)];
        for (int i = 0; i < c0.length; i++) {
            c0[i] = SENTINEL;
        }
        GemmCase shape = new GemmCase(transA, transB, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c0, cOff,
                ldc, heap);
        for (int i = 0; i < c0.length; i++) {
            if (shape.inC(i)) {
                c0[i] = (float) r.nextDouble(-1, 1);
            }
        }
        return shape;
    }

    static MemorySegment randomSegment(Arena arena, SplittableRandom r, long floats, boolean heap) {
        MemorySegment s = heap ? MemorySegment.ofArray(new float[(int) floats])
                : arena.allocate(floats * Float.BYTES, 64);
        for (long i = 0; i < floats; i++) {
            s.setAtIndex(FLOAT, i, (float) r.nextDouble(-1, 1));
        }
        return s;
    }

    /** alpha: mostly 1, sometimes 0 or random; beta: 0 (C holds NaN), 1 or random. */
    static float randomAlpha(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> 0f;
            case 1, 2 -> (float) r.nextDouble(-2, 2);
            default -> 1f;
        };
    }

    static float randomBeta(SplittableRandom r) {
        return switch (r.nextInt(3)) {
            case 0 -> 0f;
            case 1 -> 1f;
            default -> (float) r.nextDouble(-2, 2);
        };
    }

    /**
     * Checks {@code y = alpha op(A) x + beta y} of {@code gemv} against a double triple loop, with strided (also
     * negative) x and y and sentinels between y's elements. Returns the worst error fraction.
     */
    static double checkGemv(Arena arena, SplittableRandom r, Sgemv gemv, boolean trans, int m, int n, int incx,
                            int incy, float alpha, float beta, boolean heap) {
        int lda = Math.max(1, n) + (r.nextBoolean() ? r.nextInt(1, 9) : 0);
        long aOff = r.nextInt(5), xOff = r.nextInt(5), yOff = r.nextInt(5);
        int xLen = trans ? m : n, yLen = trans ? n : m;
        MemorySegment a = randomSegment(arena, r, aOff + (long) m * lda, heap);
        MemorySegment x = randomSegment(arena, r, xOff + (long) Math.max(0, xLen - 1) * Math.abs(incx) + 1, heap);
        int ySize = (int) (yOff + (long) Math.max(0, yLen - 1) * Math.abs(incy) + 3);
        float[] y0 = new float[ySize];
        MemorySegment y = heap ? MemorySegment.ofArray(new float[ySize]) : arena.allocate(ySize * 4L, 64);
        boolean[] isY = new boolean[ySize];
        for (int i = 0; i < yLen; i++) {
            isY[(int) GemmShapes.element(yOff, i, yLen, incy)] = true;
        }
        for (int i = 0; i < ySize; i++) {
            y0[i] = isY[i] ? (float) r.nextDouble(-1, 1) : SENTINEL;
            y.setAtIndex(FLOAT, i, isY[i] && beta == 0f ? Float.NaN : y0[i]);
        }
        gemv.run(trans, m, n, alpha, a, aOff, lda, x, xOff, incx, beta, y, yOff, incy);
        double worst = 0;
        for (int i = 0; i < ySize; i++) {
            if (!isY[i] && Float.floatToRawIntBits(y.getAtIndex(FLOAT, i)) != Float.floatToRawIntBits(y0[i])) {
                throw new AssertionError("sgemv wrote outside y at index " + i);
            }
        }
        for (int i = 0; i < yLen; i++) {
            double sum = 0, size = 0;
            for (int p = 0; p < xLen; p++) {
                double av = a.getAtIndex(FLOAT, aOff + (trans ? (long) p * lda + i : (long) i * lda + p));
                double xv = x.getAtIndex(FLOAT, GemmShapes.element(xOff, p, xLen, incx));
                sum += av * xv;
                size += Math.abs(av * xv);
            }
            long at = GemmShapes.element(yOff, i, yLen, incy);
            double yOld = beta == 0f ? 0 : y0[(int) at];
            double want = alpha * sum + beta * yOld;
            double allowed = 1e-5 * Math.sqrt(xLen + 1.0) * (Math.abs(alpha) * size + Math.abs(beta * yOld)) + 1e-30;
            double err = Math.abs(y.getAtIndex(FLOAT, at) - want) / allowed;
            if (!(err <= 1)) {
                return Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
            }
            worst = Math.max(worst, err);
        }
        return worst;
    }

    /** An sgemv entry point. */
    interface Sgemv {
        void run(boolean trans, int m, int n, float alpha, MemorySegment a, long aOffset, int lda,
                 MemorySegment x, long xOffset, int incx, float beta, MemorySegment y, long yOffset, int incy);
    }
}
