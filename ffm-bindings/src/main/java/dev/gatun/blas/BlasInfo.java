package dev.gatun.blas;

import java.util.Objects;

/**
 * Which OpenBLAS Gatun uses and how it is configured.
 *
 * @param source where the library came from
 * @param path the loaded file as the dynamic linker reports it; empty when {@code source} is {@link Source#NONE}
 * @param coreName {@code openblas_get_corename()}, e.g. {@code "SkylakeX"}; empty when none is loaded
 * @param config {@code openblas_get_config()}, e.g. {@code "OpenBLAS 0.3.21 DYNAMIC_ARCH ..."}; empty when none
 * @param coreType the {@code OPENBLAS_CORETYPE} in effect when the library was loaded, or {@code "auto"} when it was
 *     unset (OpenBLAS detected the core itself); empty when no load was attempted
 * @param coreTypeSetByGatun whether Gatun set {@code OPENBLAS_CORETYPE} in this process
 * @param threads OpenBLAS threads ({@code openblas_get_num_threads()}); 0 when none is loaded
 * @param detail how the decision was made: the loaded version and file, the core-type reasoning, or for
 *     {@link Source#NONE} every source tried and why it failed
 */
public record BlasInfo(Source source, String path, String coreName, String config, String coreType,
                       boolean coreTypeSetByGatun, int threads, String detail) {

    /** Where the OpenBLAS library came from. */
    public enum Source {
        /** The file named by {@code -Dgatun.openblas.path}, or {@link BlasLibrary#loadPath}. */
        EXPLICIT_PATH,
        /** The system library {@code libopenblas.so.0}. */
        SYSTEM,
        /** Extracted from the {@code org.bytedeco:openblas} natives jar on the classpath. */
        BUNDLED,
        /** No OpenBLAS: the kernels module's pure-Java GEMM is used. */
        NONE
    }

    /** Checks the components; {@code null} strings are not allowed (absent values are empty strings). */
    public BlasInfo {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(coreName, "coreName");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(coreType, "coreType");
        Objects.requireNonNull(detail, "detail");
    }

    /** {@return whether an OpenBLAS library is loaded} */
    public boolean available() {
        return source != Source.NONE;
    }

    /**
     * {@return whether OpenBLAS is loaded with kernels that do not use AVX-512 although this CPU has AVX-512
     * F/VL/BW/DQ: a mis-detected CPU, or an {@code OPENBLAS_CORETYPE} such as {@code Haswell} in the environment;
     * its sgemm then runs at about half the speed it could}
     */
    public boolean avx512KernelsUnused() {
        return available() && Avx512Cpu.PRESENT
                && !CoreType.AVX512_CORES.contains(coreName.toUpperCase(java.util.Locale.ROOT));
    }

    private static final class Avx512Cpu {
        static final boolean PRESENT = CoreType.cpuFlags(java.nio.file.Path.of("/proc/cpuinfo"))
                .containsAll(CoreType.AVX512_FLAGS);
    }

    BlasInfo withThreads(int newThreads) {
        return new BlasInfo(source, path, coreName, config, coreType, coreTypeSetByGatun, newThreads, detail);
    }

    /** {@return one line: source, path, core name, core type, threads, config and detail} */
    @Override
    public String toString() {
        if (source == Source.NONE) {
            return "OpenBLAS: none; " + detail;
        }
        return "OpenBLAS: " + source + " " + path
                + ", core " + coreName
                + ", OPENBLAS_CORETYPE=" + coreType + (coreTypeSetByGatun ? " (set by Gatun)" : "")
                + ", threads " + threads
                + ", config '" + config + "'"
                + "; " + detail;
    }
}
