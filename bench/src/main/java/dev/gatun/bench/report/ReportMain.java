package dev.gatun.bench.report;

import dev.gatun.bench.report.JmhRunner.Measured;
import dev.gatun.bench.report.JmhRunner.Outcome;
import dev.gatun.bench.report.PeerRunner.PeerResult;
import dev.gatun.bench.report.Scenario.Group;
import dev.gatun.bench.report.Scenario.Peer;
import dev.gatun.bench.report.Scenario.PeerCall;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * Runs the report's scenarios (JMH in this process, the peers right after each scenario, so that both are measured in
 * one run on the same machine state) and writes a report folder: {@code report.md}, one chart per group,
 * {@code results.json} (JMH's JSON), {@code peers.jsonl} and {@code jmh.log}. See {@code bench/README.md}.
 */
public final class ReportMain {
    private static final String USAGE = """
            usage: ./gatun java -cp bench/target/benchmarks.jar dev.gatun.bench.report.ReportMain [options]
              --quick        1 fork, 5 x 1 s warm-up, 5 x 0.5 s measurement (the default; ~10 min in all)
              --full         3 forks, 5 x 2 s warm-up, 10 x 1 s measurement (~45 min in all)
              --out DIR      the report folder; must be new or empty (default reports/<date>-<mode>)
              --only REGEX   only the scenarios whose id contains a match (see --list)
              --no-peers     do not run PyTorch, oneDNN or the C sgemm harness
              --peers DIR    the folder of torch_rnn_bench.py and onednn_rnn_bench.cpp
                             (default: $GATUN_PEERS, else ../shared/peers beside the repository)
              --list         print the scenario ids and exit
            """;

    private ReportMain() {}

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("gatun report: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (o.help()) {
            System.out.print(USAGE);
            return;
        }
        List<Scenario> scenarios = Scenarios.all().stream().filter(s -> o.only().matcher(s.id()).find()).toList();
        if (o.list()) {
            scenarios.forEach(s -> System.out.printf("%-34s %s: %s%n", s.id(), s.group().name().toLowerCase(Locale.ROOT),
                    s.title()));
            return;
        }
        if (scenarios.isEmpty()) {
            System.err.println("gatun report: no scenario id matches '" + o.only() + "' (--list shows them)");
            System.exit(2);
        }
        ZonedDateTime started = ZonedDateTime.now();
        Path out = o.out() != null ? o.out() : Path.of("reports",
                started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm")) + "-" + o.settings().name());
        if (Files.isDirectory(out)) {
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    System.err.println("gatun report: " + out + " is not empty; choose a new --out folder");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        run(o, scenarios, out, started, Arrays.stream(args).map(ReportMain::shellQuoted).toList());
    }

    private static void run(Options o, List<Scenario> scenarios, Path out, ZonedDateTime started, List<String> args)
            throws IOException {
        Path root = repositoryRoot();
        System.out.println("gatun report: " + scenarios.size() + " scenarios, " + o.settings().describe()
                + "; writing " + out + " (JMH output: " + out.resolve("jmh.log") + ")");
        MachineInfo machine = MachineInfo.probe(root);
        String loadAtStart = MachineInfo.loadAverage();
        List<String> notes = new ArrayList<>();
        List<Row> rows = new ArrayList<>();

        try (PrintStream log = new PrintStream(Files.newOutputStream(out.resolve("jmh.log")), true);
             PeerRunner peers = peerRunner(o, root, out, machine, notes)) {
            JmhRunner jmh = new JmhRunner(o.settings(), log, out.resolve("results.json"));
            MachineLock lock = new MachineLock(System.out);
            for (int i = 0; i < scenarios.size(); i++) {
                Scenario s = scenarios.get(i);
                System.out.printf("[%d/%d] %s%n", i + 1, scenarios.size(), s.id());
                List<Row> scenarioRows = measure(s, jmh, peers, lock);
                scenarioRows.forEach(r -> System.out.println("      " + summary(r)));
                rows.addAll(scenarioRows);
                // Rewritten after every scenario, so that an interrupted run still leaves a readable report.
                String status = i + 1 < scenarios.size()
                        ? "in progress: " + (i + 1) + " of " + scenarios.size() + " scenarios done" : "complete";
                Map<Group, String> charts = new EnumMap<>(Group.class);
                List<String> allNotes = new ArrayList<>(notes);
                allNotes.addAll(peers.notes());
                allNotes.addAll(drawCharts(out, rows, charts));
                ReportWriter.Header header = new ReportWriter.Header(
                        started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")), command(args),
                        o.settings().describe(), machine, loadAtStart, status, peers.versions(), allNotes);
                Files.writeString(out.resolve("report.md"), ReportWriter.markdown(header, rows, charts));
            }
        }
        System.out.println("gatun report: " + out.resolve("report.md"));
    }

    /**
     * Runs the scenario's benchmark, then (only if it ran) its peers, each when no other JMH run holds the machine
     * lock; JMH takes the lock itself, the peers run while this process holds it.
     */
    private static List<Row> measure(Scenario s, JmhRunner jmh, PeerRunner peers, MachineLock lock) {
        String busy = "not run: another JMH run held " + MachineLock.FILE + " for " + MachineLock.PATIENCE.toMinutes()
                + " minutes";
        String notRunnable = jmh.whyNotRunnable(s);
        if (notRunnable != null) {
            return List.of(new Row(s, "", null, null, 0, Map.of(), notRunnable));
        }
        Outcome outcome = lock.await(false, () -> jmh.run(s));
        for (int attempt = 1; outcome != null && MachineLock.lostRace(outcome.problem()) && attempt < 10; attempt++) {
            outcome = lock.await(false, () -> jmh.run(s));     // another run took the lock between our check and JMH's
        }
        if (outcome == null || outcome.problem() != null) {
            return List.of(new Row(s, "", null, null, 0, Map.of(), outcome == null ? busy : outcome.problem()));
        }
        Map<Peer, PeerResult> peerResults = lock.await(true, () -> {
            Map<Peer, PeerResult> r = new EnumMap<>(Peer.class);
            for (PeerCall call : s.peers()) {
                r.put(call.peer(), peers.run(call, s.group().metric));
            }
            return r;
        });
        if (peerResults == null) {
            peerResults = new EnumMap<>(Peer.class);
            for (PeerCall call : s.peers()) {
                peerResults.put(call.peer(), PeerResult.failed(busy));
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Measured m : outcome.rows()) {
            double[] values = Arrays.stream(m.secondsPerOp())
                    .map(sec -> s.group().metric.fromSecondsPerOp(sec, s.workPerOp())).toArray();
            rows.add(new Row(s, m.label(), Estimate.of(values), m.allocBytesPerOp(), m.opsPerIteration(), peerResults,
                    null));
        }
        return rows;
    }

    /**
     * Draws one chart per group into {@code out} and records their file names in {@code charts}; a chart that cannot
     * be drawn becomes a note (returned), not a failure.
     */
    private static List<String> drawCharts(Path out, List<Row> rows, Map<Group, String> charts) {
        List<String> notes = new ArrayList<>();
        for (Group g : Group.values()) {
            List<Row> groupRows = rows.stream().filter(r -> r.scenario().group() == g).toList();
            try {
                if (Charts.write(g, groupRows, out)) {
                    charts.put(g, Charts.fileName(g));
                }
            } catch (IOException | RuntimeException | LinkageError e) {
                notes.add("Chart for " + g.title + " not drawn: " + e);
            }
        }
        return notes;
    }

    private static PeerRunner peerRunner(Options o, Path root, Path out, MachineInfo machine, List<String> notes)
            throws IOException {
        Path jsonl = out.resolve("peers.jsonl");
        if (o.noPeers()) {
            return PeerRunner.disabled(jsonl);
        }
        Path dir;
        String source;
        if (o.peers() != null) {
            dir = o.peers();
            source = "--peers";
        } else if (System.getenv("GATUN_PEERS") != null && !System.getenv("GATUN_PEERS").isBlank()) {
            dir = Path.of(System.getenv("GATUN_PEERS"));
            source = "$GATUN_PEERS";
        } else {
            dir = root.resolve("../shared/peers").normalize();
            source = "default";
        }
        if (Files.isDirectory(dir)) {
            notes.add("Peers from " + dir.toAbsolutePath() + " (" + source + ").");
            return new PeerRunner(dir, null, root.resolve("bench/native"), jsonl, machine.avx512());
        }
        return new PeerRunner(null, "no peers folder at " + dir.toAbsolutePath() + " (" + source
                + "; set --peers DIR or GATUN_PEERS)", root.resolve("bench/native"), jsonl, machine.avx512());
    }

    /** The repository holding this class's jar ({@code ROOT/bench/target/benchmarks.jar}), else the working folder. */
    static Path repositoryRoot() {
        try {
            Path code = Path.of(ReportMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = code.getParent() == null ? null : code.getParent().getParent();
            root = root == null ? null : root.getParent();    // bench/target/{benchmarks.jar,classes} -> root
            if (root != null && Files.isRegularFile(root.resolve("bench/pom.xml"))) {
                return root;
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the working folder
        }
        return Path.of("").toAbsolutePath();
    }

    private static String summary(Row r) {
        if (r.gatun() == null) {
            return r.problem();
        }
        StringBuilder sb = new StringBuilder(r.name()).append(": Gatun ")
                .append(ReportWriter.number(r.gatun().median())).append(' ').append(r.metric().unit)
                .append(" ±").append(ReportWriter.percent(r.gatun().relativeError()));
        r.peers().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sb.append(", ")
                .append(e.getKey().label).append(' ')
                .append(e.getValue().ok() ? ReportWriter.number(e.getValue().value()) : "not measured"));
        return sb.toString();
    }

    /** The command line as it can be pasted into a shell. */
    private static String command(List<String> args) {
        List<String> words = new ArrayList<>(List.of("./gatun", "java", "-cp", "bench/target/benchmarks.jar",
                ReportMain.class.getName()));
        words.addAll(args);
        return String.join(" ", words);
    }

    private static String shellQuoted(String arg) {
        return arg.matches("[A-Za-z0-9_./=:-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    /** The command line. */
    record Options(JmhRunner.Settings settings, Path out, Pattern only, boolean noPeers, Path peers, boolean list,
                   boolean help) {
        static Options parse(String[] args) {
            JmhRunner.Settings settings = JmhRunner.Settings.quick();
            Path out = null;
            Path peers = null;
            Pattern only = Pattern.compile("");
            boolean noPeers = false;
            boolean list = false;
            boolean help = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> settings = JmhRunner.Settings.quick();
                    case "--full" -> settings = JmhRunner.Settings.full();
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    case "--peers" -> peers = Path.of(value(args, ++i, "--peers"));
                    case "--only" -> {
                        String regex = value(args, ++i, "--only");
                        try {
                            only = Pattern.compile(regex);
                        } catch (PatternSyntaxException e) {
                            throw new IllegalArgumentException("--only: bad regular expression: " + e.getMessage());
                        }
                    }
                    case "--no-peers" -> noPeers = true;
                    case "--list" -> list = true;
                    case "-h", "--help" -> help = true;
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
            return new Options(settings, out, only, noPeers, peers, list, help);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }
}
