package dev.gatun.examples;

import java.io.PrintStream;
import java.util.Map;

/** One runnable example: a name for the command line, a one-line description, and a run that reports metrics. */
public interface Example {
    /** The short name ({@code gatun example NAME}). */
    String name();

    /** What it shows, in one line. */
    String description();

    /**
     * Trains and evaluates, printing progress and results to {@code out}.
     *
     * @return the metrics (accuracies, losses), by name, in print order
     */
    Map<String, Double> run(Options options, PrintStream out);
}
