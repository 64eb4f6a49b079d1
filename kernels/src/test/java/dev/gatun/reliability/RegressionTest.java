package dev.gatun.reliability;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.gemm.Gemm;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.activation.Activations;
import dev.gatun.kernels.cell.LstmCell;
import dev.gatun.kernels.sequence.LayerShape;
import dev.gatun.kernels.sequence.LayerWeights;
import dev.gatun.kernels.sequence.RecurrentPass;
import dev.gatun.kernels.sequence.RecurrentStack;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.kernels.stream.StreamingCell;
import dev.gatun.kernels.stream.StreamingStepper;
import dev.gatun.kernels.stream.WeightFormat;
import dev.gatun.tensor.ScratchArena;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** One test per bug the API fuzzer found in the kernels and bindings; each failed before its fix. */
class RegressionTest {

    @Test
    void tensorCopyFromNullTensorIsAnIllegalArgument() {
        try (Arena a = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(a, 2);
            // was: NullPointerException
            assertThrows(IllegalArgumentException.class, () -> t.copyFrom((Tensor) null));
        }
    }

    @Test
    void tensorWrapWithAHugeOffsetIsRejected() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(64);
            // was: (offset + n) * 4 overflowed, the wrap succeeded and the first access threw IndexOutOfBounds
            assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(s, Long.MAX_VALUE / 4, 1));
            assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(s, Long.MAX_VALUE / 4 - 1, 2));
            assertDoesNotThrow(() -> Tensor.wrap(s, 15, 1));
            assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(s, 16, 1));
        }
    }

    @Test
    void scratchArenaRejectsNullAndOverflowingRequests() {
        try (ScratchArena s = new ScratchArena(64)) {
            // was: NullPointerException
            assertThrows(IllegalArgumentException.class, () -> s.tensor((int[]) null));
            // was: ArithmeticException
            assertThrows(IllegalArgumentException.class,
                    () -> s.tensor(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE));
            // was: count * 4 wrapped to 0 and a 0-byte segment came back for a request of 2^62 floats
            assertThrows(IllegalArgumentException.class, () -> s.allocateFloats(1L << 62));
            assertThrows(IllegalArgumentException.class, () -> s.allocateFloats(Long.MAX_VALUE));
            assertTrue(s.allocateFloats(3).byteSize() == 12);
        }
    }

    @Test
    void gemmWithANullSegmentIsAnIllegalArgument() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(64, 64);
            // was: NullPointerException from Objects.requireNonNull
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Gemm.sgemm(false, false, 2, 2, 2, 1f, null, 0, 2, m, 0, 2, 0f, m, 8, 2));
            assertTrue(e.getMessage().contains("'a' is null"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> Gemm.sgemv(false, 2, 2, 1f, m, 0, 2, null, 0, 1, 0f, m, 8, 1));
        }
    }

    @Test
    void hugeOffsetsAreIllegalArgumentsNotIndexErrors() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(4096, 64);
            long huge = Long.MAX_VALUE - 8;
            // was: off + span overflowed to a negative number, passed the check, and the kernel threw IOOBE
            assertThrows(IllegalArgumentException.class,
                    () -> LstmCell.forward(1, 4, m, huge, m, 100, m, 200, m, 300, m, 400, m, 500, 4));
            assertThrows(IllegalArgumentException.class, () -> Activations.tanhInPlace(m, huge, 4));
            LayerShape shape = new LayerShape(CellType.RNN_TANH, 2, 3, 0);
            LayerWeights w = LayerWeights.allocate(a, shape);
            try (RecurrentPass p = new RecurrentPass(shape, false)) {
                assertThrows(IllegalArgumentException.class, () -> p.forward(1, 1, m, huge, 2, w, null, 0, null, 0,
                        m, 500, 3, null, 0, null, 0));
            }
            try (StreamingCell c = Workloads.cell("gru", 2, 3, WeightFormat.FP32, 1);
                 StreamingStepper st = c.newStepper()) {
                assertThrows(IllegalArgumentException.class, () -> st.step(m, huge));
                assertThrows(IllegalArgumentException.class, () -> st.h(m, huge));
            }
        }
    }

    @Test
    void nullShapesAreIllegalArguments() {
        // was: NullPointerException
        assertThrows(IllegalArgumentException.class, () -> new RecurrentPass(null, false));
        assertThrows(IllegalArgumentException.class, () -> new RecurrentStack(null));
    }

    @Test
    void recurrentStackChecksSizesBeforeAllocating() {
        StackShape shape = new StackShape(CellType.LSTM, 2, 64, 3, true, 0);
        try (Arena a = Arena.ofConfined(); RecurrentStack stack = new RecurrentStack(shape)) {
            LayerWeights[] w = new LayerWeights[6];
            for (int i = 0; i < w.length; i++) {
                w[i] = LayerWeights.allocate(a, shape.layer(i / 2));
            }
            MemorySegment tiny = a.allocate(64, 64);
            // was: 2 layers x 2 buffers x 2^21 rows x 128 floats (4 GB, zero-filled) allocated for the intermediate
            // layers before the passes noticed that x holds 16 floats
            var e = assertThrows(IllegalArgumentException.class, () -> stack.forward(1 << 20, 2, tiny, 0, w, null, 0,
                    null, 0, tiny, 0, null, 0, null, 0));
            assertTrue(e.getMessage().startsWith("x: "), e.getMessage());
        }
    }

    @Test
    void recurrentStackClosesOnceAndThenRefuses() {
        RecurrentStack stack = new RecurrentStack(new StackShape(CellType.GRU, 2, 3, 2, false, 0));
        stack.close();
        // was: IllegalStateException("Already closed") from the second Arena.close
        assertDoesNotThrow(stack::close);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(256, 64);
            var e = assertThrows(IllegalStateException.class, () -> stack.forward(1, 1, m, 0,
                    new LayerWeights[2], null, 0, null, 0, m, 0, null, 0, null, 0));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }
}
