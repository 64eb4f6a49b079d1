package dev.gatun.bench.report;

import dev.gatun.blas.Blas;
import dev.gatun.blas.BlasInfo;
import dev.gatun.kernels.Vectorization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a reader needs to judge the numbers: the CPU and its vector extensions, caches, memory, JDK, the BLAS Gatun
 * loaded and its core type, the vector width of Gatun's kernels, and the code that was measured. The BLAS and vector
 * lines come from a child JVM started like a JMH fork ({@link Probe}): loading OpenBLAS sets
 * {@code OPENBLAS_CORETYPE} in the loading process, and the report process must not pass that on to the forks.
 *
 * @param cpu the model name from {@code /proc/cpuinfo}
 * @param cores available processors
 * @param vectorFlags the CPU's AVX-512 and AMX flags
 * @param caches cpu0's data and unified caches, e.g. {@code "L1d 48K, L2 2048K, L3 307200K"}
 * @param memory total memory
 * @param os operating system, version and architecture
 * @param jdk {@code Runtime.version()} and the VM
 * @param blas which OpenBLAS Gatun uses, its core and thread count
 * @param vector {@code Vectorization.describe()}
 * @param commit the repository's commit and whether the tree has changes, or why unknown
 */
record MachineInfo(String cpu, int cores, List<String> vectorFlags, String caches, String memory, String os,
                   String jdk, String blas, String vector, String commit) {

    /** {@return whether the CPU has AVX-512 F} */
    boolean avx512() {
        return vectorFlags.contains("avx512f");
    }

    /** {@return whether /proc/cpuinfo lists AVX-512 F, VL, BW and DQ (the flags of OpenBLAS's SKYLAKEX kernels)} */
    static boolean cpuHasAvx512() {
        List<String> flags = Arrays.asList(field(lines(Path.of("/proc/cpuinfo")), "flags").split("\\s+"));
        return flags.containsAll(List.of("avx512f", "avx512vl", "avx512bw", "avx512dq"));
    }

    static MachineInfo probe(Path repoRoot) {
        List<String> cpuinfo = lines(Path.of("/proc/cpuinfo"));
        String cpu = field(cpuinfo, "model name");
        List<String> flags = Arrays.stream(field(cpuinfo, "flags").split("\\s+"))
                .filter(f -> f.startsWith("avx512") || f.startsWith("amx"))
                .toList();
        String memory = field(lines(Path.of("/proc/meminfo")), "MemTotal");   // "24730032 kB"
        List<String> fork = probeFork();
        return new MachineInfo(cpu.isEmpty() ? "unknown" : cpu, Runtime.getRuntime().availableProcessors(), flags,
                probeCaches(), memory.endsWith(" kB") ? String.format(Locale.ROOT, "%.1f GiB",
                        Long.parseLong(memory.substring(0, memory.length() - 3).trim()) / 1048576.0) : "unknown",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                "JDK " + Runtime.version() + ", " + System.getProperty("java.vm.name") + " ("
                        + System.getProperty("java.vendor") + ")",
                fork.size() == 2 ? fork.get(0) : "unknown (" + String.join(" ", fork) + ")",
                fork.size() == 2 ? fork.get(1) : "unknown", commit(repoRoot));
    }

    /** Prints {@link #describeBlas()} and {@code Vectorization.describe()}, one line each, as a fork sees them. */
    public static final class Probe {
        private Probe() {}

        public static void main(String[] args) {
            System.out.println(describeBlas());
            System.out.println(Vectorization.describe());
        }
    }

    /** Runs {@link Probe} in a child JVM with the forks' flags and this classpath; returns its lines. */
    private static List<String> probeFork() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(List.of(JmhRunner.JVM_FLAGS));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        List<String> out = run(command);
        return out == null ? List.of("probe failed") : out;
    }

    /** {@return the 1, 5 and 15 minute load averages, showing how busy the shared machine was} */
    static String loadAverage() {
        List<String> l = lines(Path.of("/proc/loadavg"));
        if (l.isEmpty()) {
            return "unknown";
        }
        String[] f = l.get(0).split("\\s+");
        return f.length < 3 ? l.get(0) : f[0] + " " + f[1] + " " + f[2];
    }

    /** One line on the OpenBLAS that Gatun uses in this JVM (loading it, and so fixing its core type, if need be). */
    static String describeBlas() {
        try {
            BlasInfo i = Blas.info();
            if (!i.available()) {
                return "none, pure-Java GEMM (" + i.detail() + ")";
            }
            return i.config() + ", " + i.source().name().toLowerCase(Locale.ROOT) + " library " + i.path()
                    + "; core " + i.coreName() + ", OPENBLAS_CORETYPE=" + i.coreType()
                    + (i.coreTypeSetByGatun() ? " (set by Gatun)" : "") + "; " + i.threads()
                    + (i.threads() == 1 ? " thread" : " threads");
        } catch (RuntimeException | LinkageError e) {
            return "unknown (" + e + ")";
        }
    }

    /** Data and unified caches of cpu0, from sysfs. */
    private static String probeCaches() {
        List<String> out = new ArrayList<>();
        Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path index : entries.filter(p -> p.getFileName().toString().startsWith("index")).sorted().toList()) {
                String type = first(index.resolve("type"));
                if (type.equals("Instruction")) {
                    continue;
                }
                out.add("L" + first(index.resolve("level")) + (type.equals("Data") ? "d" : "") + " "
                        + first(index.resolve("size")));
            }
        } catch (IOException e) {
            // Some VMs have no cache folder in sysfs; /proc/cpuinfo still gives one size (L2 on x86).
        }
        if (out.isEmpty()) {
            String size = field(lines(Path.of("/proc/cpuinfo")), "cache size");
            return size.isEmpty() ? "unknown" : "cache size " + size + " (/proc/cpuinfo; no cache folder in sysfs)";
        }
        return String.join(", ", out);
    }

    private static String commit(Path repoRoot) {
        String head = git(repoRoot, "rev-parse", "--short", "HEAD");
        if (head == null) {
            return "unknown (not a git checkout)";
        }
        String status = git(repoRoot, "status", "--porcelain", "--untracked-files=no");
        return head + (status == null || status.isEmpty() ? "" : " with uncommitted changes");
    }

    private static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        List<String> out = run(command);
        return out == null ? null : String.join("\n", out).trim();
    }

    /** Runs a command to its end; returns its standard output lines, or {@code null} when it failed. */
    private static List<String> run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The value of the first {@code key : value} line with this key, or empty. */
    static String field(List<String> lines, String key) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String first(Path file) {
        List<String> l = lines(file);
        return l.isEmpty() ? "?" : l.get(0).trim();
    }
}
