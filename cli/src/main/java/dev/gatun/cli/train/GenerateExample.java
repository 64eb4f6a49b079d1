package dev.gatun.cli.train;

import dev.gatun.autograd.Rng;
import dev.gatun.train.CharLm;
import dev.gatun.train.Checkpoint;
import dev.gatun.train.Generator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The Java that {@code gatun demo} prints to show how to load its checkpoint and generate. The tests run
 * {@link #run} and check that {@link #snippet} prints exactly the lines between the markers below, so the printed
 * code is code that compiles and works.
 */
public final class GenerateExample {
    private GenerateExample() {}

    /** Loads {@code checkpoint} and prints 200 sampled characters after "public " to {@code out}. */
    public static void run(Path checkpoint, PrintStream out) throws IOException {
        // snippet:begin
        try (CharLm lm = Checkpoint.loadModel(checkpoint);
             Generator generator = new Generator(lm)) {
            out.println(generator.sample("public ", 200, 0.8f, new Rng(42)));
        }
        // snippet:end
    }

    /** The lines between the markers, with {@code checkpoint} and {@code out} spelled out for a reader. */
    public static String snippet(Path checkpoint) {
        String path = checkpoint.toString().replace("\\", "\\\\").replace("\"", "\\\"");
        return """
                import dev.gatun.autograd.Rng;
                import dev.gatun.train.*;
                import java.nio.file.Path;

                try (CharLm lm = Checkpoint.loadModel(Path.of("%s"));
                     Generator generator = new Generator(lm)) {
                    System.out.println(generator.sample("public ", 200, 0.8f, new Rng(42)));
                }
                """.formatted(path);
    }
}
