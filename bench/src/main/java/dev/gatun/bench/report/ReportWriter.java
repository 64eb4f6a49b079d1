package dev.gatun.bench.report;

import dev.gatun.bench.report.PeerRunner.PeerResult;
import dev.gatun.bench.report.Scenario.Group;
import dev.gatun.bench.report.Scenario.Metric;
import dev.gatun.bench.report.Scenario.Peer;
import dev.gatun.bench.report.Scenario.Target;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Renders {@code report.md}: the header that makes the numbers judgeable, then one table per scenario group. */
final class ReportWriter {

    /**
     * Everything above the tables.
     *
     * @param started when the run started
     * @param command the command line that produced the report
     * @param settings how JMH measured
     * @param machine the machine, JDK, BLAS and vector width
     * @param loadAtStart the load average when the run started
     * @param status {@code "complete"}, or how far a run in progress has come
     * @param peerVersions what each peer reported as its name and version
     * @param notes remarks on the run as a whole (peers not found, charts not drawn)
     */
    record Header(String started, String command, String settings, MachineInfo machine, String loadAtStart,
                  String status, Map<Peer, String> peerVersions, List<String> notes) {}

    private ReportWriter() {}

    /** The whole report; {@code charts} maps a group to its PNG's file name (absent: no chart). */
    static String markdown(Header h, List<Row> rows, Map<Group, String> charts) {
        StringBuilder md = new StringBuilder();
        MachineInfo m = h.machine();
        md.append("# Gatun benchmark report\n\n");
        md.append("| | |\n|---|---|\n");
        item(md, "date", h.started());
        item(md, "status", h.status());
        item(md, "command", "`" + h.command() + "`");
        item(md, "JMH", h.settings());
        item(md, "CPU", m.cpu() + ", " + m.cores() + (m.cores() == 1 ? " core" : " cores"));
        item(md, "AVX-512 / AMX", m.vectorFlags().isEmpty() ? "none" : String.join(" ", m.vectorFlags()));
        item(md, "caches", m.caches());
        item(md, "memory", m.memory());
        item(md, "OS", m.os());
        item(md, "JDK", m.jdk());
        item(md, "BLAS", m.blas());
        item(md, "Gatun kernels", m.vector());
        item(md, "threads", "Gatun: 1 unless the row says 2 threads; each peer runs with the same thread count as "
                + "its row (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, MKL_NUM_THREADS"
                + (m.avx512() ? "; OPENBLAS_CORETYPE=SKYLAKEX" : "") + ")"
                + (JmhRunner.FORK_CORE_TYPE != null
                        ? "; Gatun's forks: -Dgatun.openblas.coretype=" + JmhRunner.FORK_CORE_TYPE : ""));
        item(md, "peers", h.peerVersions().isEmpty() ? "none ran" : h.peerVersions().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey().label + ": " + e.getValue())
                .collect(Collectors.joining("; ")));
        item(md, "load average", "at start " + h.loadAtStart() + ", at end " + MachineInfo.loadAverage()
                + " (1, 5, 15 min; the machine may be shared)");
        item(md, "code", m.commit());
        md.append('\n');

        md.append("""
                **How to read the tables.** Gatun's figure is the median of all measurement iterations (all forks); \
                ± is half their interquartile range, as a percentage of the median (the middle half of the iterations \
                lies within about median ± that). A row whose ± exceeds 5% is flagged *noisy* in the note column: its \
                figure is shown, not hidden. \
                Peer figures are the median of the peer's own timing loop. In the ratio columns, **above 1 means \
                Gatun is better** (for times: peer / Gatun; for throughputs: Gatun / peer). *alloc* is JMH's \
                `gc.alloc.rate.norm`, bytes allocated per benchmark operation. Targets come from the issues named \
                under each table. Raw data: `results.json` (JMH), `peers.jsonl` (peers), `jmh.log`.

                """);
        for (String note : h.notes()) {
            md.append("- ").append(note).append('\n');
        }
        if (!h.notes().isEmpty()) {
            md.append('\n');
        }

