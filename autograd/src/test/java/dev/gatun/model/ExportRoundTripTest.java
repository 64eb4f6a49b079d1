package dev.gatun.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.nn.Recurrent;
import dev.gatun.autograd.optim.Sgd;
import dev.gatun.io.DType;
import dev.gatun.io.SafeTensorsWriter;
import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.kernels.stream.WeightFormat;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gatun-trained models exported for PyTorch: a few SGD steps on a small task, then {@link Model#export} plus the
 * input and Gatun's output into {@code target/torch-export/}, where
 * {@code tools/conformance/gen_goldens.py --verify-export autograd/target/torch-export} loads each into
 * {@code torch.nn.LSTM/GRU/RNN} with {@code load_state_dict(strict=True)} and compares the outputs. Here: the export
 * reloads with the same architecture and numbers.
 */
class ExportRoundTripTest {
    static final Path OUT = Path.of("target", "torch-export");
    private static final int T = 5;
    private static final int B = 2;

    @Test
    void gatunTrainedModelsExportUnderPyTorchNames() throws IOException {
        Files.createDirectories(OUT);
        export("lstm_proj_2layers", new StackShape(CellType.LSTM, 3, 6, 2, false, 2), true, false);
        export("gru_bidir_nobias_batchfirst", new StackShape(CellType.GRU, 4, 5, 1, true, 0), false, true);
        export("rnn_relu_3layers", new StackShape(CellType.RNN_RELU, 2, 7, 3, false, 0), true, false);
    }

    private static void export(String name, StackShape shape, boolean bias, boolean batchFirst) throws IOException {
        float[] x = new float[T * B * shape.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(0.37 * i + name.length());
        }
        try (Recurrent rnn = new Recurrent(shape, 0f, bias, name.hashCode()); Tape tape = new Tape();
             Arena arena = Arena.ofConfined(); Sgd sgd = new Sgd(rnn.parameters(), 0.1f)) {
            Tensor xt = Tensor.of(arena, x, T, B, shape.inputSize());
            Tensor target = Tensor.allocate(arena, T, B, shape.outputSize());
            target.fill(0.25f);
            for (int step = 0; step < 5; step++) {            // train a little: the export is Gatun-trained
                tape.reset();
                sgd.zeroGrad();
                Var y = rnn.forward(tape, tape.input(xt), null, null).output();
                tape.backward(Ops.mse(tape, y, tape.input(target)));
                sgd.step();
            }
            try (Model m = Model.of(null, rnn, null, batchFirst, List.of(), WeightFormat.FP32);
                 Session s = m.newSession()) {
                float[] y = s.forward(x, T, B, null, null).output().data();
                Path model = OUT.resolve(name + ".safetensors");
                m.export(model);
                int width = shape.outputSize();
                float[] xFile = batchFirst ? Sequences.swapLeadingAxes(x, T, B, shape.inputSize()) : x;
                float[] yFile = batchFirst ? Sequences.swapLeadingAxes(y, T, B, width) : y;
                int[] xShape = batchFirst ? new int[] {B, T, shape.inputSize()} : new int[] {T, B, shape.inputSize()};
                int[] yShape = batchFirst ? new int[] {B, T, width} : new int[] {T, B, width};
                new SafeTensorsWriter().add("input", xFile, xShape, DType.F32).add("output", yFile, yShape, DType.F32)
                        .write(OUT.resolve(name + ".io.safetensors"));

                try (Model back = Model.load(model); Session s2 = back.newSession()) {
                    assertEquals(m.architecture(), back.architecture());
                    Goldens.assertClose(name, y, s2.forward(x, T, B, null, null).output().data(), 0, 0);
                }
            }
        }
    }
}
