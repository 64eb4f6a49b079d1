package dev.gatun.autograd.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.autograd.Rng;
import dev.gatun.autograd.nn.Recurrent;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InitTest {

    @Test
    void sameSeedSameWeights() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor a = Tensor.allocate(arena, 6, 5);
            Tensor b = Tensor.allocate(arena, 6, 5);
            Init.xavierNormal(a, 1.0, new Rng(42));
            Init.xavierNormal(b, 1.0, new Rng(42));
            assertArrayEquals(a.toArray(), b.toArray());
        }
    }

    @Test
    void xavierUniformBoundAndXavierNormalSpread() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = Tensor.allocate(arena, 200, 300);
            Init.xavierUniform(w, 2.0, new Rng(1));
            double bound = 2.0 * Math.sqrt(6.0 / 500);
            double max = 0;
            for (float v : w.toArray()) {
                max = Math.max(max, Math.abs(v));
            }
            assertTrue(max <= bound && max > 0.99 * bound, "max " + max + " bound " + bound);
            Init.xavierNormal(w, 1.0, new Rng(2));
            double sumSq = 0;
            for (float v : w.toArray()) {
                sumSq += v * v;
            }
            double std = Math.sqrt(sumSq / w.size());
            assertEquals(Math.sqrt(2.0 / 500), std, 0.02 * std);
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"8, 8", "12, 5", "5, 12", "1, 7"})
    void orthogonalRowsOrColumnsAreOrthonormal(int rows, int cols) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = Tensor.allocate(arena, rows, cols);
            Init.orthogonal(w, 1.5, new Rng(rows * 10L + cols));
            // The smaller Gram matrix is gain^2 * I.
            boolean byRows = rows <= cols;
            int k = byRows ? rows : cols;
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    double dot = 0;
                    for (int i = 0; i < (byRows ? cols : rows); i++) {
                        dot += byRows ? w.get(a, i) * w.get(b, i) : w.get(i, a) * w.get(i, b);
                    }
                    assertEquals(a == b ? 2.25 : 0.0, dot, 1e-5, "gram[" + a + "][" + b + "]");
                }
            }
        }
    }

    @Test
    void spectralRadiusOfKnownMatrices() {
        Rng rng = new Rng(3);
        // Diagonal: the largest |entry|.
        assertEquals(2.5, SpectralRadius.estimate(new double[] {0.5, 0, 0, 0, -2.5, 0, 0, 0, 1}, 3, rng), 1e-6);
        // Upper triangular (non-normal): eigenvalues on the diagonal.
        assertEquals(1.2, SpectralRadius.estimate(new double[] {1.2, 5, -3, 0, 0.7, 4, 0, 0, -0.3}, 3, rng), 1e-4);
        // A scaled rotation (complex pair 0.9 e^{±i 0.7}) beside a smaller real eigenvalue.
        double c = 0.9 * Math.cos(0.7);
        double s = 0.9 * Math.sin(0.7);
        double[] rot = {c, -s, 0, s, c, 0, 0, 0, 0.5};
        assertEquals(0.9, SpectralRadius.estimate(rot, 3, rng), 1e-6);
        // A similarity transform of the rotation block keeps rho but makes the iterates oscillate in norm.
        double[] p = {1, 2, 0, 0, 1, 0, 0, 0, 1};
        double[] pInv = {1, -2, 0, 0, 1, 0, 0, 0, 1};
        assertEquals(0.9, SpectralRadius.estimate(mul(mul(p, rot, 3), pInv, 3), 3, rng), 5e-3);
        assertEquals(0.0, SpectralRadius.estimate(new double[4], 2, rng));
    }

    @Test
    void recurrentWeightsAreScaledToTheTargetRadius() {
        StackShape shape = new StackShape(CellType.RNN_TANH, 4, 32, 2, true, 0);
        try (Recurrent rnn = new Recurrent(shape, 0f, true, 8)) {
            rnn.scaleRecurrentWeights(1.1, 1.0, 9);
            Tensor w = rnn.namedParameters().get("weight_hh_l1_reverse").value();
            double[] m = new double[32 * 32];
            for (int i = 0; i < m.length; i++) {
                m[i] = w.get(i / 32, i % 32);
            }
            assertEquals(1.1, SpectralRadius.estimate(m, 32, new Rng(10)), 0.02);
        }
        try (Recurrent lstm = new Recurrent(new StackShape(CellType.LSTM, 4, 8, 1, false, 4))) {
            assertThrows(IllegalStateException.class, () -> lstm.scaleRecurrentWeights(1.1, 1.0, 1));
        }
    }

    private static double[] mul(double[] a, double[] b, int n) {
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    c[i * n + j] += a[i * n + k] * b[k * n + j];
                }
            }
        }
        return c;
    }
}