        for (Group g : Group.values()) {
            List<Row> groupRows = rows.stream().filter(r -> r.scenario().group() == g).toList();
            if (!groupRows.isEmpty()) {
                table(md, g, groupRows, charts.get(g), h.notes());
            }
        }
        return md.toString();
    }

    /** One group's table; peer problems already among the run's {@code notes} are not repeated on every row. */
    private static void table(StringBuilder md, Group g, List<Row> rows, String chart, List<String> runNotes) {
        Metric metric = g.metric;
        Set<Peer> peers = peersOf(rows);
        md.append("## ").append(g.title).append("\n\n");
        if (chart != null) {
            md.append("![").append(g.title).append("](").append(chart).append(")\n\n");
        }
        List<String> head = new ArrayList<>(List.of("scenario", "Gatun " + metric.unit));
        peers.forEach(p -> head.add(p.label));
        peers.forEach(p -> head.add("Gatun/" + p.label));
        head.addAll(List.of("target", "met?", "alloc B/op", "note"));
        md.append("| ").append(String.join(" | ", head)).append(" |\n");
        md.append("|---|").append("---:|".repeat(1 + 2 * peers.size())).append("---:|:---:|---:|---|\n");

        for (Row r : rows) {
            List<String> cells = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            cells.add(r.name());
            if (r.gatun() == null) {
                cells.add("–");
                notes.add(r.problem());
            } else {
                Estimate e = r.gatun();
                cells.add(number(e.median()) + " ±" + percent(e.relativeError()));
                if (e.noisy()) {
                    notes.add("noisy: ±" + percent(e.relativeError()) + " over " + e.samples() + " iterations");
                }
            }
            for (Peer p : peers) {
                PeerResult pr = r.peers().get(p);
                cells.add(pr == null ? "" : pr.ok() ? number(pr.value()) : "–");
                if (pr != null && !pr.ok() && runNotes.stream().noneMatch(n -> n.contains(pr.problem()))) {
                    notes.add(pr.problem());
                }
            }
            for (Peer p : peers) {
                double a = r.advantageOver(p);
                cells.add(Double.isNaN(a) ? "" : String.format(Locale.ROOT, "%.2f×", a));
            }
            Target t = r.scenario().target();
            cells.add(t == null ? "" : t.relativeTo() != null
                    ? String.format(Locale.ROOT, "≥ %.2f× %s", t.value(), t.relativeTo().label)
                    : (metric.lowerIsBetter ? "≤ " : "≥ ") + number(t.value()));
            Boolean met = r.targetMet();
            cells.add(met == null ? "" : met ? "yes" : "**no**");
            cells.add(r.allocBytesPerOp() == null ? "" : bytes(r.allocBytesPerOp()));
            if (r.allocatesTooMuch()) {
                notes.add("allocates more than the " + bytes(t.maxAllocBytesPerOp()) + " B/op target");
            }
            if (r.scenario().peers().stream().anyMatch(c -> c.threads() > 1)) {
                notes.add("peers also at " + r.scenario().peers().get(0).threads() + " threads");
            }
            cells.add(String.join("; ", notes));
            md.append("| ").append(cells.stream().map(ReportWriter::cell).collect(Collectors.joining(" | ")))
                    .append(" |\n");
        }
        md.append('\n');
        md.append("Ratios above 1 mean Gatun is ").append(metric.lowerIsBetter
                ? "faster (peer time / Gatun time)." : "faster (Gatun throughput / peer throughput).");
        Set<String> issues = rows.stream().map(r -> r.scenario().target()).filter(t -> t != null)
                .map(t -> "issue " + t.issue()).collect(Collectors.toCollection(LinkedHashSet::new));
        if (!issues.isEmpty()) {
            md.append(" Targets: ").append(String.join(", ", issues));
            rows.stream().map(r -> r.scenario().target()).filter(t -> t != null && t.maxAllocBytesPerOp() != null)
                    .findFirst().ifPresent(t -> md.append("; met? also requires at most ")
                            .append(bytes(t.maxAllocBytesPerOp()))
                            .append(" B allocated per operation, beyond JMH's own bookkeeping (up to 64 KiB per "
                                    + "iteration)"));
            md.append('.');
        }
        md.append("\n\n");
        if (g == Group.GEMM) {
            coreTypeEffect(md, rows);
        }
    }

    /** The effect of the AVX-512 core type: the openblas rows over the Haswell-kernel rows of the same size. */
    private static void coreTypeEffect(StringBuilder md, List<Row> rows) {
        List<String> ratios = new ArrayList<>();
        for (Row fast : rows) {
            if (fast.gatun() == null || !fast.scenario().id().matches("gemm-openblas-\\d+")) {
                continue;
            }
            String size = fast.scenario().id().substring("gemm-openblas-".length());
            rows.stream().filter(r -> r.scenario().id().equals("gemm-openblas-haswell-" + size) && r.gatun() != null)
                    .findFirst().ifPresent(slow -> ratios.add(size + "³ " + String.format(Locale.ROOT, "%.2f×",
                            fast.gatun().median() / slow.gatun().median())));
        }
        if (!ratios.isEmpty()) {
            md.append("OpenBLAS through FFM, AVX-512 (SKYLAKEX) kernels over its Haswell kernels: ")
                    .append(String.join(", ", ratios)).append(" (issue #2: ≥ 1.80× at 512³).\n\n");
        }
    }

    private static Set<Peer> peersOf(List<Row> rows) {
        Set<Peer> peers = EnumSet.noneOf(Peer.class);
        rows.forEach(r -> r.scenario().peers().forEach(c -> peers.add(c.peer())));
        return peers;
    }

    private static void item(StringBuilder md, String key, String value) {
        md.append("| ").append(key).append(" | ").append(cell(value)).append(" |\n");
    }

    /** A table cell: pipes and line breaks would break the markdown table. */
    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    /** Three significant digits or more, thousands grouped: 4.93, 19.7, 571, 235,120. */
    static String number(double v) {
        double a = Math.abs(v);
        String pattern = a >= 1000 ? "%,.0f" : a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, pattern, v);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    /** Bytes with one decimal below 100 (JMH's bookkeeping shows as 0.0), whole numbers kept whole. */
    static String bytes(double b) {
        return b < 100 && b != Math.rint(b) ? String.format(Locale.ROOT, "%.1f", b)
                : String.format(Locale.ROOT, "%,.0f", b);
    }
}
