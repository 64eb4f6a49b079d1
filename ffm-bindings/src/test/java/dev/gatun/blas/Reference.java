package dev.gatun.blas;

/**
 * Plain scalar BLAS on float arrays, row-major, offsets and strides in floats: the specification the native calls
 * are checked against. Accumulates in double; {@link #gemmBound} and friends give the matching error bound.
 */
final class Reference {

    private Reference() {
    }

    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (double) a(a, aOff, lda, transA, i, p) * b(b, bOff, ldb, transB, p, j);
                }
                int ci = cOff + i * ldc + j;
                double old = beta == 0 ? 0 : (double) beta * c[ci]; // BLAS: C is not read when beta == 0
                c[ci] = (float) (alpha * sum + old);
            }
        }
    }

    /** Bound on |native - reference| for C(i, j): a few ulps of everything that was summed. */
    static double gemmBound(boolean transA, boolean transB, int k, float alpha, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb, float beta, float cOld, int i, int j) {
        double abs = 0;
        for (int p = 0; p < k; p++) {
            abs += Math.abs((double) a(a, aOff, lda, transA, i, p) * b(b, bOff, ldb, transB, p, j));
        }
        return 4e-7 * (k + 2) * (Math.abs(alpha) * abs + Math.abs((double) beta * cOld)) + 1e-30;
    }

    static void sgemv(boolean trans, int m, int n, float alpha, float[] a, int aOff, int lda, float[] x, int xOff,
                      int incx, float beta, float[] y, int yOff, int incy) {
        int lenX = trans ? m : n;
        int lenY = trans ? n : m;
        for (int i = 0; i < lenY; i++) {
            double sum = 0;
            for (int p = 0; p < lenX; p++) {
                float aip = trans ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                sum += (double) aip * x[index(xOff, incx, lenX, p)];
            }
            int yi = index(yOff, incy, lenY, i);
            double old = beta == 0 ? 0 : (double) beta * y[yi];
            y[yi] = (float) (alpha * sum + old);
        }
    }

    static void saxpy(int n, float alpha, float[] x, int xOff, int incx, float[] y, int yOff, int incy) {
        for (int i = 0; i < n; i++) {
            int yi = index(yOff, incy, n, i);
            y[yi] = (float) ((double) alpha * x[index(xOff, incx, n, i)] + y[yi]);
        }
    }

    static double sdot(int n, float[] x, int xOff, int incx, float[] y, int yOff, int incy) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) x[index(xOff, incx, n, i)] * y[index(yOff, incy, n, i)];
        }
        return sum;
    }

    static double snrm2(int n, float[] x, int xOff, int incx) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double v = x[index(xOff, incx, n, i)];
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    static void sscal(int n, float alpha, float[] x, int xOff, int incx) {
        for (int i = 0; i < n; i++) {
            int xi = index(xOff, incx, n, i);
            x[xi] = alpha * x[xi];
        }
    }

    /** Element {@code i} of a BLAS vector: a negative stride walks the same storage backwards. */
    static int index(int off, int inc, int n, int i) {
        return inc > 0 ? off + i * inc : off + (n - 1 - i) * -inc;
    }

    private static float a(float[] a, int off, int lda, boolean trans, int i, int p) {
        return trans ? a[off + p * lda + i] : a[off + i * lda + p];
    }

    private static float b(float[] b, int off, int ldb, boolean trans, int p, int j) {
        return trans ? b[off + j * ldb + p] : b[off + p * ldb + j];
    }
}
