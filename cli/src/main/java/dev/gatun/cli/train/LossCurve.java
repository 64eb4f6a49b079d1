package dev.gatun.cli.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws the training loss per step (and its moving average) as a PNG with XChart. */
public final class LossCurve {
    private LossCurve() {}

    /**
     * Writes the chart of {@code losses} (one per step, the first being step {@code firstStep}) to {@code png}.
     *
     * @param title the chart's title
     */
    public static void write(Path png, String title, long firstStep, float[] losses, int count) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("loss curve: no steps to draw");
        }
        System.setProperty("java.awt.headless", "true");
        double[] x = new double[count];
        double[] y = new double[count];
        double[] smooth = new double[count];
        int window = Math.max(1, Math.min(50, count / 10));
        double sum = 0;
        for (int i = 0; i < count; i++) {
            x[i] = firstStep + i;
            y[i] = losses[i];
            sum += losses[i];
            if (i >= window) {
                sum -= losses[i - window];
            }
            smooth[i] = sum / Math.min(i + 1, window);
        }
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("step")
                .yAxisTitle("cross-entropy (nats per character)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        XYSeries raw = chart.addSeries("loss per step", x, y);
        raw.setMarker(SeriesMarkers.NONE);
        raw.setLineColor(new java.awt.Color(160, 190, 230));
        XYSeries avg = chart.addSeries("moving average (" + window + " steps)", x, smooth);
        avg.setMarker(SeriesMarkers.NONE);
        avg.setLineColor(new java.awt.Color(20, 60, 160));
        Path parent = png.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        BitmapEncoder.saveBitmap(chart, png.toString().replaceFirst("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
    }
}
