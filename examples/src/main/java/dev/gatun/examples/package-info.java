/**
 * The seed lecture notes' recurrent models as runnable examples, each learning a small synthetic task:
 * {@link dev.gatun.examples.Examples} lists them and runs one by name; every example is also a class with a
 * {@code main} and a {@code run(Options, PrintStream)} that returns its metrics.
 */
package dev.gatun.examples;
