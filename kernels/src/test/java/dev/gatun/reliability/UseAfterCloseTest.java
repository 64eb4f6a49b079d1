package dev.gatun.reliability;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.gemm.Gemm;
import dev.gatun.gemm.GemmProvider;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every closeable type of the kernels module, and every kernel given memory of a closed arena: each later use throws
 * {@link IllegalStateException} (never a crash, never silent success), and close is idempotent.
 */
class UseAfterCloseTest {

    private static void allThrow(String what, List<Executable> uses) {
        for (int i = 0; i < uses.size(); i++) {
            int k = i;
            var e = assertThrows(IllegalStateException.class, uses.get(i), () -> what + " use #" + k);
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), what + " use #" + k + ": no message");
        }
    }

    @Test
    void tensorOfAClosedArena() {
        Arena arena = Arena.ofConfined();
        Tensor t = Tensor.allocate(arena, 3, 4);
        Tensor view = t.transpose(0, 1).slice(0, 1, 3);
        arena.close();
        assertFalse(t.isAlive());
        allThrow("tensor", List.of(() -> t.get(0, 0), () -> t.set(0, 0, 1f), t::toArray, () -> t.fill(1f),
                () -> t.copyFrom(new float[12]), () -> t.copyTo(new float[12]), view::toArray,
                () -> view.get(0, 0), () -> t.checkAlive("x")));
        assertDoesNotThrow(t::toString); // says "(closed)"
        assertTrue(t.toString().contains("closed"));
    }

    @Test
    void scratchArena() {
        ScratchArena s = new ScratchArena(256);
        Tensor t = s.tensor(4, 4);
        s.close();
        s.close();
        allThrow("scratch", List.of(() -> s.tensor(2), () -> s.allocateFloats(3), s::reset, t::toArray,
                () -> t.fill(0f)));
    }

    @Test
    void kernelsGivenClosedMemory() {
        Arena arena = Arena.ofConfined();
        MemorySegment dead = arena.allocate(4096, 64);
        arena.close();
        try (Arena live = Arena.ofConfined()) {
            MemorySegment ok = live.allocate(4096, 64);
            List<Executable> uses = new java.util.ArrayList<>(List.of(
                    () -> Activations.tanhInPlace(dead, 0, 8),
                    () -> LstmCell.forward(2, 4, dead, 0, ok, 0, ok, 100, ok, 200, ok, 300, ok, 400, 4),
                    () -> Gemm.sgemm(false, false, 2, 2, 2, 1f, dead, 0, 2, ok, 0, 2, 0f, ok, 100, 2),
                    () -> Gemm.sgemv(false, 2, 2, 1f, ok, 0, 2, dead, 0, 1, 0f, ok, 100, 1),
                    () -> GemmProvider.scalar().sgemm(false, false, 2, 2, 2, 1f, ok, 0, 2, ok, 8, 2, 0f, dead, 0, 2),
                    () -> GemmProvider.javaVector().sgemv(true, 2, 2, 1f, dead, 0, 2, ok, 0, 1, 0f, ok, 8, 1)));
            allThrow("kernels with closed memory", uses);
        }
    }

    @Test
    void recurrentPassAndStack() {
        LayerShape shape = new LayerShape(CellType.GRU, 3, 4, 0);
        try (Arena arena = Arena.ofConfined()) {
            LayerWeights w = LayerWeights.allocate(arena, shape);
            MemorySegment x = arena.allocate(3L * 2 * 2 * 4, 64);
            MemorySegment y = arena.allocate(4L * 2 * 2 * 4, 64);
            RecurrentPass pass = new RecurrentPass(shape, false);
            pass.forward(2, 2, x, 0, 3, w, null, 0, null, 0, y, 0, 4, null, 0, null, 0);
            pass.close();
            pass.close();
            LayerWeights g = LayerWeights.allocate(arena, shape);
            allThrow("pass", List.of(
                    () -> pass.forward(2, 2, x, 0, 3, w, null, 0, null, 0, y, 0, 4, null, 0, null, 0),
                    () -> pass.backward(2, 2, x, 0, 3, w, null, 0, null, 0, y, 0, 4, y, 0, 4, null, 0, null, 0, g,
                            null, 0, 3, 0f, null, 0, null, 0)));

            StackShape ss = new StackShape(CellType.GRU, 3, 4, 2, false, 0);
            LayerWeights[] ws = {w, LayerWeights.allocate(arena, ss.layer(1))};
            RecurrentStack stack = new RecurrentStack(ss);
            stack.forward(2, 2, x, 0, ws, null, 0, null, 0, y, 0, null, 0, null, 0);
            stack.close();
            stack.close();
            allThrow("stack", List.of(
                    () -> stack.forward(2, 2, x, 0, ws, null, 0, null, 0, y, 0, null, 0, null, 0),
                    () -> stack.backward(2, 2, x, 0, ws, null, 0, null, 0, y, 0, y, 0, null, 0, null, 0, ws, null, 0,
                            null, 0, null, 0)));

            // Weights whose arena closed: the pass says which tensor.
            Arena wa = Arena.ofConfined();
            LayerWeights deadW = LayerWeights.allocate(wa, shape);
            wa.close();
            try (RecurrentPass p = new RecurrentPass(shape, false)) {
                allThrow("dead weights", List.of(() -> p.forward(2, 2, x, 0, 3, deadW, null, 0, null, 0, y, 0, 4,
                        null, 0, null, 0)));
            }
        }
    }

    @Test
    void streamingCellAndSteppers() {
        StreamingCell cell = Workloads.cell("lstm", 4, 8, WeightFormat.FP32, 1);
        StreamingStepper one = cell.newStepper();
        StreamingStepper two = cell.newStepper(2);
        float[] x = new float[4];
        one.step(x);
        two.step(x);
        two.close();
        two.close();
        allThrow("closed stepper", List.of(() -> two.step(x), () -> two.h(new float[8]), () -> two.reset(),
                () -> two.setH(new float[8]), () -> two.c(new float[8]), () -> two.stepProjected(new float[32])));
        cell.close();
        cell.close();
        assertFalse(cell.isOpen());
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = a.allocate(16 * 4);
            allThrow("stepper of a closed cell", List.of(() -> one.step(x), () -> one.run(xs, 0, 2, null, 0),
                    () -> one.h(new float[8]), one::reset, cell::newStepper));
        }
        one.close();
    }
}
