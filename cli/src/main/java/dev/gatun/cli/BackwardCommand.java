package dev.gatun.cli;

import dev.gatun.io.DType;
import dev.gatun.io.SafeTensorsFile;
import dev.gatun.io.SafeTensorsWriter;
import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.model.Model;
import dev.gatun.model.Session;
import dev.gatun.model.Values;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatun backward}: the gradients PyTorch's autograd gives for {@code sum(output * G)}, where output is the
 * recurrent stack's forward output on X and G is {@code output} of the grad file: every parameter under its PyTorch
 * name, and {@code input}, {@code h0}, {@code c0} (LSTM), in the shapes and layout of X (zeros stand for absent
 * h0/c0, whose gradients are still written).
 */
@Command(name = "backward", description = "Gradients of sum(output * G) for every parameter (PyTorch names) and for "
        + "input, h0, c0: X.safetensors + G.safetensors (output) -> D.safetensors.")
final class BackwardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "M.safetensors", description = "Model file.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "X.safetensors",
            description = "Holds input (T, B, I) [(B, T, I) with batch_first], optionally h0 and c0.")
    Path input;

    @Option(names = "--grad-output", required = true, paramLabel = "G.safetensors",
            description = "Holds output: G, the shape of the forward output.")
    Path gradOutput;

    @Option(names = "--output", required = true, paramLabel = "D.safetensors", description = "Written gradients.")
    Path output;

    @Mixin
    ForwardCommand.ModelOptions options;

    @Override
    public Integer call() throws IOException {
        try (Model m = options.load(model); Session s = m.newSession()) {
            ForwardCommand.SequenceInput in = ForwardCommand.SequenceInput.read(input, m.architecture());
            StackShape st = m.architecture().stack();
            ForwardCommand.ModelOptions.requireFile(gradOutput, "grad-output");
            float[] g;
            try (SafeTensorsFile f = SafeTensorsFile.open(gradOutput)) {
                g = in.readSequence(f, gradOutput, "output", st.outputSize());
            }
            Map<String, Values> grads = s.gradients(in.x(), in.steps(), in.batch(), in.h0(), in.c0(), g);
            SafeTensorsWriter w = new SafeTensorsWriter();
            for (Map.Entry<String, Values> e : grads.entrySet()) {
                Values v = e.getValue();
                switch (e.getKey()) {
                    case "input" -> w.add("input", in.toFileLayout(v.data(), st.inputSize()),
                            in.sequenceShape(st.inputSize()), DType.F32);
                    case "h0" -> w.add("h0", v.data(), in.stateShape(st.stateSize()), DType.F32);
                    case "c0" -> w.add("c0", v.data(), in.stateShape(st.hiddenSize()), DType.F32);
                    default -> w.add(e.getKey(), v.data(), v.shape(), DType.F32);
                }
            }
            w.write(output);
            spec.commandLine().getOut().println("wrote " + output + ": " + grads.size() + " gradients");
        }
        return 0;
    }
}
