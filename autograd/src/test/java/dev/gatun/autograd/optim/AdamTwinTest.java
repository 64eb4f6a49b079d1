package dev.gatun.autograd.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.gatun.autograd.Rng;
import dev.gatun.kernels.Vectorization;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The vector and scalar Adam kernels agree bit for bit over awkward sizes and offsets. */
class AdamTwinTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 4, 6, 13, 25, 207, 702, 1024})
    void vectorAndScalarAgree(int n) {
        Assumptions.assumeTrue(Vectorization.enabled(), "Vector API not in use");
        Rng rng = new Rng(n);
        int off = 3;   // unaligned starts
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] a = new MemorySegment[4];
            MemorySegment[] b = new MemorySegment[4];
            for (int k = 0; k < 4; k++) {
                a[k] = arena.allocate((long) (n + off) * Float.BYTES, 64);
                for (int i = 0; i < n + off; i++) {
                    float v = (float) (k == 3 ? rng.uniform(0, 1) : rng.uniform(-1, 1));
                    a[k].setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
                }
                b[k] = arena.allocate(a[k].byteSize(), 64).copyFrom(a[k]);
            }
            for (int step = 0; step < 3; step++) {
                PanamaAdam.update(a[0], off, a[1], off, a[2], off, a[3], off, n, 0.9f, 0.999f, 0.01f, 0.7f, 1e-8f,
                        0.1f, 0.999f);
                ScalarAdam.update(b[0], off, b[1], off, b[2], off, b[3], off, n, 0.9f, 0.999f, 0.01f, 0.7f, 1e-8f,
                        0.1f, 0.999f);
            }
            for (int k = 0; k < 4; k++) {
                assertArrayEquals(a[k].toArray(ValueLayout.JAVA_FLOAT), b[k].toArray(ValueLayout.JAVA_FLOAT),
                        "buffer " + k + " for n=" + n);
            }
        }
    }
}
