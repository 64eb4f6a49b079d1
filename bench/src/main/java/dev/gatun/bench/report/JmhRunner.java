package dev.gatun.bench.report;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the JMH benchmark of a scenario in this process through JMH's Java API (forks are separate JVMs, as always),
 * logs JMH's own output to {@code jmh.log}, and keeps every result for {@code results.json}.
 */
final class JmhRunner {
    /**
     * {@code -Dgatun.openblas.coretype} of every fork: this process's own setting when given, else {@code SKYLAKEX}
     * on AVX-512 CPUs, the setting the peers run with ({@link PeerRunner}), so that neither side measures the
     * slower kernels an {@code OPENBLAS_CORETYPE} left in the environment would select; else none (Gatun's default).
     */
    static final String FORK_CORE_TYPE = System.getProperty("gatun.openblas.coretype",
            MachineInfo.cpuHasAvx512() ? "SKYLAKEX" : null);

    /**
     * The forks need what the launcher gives every Gatun JVM, and the OpenBLAS core type the peers get
     * ({@link #FORK_CORE_TYPE}).
     */
    static final String[] JVM_FLAGS = forkFlags();   // after FORK_CORE_TYPE: static fields initialize in order

    private static String[] forkFlags() {
        List<String> flags = new ArrayList<>(List.of("--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED"));
        if (FORK_CORE_TYPE != null) {
            flags.add("-Dgatun.openblas.coretype=" + FORK_CORE_TYPE);
        }
        return flags.toArray(String[]::new);
    }

    /** How long and how often to measure. */
    record Settings(String name, int forks, int warmupIterations, TimeValue warmupTime,
                    int measurementIterations, TimeValue measurementTime) {
        /**
         * Several minutes for the whole suite: one fork, short measurements. The warm-up stays at 5 s: until C2 has
         * compiled them, the Vector API kernels run hundreds of times slower, and on a busy 2-core machine the
         * compiler threads get little time (3 s left the first measured iterations of a sequence 20x slow).
         */
        static Settings quick() {
            return new Settings("quick", 1, 5, TimeValue.seconds(1), 5, TimeValue.milliseconds(500));
        }

        /** Three forks, so that a JIT or memory-layout outlier in one fork shows up as spread. */
        static Settings full() {
            return new Settings("full", 3, 5, TimeValue.seconds(2), 10, TimeValue.seconds(1));
        }

        String describe() {
            return forks + (forks == 1 ? " fork" : " forks") + ", warm-up " + warmupIterations + " x " + warmupTime
                    + ", measurement " + measurementIterations + " x " + measurementTime;
        }
    }

    /**
     * What JMH measured for one row of a scenario.
     *
     * @param label what distinguishes this row within its scenario (method and free parameters), empty when the
     *     scenario yields one row
     * @param secondsPerOp the measurement iterations of all forks, converted to seconds per operation
     * @param allocBytesPerOp {@code gc.alloc.rate.norm} when the GC profiler ran, else {@code null}
     * @param opsPerIteration the fewest operations a measurement iteration ran
     */
    record Measured(String label, double[] secondsPerOp, Double allocBytesPerOp, long opsPerIteration) {}

    /** The rows a scenario produced, or why it produced none ({@code problem} non-null). */
    record Outcome(List<Measured> rows, String problem) {
        static Outcome failed(String problem) {
            return new Outcome(List.of(), problem);
        }
    }

    private final Settings settings;
    private final OutputFormat log;
    private final Path resultsJson;
    private final List<RunResult> all = new ArrayList<>();

    JmhRunner(Settings settings, PrintStream log, Path resultsJson) {
        this.settings = settings;
        this.log = OutputFormatFactory.createFormatInstance(log, VerboseMode.NORMAL);
        this.resultsJson = resultsJson;
    }

    /**
     * Why the scenario cannot run in this build (its benchmark class is missing, or lacks a parameter the scenario
     * sets), or {@code null} when it can.
     */
    String whyNotRunnable(Scenario scenario) {
        SortedSet<BenchmarkListEntry> entries;
        try {
            entries = BenchmarkList.defaultList().find(log, List.of(include(scenario)), List.of());
        } catch (RuntimeException e) {
            return "no JMH benchmark list on the classpath (run from bench/target/benchmarks.jar): " + e.getMessage();
        }
        if (entries.isEmpty()) {
            return "not run: " + scenario.benchmark().substring(scenario.benchmark().lastIndexOf('.') + 1)
                    + " is not in this build";
        }
        for (BenchmarkListEntry entry : entries) {
            TreeSet<String> declared = new TreeSet<>(
                    entry.getParams().hasValue() ? entry.getParams().get().keySet() : List.of());
            for (String param : scenario.params().keySet()) {
                if (!declared.contains(param)) {
                    return "not run: " + simpleName(entry.getUsername()) + " has no @Param '" + param + "' (it has "
                            + (declared.isEmpty() ? "none" : String.join(", ", declared)) + ")";
                }
            }
        }
        return null;
    }

