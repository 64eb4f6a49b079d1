package dev.gatun.cli;

import dev.gatun.autograd.Rng;
import dev.gatun.cli.train.OptionChecks;
import dev.gatun.train.CharLm;
import dev.gatun.train.Checkpoint;
import dev.gatun.train.Generator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatun sample}: generates text from a checkpoint of {@code gatun demo} or {@code gatun train}. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Generate text from a character-level model checkpoint (gatun demo / train), one character at "
                + "a time through the batch-1 streaming kernels.")
final class SampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "CKPT", required = true,
            description = "The checkpoint (model.safetensors).")
    Path model;

    @Option(names = "--prime", paramLabel = "TEXT",
            description = "Text to start from; every character must be in the model's vocabulary (default: a newline).",
            defaultValue = "\n", showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER)
    String prime;

    @Option(names = "--length", defaultValue = "500", description = "Characters to generate (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--temperature", description = "Softmax temperature; 0 picks the most likely character "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "0.8")
    float temperature;

    @Option(names = "--seed", description = "Seed of the random draws (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    long seed;

    @Option(names = "--threads", description = "Streaming threads per layer, 1 or 2 (default: ${DEFAULT-VALUE}); "
            + "2 helps only when a layer's weights outgrow one core's L2 cache.", defaultValue = "1")
    int threads;

    @Override
    public Integer call() throws Exception {
        OptionChecks.range("--length", length, 0, 100_000_000);
        OptionChecks.nonNegative("--temperature", temperature);
        OptionChecks.range("--threads", threads, 1, 2);
        if (prime.isEmpty()) {
            throw new IllegalArgumentException("--prime must have at least one character");
        }
        if (!java.nio.file.Files.isRegularFile(model)) {
            throw new IllegalArgumentException("--model: no such file: " + model);
        }
        PrintWriter o = spec.commandLine().getOut();
        try (CharLm lm = Checkpoint.loadModel(model); Generator gen = new Generator(lm, threads)) {
            try {
                lm.vocabulary().encode(prime);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--prime: " + e.getMessage());
            }
            o.print(prime);
            o.println(gen.sample(prime, length, temperature, new Rng(seed)));
            o.flush();
        }
        return 0;
    }
}
