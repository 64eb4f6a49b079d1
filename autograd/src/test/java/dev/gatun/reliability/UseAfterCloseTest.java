package dev.gatun.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.nn.Linear;
import dev.gatun.autograd.nn.Recurrent;
import dev.gatun.autograd.nn.RecurrentState;
import dev.gatun.autograd.optim.Adam;
import dev.gatun.autograd.optim.Sgd;
import dev.gatun.io.DType;
import dev.gatun.io.SafeTensorsFile;
import dev.gatun.io.SafeTensorsWriter;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every closeable type of the autograd module: after close, each use throws {@link IllegalStateException} (never a
 * crash or silent success), and close is idempotent.
 */
class UseAfterCloseTest {
    @TempDir
    Path dir;

    private static void allThrow(String what, List<Executable> uses) {
        for (int i = 0; i < uses.size(); i++) {
            int k = i;
            var e = assertThrows(IllegalStateException.class, uses.get(i), () -> what + " use #" + k);
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), what + " use #" + k + ": no message");
        }
    }

    @Test
    void tape() {
        Arena arena = Arena.ofConfined();
        Tensor t = Tensor.of(arena, new float[] {1, 2}, 2);
        Tape tape = new Tape();
        Var x = tape.leaf(t);
        Var loss = Ops.sum(tape, Ops.tanh(tape, x));
        tape.close();
        tape.close();
        allThrow("tape", List.of(() -> tape.input(t), () -> tape.leaf(t), () -> tape.scalar(1f), tape::reset,
                tape::noGrad, () -> Ops.add(tape, x, x), () -> tape.backward(loss)));
        arena.close();
        try (Tape live = new Tape()) {
            allThrow("closed input tensor", List.of(() -> live.input(t), () -> live.leaf(t)));
        }
    }

    @Test
    void safeTensorsFile() throws Exception {
        Path p = dir.resolve("w.safetensors");
        new SafeTensorsWriter().add("w", new float[] {1, 2, 3}, new int[] {3}, DType.F32).write(p);
        SafeTensorsFile f = SafeTensorsFile.open(p);
        f.close();
        f.close();
        try (Arena arena = Arena.ofConfined()) {
            Tensor dst = Tensor.allocate(arena, 3);
            allThrow("safetensors", List.of(() -> f.floats("w"), () -> f.tensor("w", arena), () -> f.readInto("w", dst)));
        }
    }

    @Test
    void modulesStatesAndOptimizers() {
        Linear lin = new Linear(3, 2, 1);
        List<Parameter> params = lin.parameters();
        Adam adam = new Adam(params, 1e-3f);
        Sgd sgd = new Sgd(params, 1e-2f);
        adam.close();
        adam.close();
        sgd.close();
        sgd.close();
        allThrow("optimizer", List.of(adam::step, sgd::step));
        lin.close();
        lin.close();
        try (Tape tape = new Tape(); Arena arena = Arena.ofConfined()) {
            Var x = tape.input(Tensor.allocate(arena, 4, 3));
            allThrow("linear", List.of(() -> lin.forward(tape, x), () -> params.get(0).zeroGrad()));

            StackShape shape = new StackShape(CellType.LSTM, 3, 4, 1, false, 0);
            Recurrent rnn = new Recurrent(shape);
            RecurrentState state = new RecurrentState(shape, 2);
            Var seq = tape.input(Tensor.allocate(arena, 5, 2, 3));
            rnn.forward(tape, seq, state.h0(tape), state.c0(tape));
            rnn.close();
            rnn.close();
            state.close();
            state.close();
            allThrow("recurrent", List.of(() -> rnn.forward(tape, seq, null, null), () -> state.h0(tape),
                    state::reset));
        }
    }
}
