package dev.gatun.bench.report;

import dev.gatun.bench.report.PeerRunner.PeerResult;
import dev.gatun.bench.report.Scenario.Group;
import dev.gatun.bench.report.Scenario.Peer;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One grouped bar chart per scenario group (XChart, PNG through its {@code ChartEncoder}): Gatun with its error bar
 * beside each peer, targets as markers. The process must be headless ({@code java.awt.headless=true}).
 */
final class Charts {
    private static final Color GATUN = new Color(0x1b, 0x9e, 0x77);
    private static final Color[] PEERS = {new Color(0xd9, 0x5f, 0x02), new Color(0x75, 0x70, 0xb3),
                                          new Color(0x66, 0x66, 0x66)};

    private Charts() {}

    /** The file name the chart of a group gets in the report folder. */
    static String fileName(Group g) {
        return "chart-" + g.name().toLowerCase(Locale.ROOT) + ".png";
    }

    /**
     * Draws the chart of one group's rows into {@code dir}; rows without a Gatun figure are left out.
     *
     * @return whether there was anything to draw (no file is written otherwise)
     */
    static boolean write(Group g, List<Row> rows, Path dir) throws IOException {
        List<Row> shown = rows.stream().filter(r -> r.gatun() != null).toList();
        if (shown.isEmpty()) {
            return false;
        }
        Set<Peer> peers = EnumSet.noneOf(Peer.class);
        shown.forEach(r -> r.scenario().peers().forEach(c -> peers.add(c.peer())));
        List<String> names = shown.stream().map(Row::name).toList();
        List<Double> gatun = shown.stream().map(r -> r.gatun().median()).toList();
        List<Double> errors = shown.stream().map(r -> r.gatun().error()).toList();
        Map<Peer, List<Double>> peerValues = new EnumMap<>(Peer.class);
        for (Peer p : peers) {
            peerValues.put(p, shown.stream().map(r -> {
                PeerResult pr = r.peers().get(p);
                return pr != null && pr.ok() ? pr.value() : null;
            }).toList());
        }
        // Absolute targets only: a target relative to a peer is not a value on this axis.
        List<Double> targets = shown.stream().map(r -> r.scenario().target())
                .map(t -> t == null || t.relativeTo() != null ? null : t.value()).toList();

        // Sizes that differ by orders of magnitude (H=256 vs H=1024) would leave the small bars invisible. Error bars
        // are left off a logarithmic axis (XChart cannot draw one that reaches zero); the table has them.
        List<Double> all = new ArrayList<>(gatun);
        peerValues.values().forEach(all::addAll);
        all.addAll(targets);
        DoubleSummaryStatistics range = all.stream().filter(v -> v != null && v > 0)
                .mapToDouble(Double::doubleValue).summaryStatistics();
        boolean log = range.getCount() > 0 && range.getMax() / range.getMin() > 30;

        int width = Math.max(900, 60 * names.size() * (peers.size() + 2) + 200);
        CategoryChart chart = new CategoryChartBuilder().width(width).height(560)
                .title(g.title + (log ? " (log scale)" : ""))
                .yAxisTitle(g.metric.unit + (g.metric.lowerIsBetter ? " (lower is better)" : " (higher is better)"))
                .build();
        var style = chart.getStyler();
        style.setLegendPosition(LegendPosition.OutsideS);
        style.setLegendLayout(LegendLayout.Horizontal);
        style.setAvailableSpaceFill(0.8);
        style.setOverlapped(false);
        style.setXAxisLabelRotation(names.size() > 4 ? 20 : 0);
        style.setErrorBarsColor(Color.BLACK);
        style.setPlotGridVerticalLinesVisible(false);
        style.setChartBackgroundColor(Color.WHITE);
        style.setYAxisDecimalPattern("#,##0.##");
        if (log) {
            style.setYAxisLogarithmic(true);
            // XChart's bars start at the axis minimum, which must be positive on a log axis: the decade below the data.
            style.setYAxisMin(Math.pow(10, Math.floor(Math.log10(range.getMin()))));
        }

        (log ? chart.addSeries("Gatun", names, gatun) : chart.addSeries("Gatun", names, gatun, errors))
                .setFillColor(GATUN);
        int i = 0;
        for (Map.Entry<Peer, List<Double>> e : peerValues.entrySet()) {
            chart.addSeries(e.getKey().label, names, e.getValue()).setFillColor(PEERS[i++ % PEERS.length]);
        }
        if (targets.stream().anyMatch(t -> t != null)) {
            CategorySeries t = chart.addSeries("target", names, targets);
            t.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Scatter);
            t.setMarker(SeriesMarkers.DIAMOND);
            t.setMarkerColor(Color.RED);
        }
        // Encoded in memory first, so that a failure leaves no empty file behind.
        Files.write(dir.resolve(fileName(g)), ChartEncoder.getBytes(chart, "png"));
        return true;
    }
}
