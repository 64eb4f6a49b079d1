package dev.gatun.bench.report;

import dev.gatun.bench.report.Scenario.Metric;
import dev.gatun.bench.report.Scenario.Peer;
import dev.gatun.bench.report.Scenario.PeerCall;
import dev.gatun.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the peer harnesses (PyTorch and oneDNN from the peers folder, the C sgemm harness from {@code bench/native}) the
 * way {@code peers/run_anchors.sh} does: compiled into a temporary folder, {@code OMP_NUM_THREADS},
 * {@code OPENBLAS_NUM_THREADS}, {@code MKL_NUM_THREADS} and the torch harness's {@code THREADS} set to the scenario's
 * thread count, and {@code OPENBLAS_CORETYPE=SKYLAKEX} on AVX-512 CPUs (their strongest setting). Each distinct run
 * happens once; its JSON line goes to {@code peers.jsonl} with the thread count and arguments in front.
 */
final class PeerRunner implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 300;

    /** A peer's figure for a scenario, or why there is none ({@code problem} non-null, {@code value} NaN). */
    record PeerResult(double value, String problem) {
        static PeerResult failed(String problem) {
            return new PeerResult(Double.NaN, problem);
        }

        boolean ok() {
            return problem == null;
        }
    }

    private final Path peersDir;
    private final Path nativeDir;
    private final Path jsonl;
    private final boolean avx512;
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Line> runs = new HashMap<>();            // by PeerCall.key()
    private final Map<Peer, Command> commands = new EnumMap<>(Peer.class);
    private final Map<Peer, String> versions = new EnumMap<>(Peer.class);
    private Path tmp;

    /** How to start a peer (the words before the scenario's arguments), or why it cannot run. */
    private record Command(List<String> words, String problem) {}

    /** A peer's parsed JSON line, or why there is none. */
    private record Line(Map<?, ?> fields, String problem) {}

    /**
     * @param peersDir the folder with {@code torch_rnn_bench.py} and {@code onednn_rnn_bench.cpp}, or {@code null}
     *     when there is none (the reason is in {@code whyNoPeersDir})
     * @param nativeDir {@code bench/native}, holding {@code sgemm_bench.c}
     * @param jsonl where the peers' lines go
     * @param avx512 whether the CPU has AVX-512 (then OpenBLAS in the peers is forced to its SKYLAKEX kernels)
     */
    PeerRunner(Path peersDir, String whyNoPeersDir, Path nativeDir, Path jsonl, boolean avx512) throws IOException {
        this.peersDir = peersDir;
        this.nativeDir = nativeDir;
        this.jsonl = jsonl;
        this.avx512 = avx512;
        Files.writeString(jsonl, "");
        if (peersDir == null) {
            notes.add("PyTorch and oneDNN not run: " + whyNoPeersDir + ".");
            commands.put(Peer.PYTORCH, new Command(null, whyNoPeersDir));
            commands.put(Peer.ONEDNN, new Command(null, whyNoPeersDir));
        }
    }

    /** A runner that runs nothing, for {@code --no-peers}. */
    static PeerRunner disabled(Path jsonl) throws IOException {
        PeerRunner r = new PeerRunner(null, "--no-peers", null, jsonl, false);
        r.notes.clear();
        r.notes.add("Peers not run (--no-peers).");
        r.commands.put(Peer.C_CBLAS, new Command(null, "--no-peers"));
        return r;
    }

    /** Runs a peer (once per distinct call) and returns its figure in the given metric. */
    PeerResult run(PeerCall call, Metric metric) {
        Line line = runs.computeIfAbsent(call.key(), k -> execute(call));
        if (line.problem() != null) {
            return PeerResult.failed(line.problem());
        }
        Object v = line.fields().get(metric.peerField);
        if (!(v instanceof Number n)) {
            return PeerResult.failed(call.peer().label + " printed no '" + metric.peerField + "'");
        }
        return new PeerResult(n.doubleValue(), null);
    }

    /** What the report should say about the peers as a whole (missing harnesses, failed compiles). */
    List<String> notes() {
        return List.copyOf(notes);
    }

    /** The version each peer reported, for the report header. */
    Map<Peer, String> versions() {
        return Map.copyOf(versions);
    }

    private Line execute(PeerCall call) {
        Command prefix = commands.computeIfAbsent(call.peer(), this::prepare);
        if (prefix.problem() != null) {
            return failed(prefix.problem());
        }
        List<String> command = new ArrayList<>(prefix.words());
        command.addAll(call.args());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        String threads = Integer.toString(call.threads());
        for (String var : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "THREADS")) {
            pb.environment().put(var, threads);
        }
        if (avx512) {
            pb.environment().put("OPENBLAS_CORETYPE", "SKYLAKEX");
        }
        List<String> output;
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            // The harnesses print a few lines at most, so reading to the end before waiting cannot block them.
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return failed(call.peer().label + " timed out after " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                return failed(call.peer().label + " exited with " + p.exitValue() + ": " + tail(output));
            }
        } catch (IOException e) {
            return failed(call.peer().label + " could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(call.peer().label + " interrupted");
        }
        String line = output.stream().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        if (line == null) {
            return failed(call.peer().label + " printed no JSON line: " + tail(output));
        }
        Map<?, ?> parsed;
        try {
            parsed = (Map<?, ?>) Json.parse(line);
        } catch (RuntimeException e) {
            return failed(call.peer().label + " printed bad JSON (" + e.getMessage() + "): " + line);
        }
        record(call, parsed);
        return new Line(parsed, null);
    }

    private static Line failed(String problem) {
        return new Line(null, problem);
    }

    /** Appends the line to peers.jsonl, with the thread count and arguments first, and notes the peer's version. */
    private void record(PeerCall call, Map<?, ?> parsed) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("threads", (long) call.threads());
        line.put("args", String.join(" ", call.args()));
        parsed.forEach((k, v) -> line.put(k.toString(), v));
        try {
            Files.writeString(jsonl, Json.write(line) + "\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Object name = parsed.get("peer") != null ? parsed.get("peer") : parsed.get("impl");
        Object core = parsed.get("core");
        versions.putIfAbsent(call.peer(), name + (core != null ? " (OpenBLAS core " + core + ")" : ""));
    }

    /** Finds or compiles a peer's executable. */
    private Command prepare(Peer peer) {
        try {
            return switch (peer) {
                case PYTORCH -> {
                    Path script = peersDir.resolve("torch_rnn_bench.py");
                    if (!Files.isRegularFile(script)) {
                        yield note("PyTorch not run: " + script + " is missing");
                    }
                    String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
                    yield new Command(List.of(python, script.toString()), null);
                }
                case ONEDNN -> compile(peer, peersDir.resolve("onednn_rnn_bench.cpp"),
                        List.of("g++", "-O2", "-std=c++17"), "-ldnnl");
                case C_CBLAS -> {
                    Command exe = compile(peer, nativeDir.resolve("sgemm_bench.c"), List.of("gcc", "-O2"),
                            "-l:libopenblas.so.0");
                    // "auto": the harness keeps the environment's OPENBLAS_CORETYPE, which run() sets as for the
                    // others.
                    yield exe.problem() != null ? exe
                            : new Command(List.of(exe.words().get(0), "--coretype", "auto"), null);
                }
            };
        } catch (IOException e) {
            return note(peer.label + " not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return note(peer.label + " not run: interrupted");
        }
    }

    /** Compiles a harness into the temporary folder. */
    private Command compile(Peer peer, Path source, List<String> compiler, String library)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(source)) {
            return note(peer.label + " not run: " + source + " is missing");
        }
        if (tmp == null) {
            tmp = Files.createTempDirectory("gatun-peers");
        }
        String name = source.getFileName().toString();
        Path exe = tmp.resolve(name.substring(0, name.lastIndexOf('.')));
        List<String> command = new ArrayList<>(compiler);
        command.addAll(List.of("-o", exe.toString(), source.toString(), library));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        List<String> output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (p.waitFor() != 0) {
            return note(peer.label + " not run: `" + String.join(" ", command) + "` failed: " + tail(output));
        }
        return new Command(List.of(exe.toString()), null);
    }

    private Command note(String problem) {
        notes.add(problem + ".");
        return new Command(null, problem);
    }

    private static String tail(List<String> lines) {
        List<String> last = lines.subList(Math.max(0, lines.size() - 3), lines.size());
        return last.isEmpty() ? "(no output)" : String.join(" | ", last);
    }

    /** Deletes the compiled harnesses. */
    @Override
    public void close() throws IOException {
        if (tmp != null) {
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
