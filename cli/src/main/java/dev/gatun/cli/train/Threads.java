package dev.gatun.cli.train;

import dev.gatun.blas.Blas;
import dev.gatun.gemm.Gemm;
import java.io.PrintWriter;

/**
 * The {@code --threads} of the training commands: what Gatun can parallelize in training is OpenBLAS's GEMMs
 * (the input projections, the head, and the recurrent matmul of each step); the fused gate kernels, the loss and
 * Adam run on the calling thread.
 */
public final class Threads {
    /** Help text shared by the commands. */
    public static final String HELP = "OpenBLAS threads for the training GEMMs (default: ${DEFAULT-VALUE}). Only the "
            + "matrix products run on them; gates, loss and Adam stay on one thread, so N threads give less than "
            + "N times the speed. Ignored when the pure-Java GEMM is in use (it is single-threaded).";

    private Threads() {}

    /** Sets the OpenBLAS thread count, or warns on {@code err} that it cannot. */
    public static void applyBlasThreads(int threads, PrintWriter err) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("--threads must be between 1 and 256, got " + threads);
        }
        if ("openblas".equals(Gemm.provider().name()) && Blas.available()) {
            Blas.setThreads(threads);
        } else if (threads > 1) {
            err.println("gatun: --threads " + threads + " ignored: the GEMM provider is " + Gemm.provider().name()
                    + ", which runs on one thread");
        }
    }
}
