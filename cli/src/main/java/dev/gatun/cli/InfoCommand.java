package dev.gatun.cli;

import dev.gatun.kernels.sequence.StackShape;
import dev.gatun.model.Architecture;
import dev.gatun.model.Model;
import dev.gatun.model.Values;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gatun info MODEL}: the architecture inferred from a state_dict, its tensors and parameter count. */
@Command(name = "info", description = "Print the architecture inferred from a model file (PyTorch state_dict or "
        + "Gatun checkpoint) and its parameter count.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file (.safetensors).")
    Path model;

    @Mixin
    ForwardCommand.ModelOptions options;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (Model m = options.load(model)) {
            Architecture a = m.architecture();
            StackShape s = a.stack();
            out.println("model:        " + model);
            out.println("architecture: " + a.describe());
            out.println("cell:         " + ForwardCommand.ModelOptions.cellName(a.cell()) + ", " + s.layers() + " layer(s), "
                    + s.directions() + " direction(s), input_size " + s.inputSize() + ", hidden_size "
                    + s.hiddenSize() + (s.projSize() > 0 ? ", proj_size " + s.projSize() : "")
                    + ", bias " + a.bias() + ", batch_first " + a.batchFirst());
            out.println("embedding:    " + (a.hasEmbedding() ? a.vocabularySize() + " x " + s.inputSize() : "none"));
            out.println("head:         " + (a.hasHead() ? "Linear(" + s.outputSize() + ", " + a.outputSize()
                    + (a.headBias() ? ")" : ", bias=False)") : "none"));
            out.println("streaming:    " + (m.canStream() ? "yes (batch-1 sessions)"
                    : "no (bidirectional: whole sequences only)"));
            out.printf("parameters:   %,d%n", m.parameterCount());
            if (!m.vocab().isEmpty()) {
                out.println("vocabulary:   " + m.vocab().size() + " entries");
            }
            out.println("tensors:");
            for (Map.Entry<String, Values> e : m.stateDict().entrySet()) {
                out.println("  " + e.getKey() + " " + Arrays.toString(e.getValue().shape()));
            }
            if (!m.ignoredTensors().isEmpty()) {
                out.println("ignored:      " + m.ignoredTensors());
            }
            for (Map.Entry<String, String> e : m.metadata().entrySet()) {
                if (!e.getKey().equals("gatun.vocab")) {
                    out.println("metadata:     " + e.getKey() + " = " + e.getValue());
                }
            }
        }
        return 0;
    }
}
