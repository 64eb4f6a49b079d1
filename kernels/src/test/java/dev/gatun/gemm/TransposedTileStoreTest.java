package dev.gatun.gemm;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatun.gemm.GemmReference.GemmCase;
import dev.gatun.kernels.Vectorization;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The swapped GEMM ({@code C^T = op(B)^T op(A)^T}, e.g. the recurrent step {@code h W^T}) stores its tiles
 * transposed; full tiles with a vector's worth of C row left go through a gather and write back C's own values in
 * the lanes past the tile. These shapes make most tiles take that path (n well past 16), with row strides larger
 * than n, sentinels around C, NaN in C when beta is 0, and both tile heights.
 */
class TransposedTileStoreTest {

    @Test
    void swappedProductsMatchTheReference() {
        assumeTrue(Vectorization.enabled(), "Vector API kernels only");
        SplittableRandom r = new SplittableRandom(20261207);
        try (Arena arena = Arena.ofConfined()) {
            for (PanamaGemm gemm : new PanamaGemm[] {new PanamaGemm(12), new PanamaGemm(6)}) {
                for (int m : new int[] {1, 3, 17, 32}) {
                    for (int n : new int[] {16, 29, 40, 100, 203}) {
                        for (boolean transA : new boolean[] {false, true}) {
                            if (m >= n || !PanamaGemm.swapOperands(transA, true, m, n)) {
                                continue;
                            }
                            int k = r.nextInt(1, 70);
                            float alpha = GemmReference.randomAlpha(r), beta = GemmReference.randomBeta(r);
                            GemmCase c = GemmReference.randomCase(arena, r, transA, true, m, n, k, alpha, beta,
                                    false);
                            double err = c.check(arena, gemm::sgemm);
                            assertTrue(err <= 1, c + " with tile height " + gemm + ": error " + err);
                        }
                    }
                }
            }
        }
    }
}
