package dev.gatun.blas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Chooses {@code OPENBLAS_CORETYPE} before the first OpenBLAS load in this process.
 *
 * <p>Why: DYNAMIC_ARCH builds of OpenBLAS pick their kernels from the CPUID they know. Newer and virtualized
 * AVX-512 CPUs (AMD Zen 4/5, some cloud Xeons) are reported as Haswell or even Prescott, which runs AVX2 or SSE3
 * kernels at a fraction of the speed. If the environment does not already say which core to use and the CPU has
 * AVX-512 F, VL, BW and DQ, Gatun sets {@code OPENBLAS_CORETYPE=SKYLAKEX} through libc {@code setenv} (Java cannot
 * change its own environment), which OpenBLAS reads when the library is loaded.
 *
 * <p>An {@code OPENBLAS_CORETYPE} already in the environment is the user's choice and is kept; when it names a
 * core without AVX-512 on a CPU that has it (a leftover {@code Haswell}, say), the decision carries a warning that
 * says how to get the fast kernels. {@code -Dgatun.openblas.coretype=auto} leaves the environment and OpenBLAS's own
 * detection alone; {@code =detect} removes {@code OPENBLAS_CORETYPE} from this process so OpenBLAS detects the core
 * from CPUID (what the benchmarks compare the fix against); {@code =NAME} sets that name. The environment is
 * process-wide, so the first decision holds for every library loaded later in this JVM.
 */
final class CoreType {

    private CoreType() {
    }

    static final String ENV = "OPENBLAS_CORETYPE";
    static final String AVX512_CORE = "SKYLAKEX";
    static final List<String> AVX512_FLAGS = List.of("avx512f", "avx512vl", "avx512bw", "avx512dq");
    /** OpenBLAS's core names (OPENBLAS_CORETYPE, any case) whose kernels use AVX-512. */
    static final Set<String> AVX512_CORES = Set.of("SKYLAKEX", "COOPERLAKE", "SAPPHIRERAPIDS");
    private static final Pattern CORE_NAME = Pattern.compile("[A-Za-z0-9_]{1,32}");

    /**
     * The core type in effect for libraries loaded from now on.
     *
     * @param coreType the value of {@code OPENBLAS_CORETYPE}, or {@code "auto"} if unset
     * @param setByGatun whether Gatun set it
     * @param detail why
     * @param warning true when the core type in effect is likely slower than what the CPU can run (log loudly)
     */
    record Decision(String coreType, boolean setByGatun, String detail, boolean warning) {
        Decision(String coreType, boolean setByGatun, String detail) {
            this(coreType, setByGatun, detail, false);
        }
    }

    private static Decision decision;

    /**
     * Applies the core-type fix once per process; later calls return the first decision whatever they pass.
     *
     * @param property the value of {@code gatun.openblas.coretype}, or {@code null}
     */
    static synchronized Decision apply(String property) {
        if (decision == null) {
            decision = decide(property == null ? "" : property.strip(), Path.of("/proc/cpuinfo"));
        }
        return decision;
    }

    /** {@return the decision made so far, or {@code null} if no library load has been attempted} */
    static synchronized Decision current() {
        return decision;
    }

    private static Decision decide(String property, Path cpuinfo) {
        String env;
        try {
            env = LibC.getenv(ENV);
        } catch (RuntimeException | LinkageError e) {
            return new Decision("auto", false, "could not read " + ENV + " (" + e + "); OpenBLAS detects the core");
        }
        if (property.equalsIgnoreCase("detect")) {
            if (env != null) {
                try {
                    LibC.unsetenv(ENV);
                } catch (RuntimeException | LinkageError e) {
                    return new Decision(env, false, "could not unset " + ENV + "=" + env + " (" + e + ")");
                }
            }
            return new Decision("auto", false, "-D" + BlasSettings.CORETYPE + "=detect: OpenBLAS detects the core"
                    + (env == null ? "" : " (" + ENV + "=" + env + " removed from this process)"));
        }
        if (property.equalsIgnoreCase("auto")) {
            return env == null
                    ? new Decision("auto", false, "-D" + BlasSettings.CORETYPE + "=auto: OpenBLAS detects the core")
                    : new Decision(env, false, ENV + "=" + env + " from the environment");
        }
        if (!property.isEmpty()) {
            if (!CORE_NAME.matcher(property).matches()) {
                return new Decision(env == null ? "auto" : env, false, "ignored -D" + BlasSettings.CORETYPE + "="
                        + property + " (expected auto, detect or an OpenBLAS core name such as SKYLAKEX, HASWELL, "
                        + "ZEN)");
            }
            return set(property, true, "-D" + BlasSettings.CORETYPE + "=" + property
                    + (env == null ? "" : " (replacing " + ENV + "=" + env + " from the environment)"));
        }
        Set<String> flags = cpuFlags(cpuinfo);
        if (env != null) {
            boolean avx512Cpu = flags.containsAll(AVX512_FLAGS);
            if (avx512Cpu && !AVX512_CORES.contains(env.strip().toUpperCase(java.util.Locale.ROOT))) {
                return new Decision(env, false, ENV + "=" + env + " from the environment, although this CPU has "
                        + String.join("/", AVX512_FLAGS) + ": OpenBLAS runs slower kernels than it could (about half"
                        + " the sgemm speed on Zen 5); unset " + ENV + " or pass -D" + BlasSettings.CORETYPE + "="
                        + AVX512_CORE + " for its AVX-512 kernels", true);
            }
            return new Decision(env, false, ENV + "=" + env + " from the environment");
        }
        if (flags.containsAll(AVX512_FLAGS)) {
            return set(AVX512_CORE, false, "CPU has " + String.join("/", AVX512_FLAGS)
                    + ", which OpenBLAS may mis-detect (-D" + BlasSettings.CORETYPE + "=auto to keep its detection)");
        }
        return new Decision("auto", false, flags.isEmpty()
                ? "no CPU flags in " + cpuinfo + ": OpenBLAS detects the core"
                : "no AVX-512 F/VL/BW/DQ: OpenBLAS detects the core");
    }

    private static Decision set(String value, boolean overwrite, String why) {
        try {
            LibC.setenv(ENV, value, overwrite);
        } catch (RuntimeException | LinkageError e) {
            return new Decision("auto", false, "could not set " + ENV + "=" + value + " (" + e + ")");
        }
        // Re-read: without overwrite another thread may have set it first.
        String now = LibC.getenv(ENV);
        boolean ours = value.equals(now);
        return new Decision(now == null ? "auto" : now, ours, ours ? why : ENV + "=" + now + " set concurrently");
    }

    /** {@return the flags of the first CPU in a /proc/cpuinfo-style file, or an empty set if unreadable} */
    static Set<String> cpuFlags(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .map(l -> Set.copyOf(Arrays.asList(l.substring(l.indexOf(':') + 1).strip().split("\\s+"))))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }
}
