package dev.gatun.cli;

import dev.gatun.examples.Examples;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code gatun example [NAME [--key value ...]]}: the seed notes' models as runnable examples (the {@code examples}
 * module); without a name, lists them.
 */
@Command(name = "example", description = "Run one of the seed notes' examples (no NAME: list them).")
final class ExampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Example to run (omit to list them).")
    String name;

    @Unmatched
    List<String> options = new ArrayList<>();

    @Override
    public Integer call() {
        PrintStream out = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true,
                StandardCharsets.UTF_8);
        if (name == null || name.equals("list")) {
            out.println("Examples (run one: gatun example NAME [--key value ...]):");
            Examples.list(out);
            return 0;
        }
        Examples.run(name, options.toArray(String[]::new), out);
        return 0;
    }

    /** Bytes to picocli's writer, so tests capture the output like every other command's. */
    private static final class WriterOutputStream extends java.io.OutputStream {
        private final java.io.PrintWriter writer;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        WriterOutputStream(java.io.PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public void flush() {
            writer.write(line.toString(StandardCharsets.UTF_8));
            writer.flush();
            line.reset();
        }
    }
}
