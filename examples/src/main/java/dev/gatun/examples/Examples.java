package dev.gatun.examples;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The examples by name: {@code Examples list} prints them with one-line descriptions, {@code Examples NAME
 * [--key value ...]} runs one.
 */
public final class Examples {
    private Examples() {}

    /** Every example, in the order of the seed notes. */
    public static List<Example> all() {
        return List.of(new TinyRnnGradients(), new AddingProblem(), new SequenceClassification(),
                new Generation(), new ReverseDigits(), new GatedAndConvolutional(), new BidirectionalTagging());
    }

    /** The example called {@code name}. */
    public static Example find(String name) {
        for (Example e : all()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("no example '" + name + "'; examples: "
                + all().stream().map(Example::name).toList());
    }

    /** Prints the names and descriptions. */
    public static void list(PrintStream out) {
        for (Example e : all()) {
            out.printf("  %-10s %s%n", e.name(), e.description());
        }
    }

    /** Runs the example called {@code name} with {@code --key value} arguments; returns its metrics. */
    public static Map<String, Double> run(String name, String[] args, PrintStream out) {
        return find(name).run(Options.parse(args), out);
    }

    /** {@code list}, or {@code NAME [--key value ...]}. */
    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("list")) {
            System.out.println("Examples (run one: Examples NAME [--key value ...]):");
            list(System.out);
            return;
        }
        run(args[0], Arrays.copyOfRange(args, 1, args.length), System.out);
    }
}
