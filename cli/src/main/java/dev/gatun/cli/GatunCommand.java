package dev.gatun.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gatun} command: one subcommand per job. */
@Command(
        name = "gatun",
        mixinStandardHelpOptions = true,
        versionProvider = GatunCommand.Version.class,
        description = "Recurrent neural networks (RNN, LSTM, GRU) on the CPU, for the JVM.",
        subcommands = {DemoCommand.class, TrainCommand.class, SampleCommand.class, ExampleCommand.class,
            InfoCommand.class, ForwardCommand.class, BackwardCommand.class, EnvCommand.class, SmokeCommand.class,
            CommandLine.HelpCommand.class})
public final class GatunCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call {@code execute} on it without exiting). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new GatunCommand());
        // One clear line on stderr and a non-zero status for bad input, not a stack trace.
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("gatun: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (Boolean.getBoolean("gatun.debug")) {
                ex.printStackTrace(line.getErr());
            }
            return ex instanceof IllegalArgumentException || ex instanceof java.io.IOException ? 2 : 1;
        });
        // Unparsable options (--hidden abc, unknown flags) too: one line naming the option, status 2.
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("gatun: " + ex.getMessage() + " (see '" + c.getCommandSpec().qualifiedName()
                    + " --help')");
            return 2;
        });
        return cl;
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GatunCommand.class.getPackage().getImplementationVersion();
            return new String[] {"gatun " + (v == null ? "dev" : v) + " on Java " + Runtime.version()};
        }
    }
}