    /** Runs one scenario; a missing benchmark or parameter, or a failing benchmark, is an outcome, not an error. */
    Outcome run(Scenario scenario) {
        String problem = whyNotRunnable(scenario);
        if (problem != null) {
            return Outcome.failed(problem);
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include(scenario))
                .forks(settings.forks())
                .warmupIterations(settings.warmupIterations() * scenario.group().warmupFactor)
                .warmupTime(settings.warmupTime())
                .measurementIterations(settings.measurementIterations())
                .measurementTime(settings.measurementTime())
                .jvmArgsPrepend(JVM_FLAGS)
                .shouldFailOnError(true);
        scenario.params().forEach(options::param);
        if (scenario.group().profileAllocation) {
            options.addProfiler(GCProfiler.class);
        }
        Collection<RunResult> results;
        try {
            results = new Runner(options.build(), log).run();
        } catch (RunnerException e) {
            return Outcome.failed("failed (see jmh.log): " + rootMessage(e));
        }
        all.addAll(results);
        writeResults();

        List<Measured> rows = new ArrayList<>();
        boolean severalMethods = results.stream().map(r -> r.getParams().getBenchmark()).distinct().count() > 1;
        for (RunResult r : results) {
            rows.add(new Measured(label(r, scenario.params(), severalMethods), secondsPerOp(r), allocation(r),
                    opsPerIteration(r)));
        }
        if (rows.isEmpty()) {
            return Outcome.failed("JMH returned no result (see jmh.log)");
        }
        return new Outcome(rows, null);
    }

    /** Every {@code @Benchmark} method of the scenario's class. */
    private static String include(Scenario scenario) {
        return "^" + Pattern.quote(scenario.benchmark()) + "\\.\\w+$";
    }

    /** Rewrites {@code results.json} with every result so far, in JMH's own JSON format. */
    private void writeResults() {
        ResultFormatFactory.getInstance(ResultFormatType.JSON, resultsJson.toString()).writeOut(all);
    }

    /** The measurement iterations of all forks, in seconds per operation. */
    static double[] secondsPerOp(RunResult r) {
        List<Double> s = new ArrayList<>();
        for (BenchmarkResult fork : r.getBenchmarkResults()) {
            for (IterationResult it : fork.getIterationResults()) {
                Result<?> p = it.getPrimaryResult();
                s.add(toSecondsPerOp(p.getScore(), p.getScoreUnit()));
            }
        }
        return s.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The fewest operations any measurement iteration ran, or 0 when JMH did not say. */
    private static long opsPerIteration(RunResult r) {
        long fewest = Long.MAX_VALUE;
        for (BenchmarkResult fork : r.getBenchmarkResults()) {
            for (IterationResult it : fork.getIterationResults()) {
                if (it.getMetadata() != null) {
                    fewest = Math.min(fewest, it.getMetadata().getMeasuredOps());
                }
            }
        }
        return fewest == Long.MAX_VALUE ? 0 : fewest;
    }

    /** Converts a JMH score to seconds per operation: {@code "us/op"}-style times or {@code "ops/s"}-style rates. */
    static double toSecondsPerOp(double score, String unit) {
        String[] parts = unit.split("/");
        if (parts.length == 2 && parts[1].equals("op")) {
            return score * seconds(parts[0], unit);
        }
        if (parts.length == 2 && parts[0].equals("ops")) {
            return seconds(parts[1], unit) / score;
        }
        throw new IllegalArgumentException("unknown JMH score unit '" + unit + "'");
    }

    private static double seconds(String timeUnit, String unit) {
        return switch (timeUnit) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            case "ns" -> 1e-9;
            case "min" -> 60;
            default -> throw new IllegalArgumentException("unknown JMH score unit '" + unit + "'");
        };
    }

    /** {@code gc.alloc.rate.norm} (bytes per operation) when the GC profiler ran. */
    private static Double allocation(RunResult r) {
        for (String key : r.getSecondaryResults().keySet()) {
            if (key.endsWith("gc.alloc.rate.norm")) {
                return r.getSecondaryResults().get(key).getScore();
            }
        }
        return null;
    }

    /** The method (when the class has several) and the parameters the scenario left free. */
    private static String label(RunResult r, Map<String, String> fixed, boolean withMethod) {
        List<String> parts = new ArrayList<>();
        if (withMethod) {
            String benchmark = r.getParams().getBenchmark();
            parts.add(benchmark.substring(benchmark.lastIndexOf('.') + 1));
        }
        for (String key : r.getParams().getParamsKeys()) {
            if (!fixed.containsKey(key)) {
                parts.add(key + "=" + r.getParams().getParam(key));
            }
        }
        return String.join(" ", parts);
    }

    /** {@code "Class.method"} of a benchmark's qualified name. */
    private static String simpleName(String qualified) {
        String[] parts = qualified.split("\\.");
        return parts.length < 2 ? qualified : parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage()).lines().findFirst().orElse(t.toString());
    }
}
