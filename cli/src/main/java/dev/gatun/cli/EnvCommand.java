package dev.gatun.cli;

import dev.gatun.blas.Blas;
import dev.gatun.gemm.Gemm;
import dev.gatun.kernels.Vectorization;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gatun env}: what Gatun found on this machine (JDK, vector width, OpenBLAS, GEMM provider). */
@Command(name = "env", description = "Show the JDK, vector width, OpenBLAS library and GEMM provider Gatun uses.")
final class EnvCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Override
    public Integer call() {
        out().println(describe());
        return 0;
    }

    static String describe() {
        return "Java:     " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")\n"
                + "CPU:      " + Runtime.getRuntime().availableProcessors() + " cores visible\n"
                + "Kernels:  " + Vectorization.describe() + "\n"
                + "BLAS:     " + Blas.info() + "\n"
                + "GEMM:     " + Gemm.provider();
    }
}
