package dev.gatun.cli.train;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the training loss (per step, or per bucket of steps on long runs) and its moving average as a PNG with
 * XChart. At most {@link #MAX_POINTS} points per series: XChart's tick layout slows down quadratically with the
 * number of points (about 4 s at 3000).
 */
public final class LossCurve {
    /** Points drawn per series at most. */
    static final int MAX_POINTS = 400;

    private LossCurve() {}

    /**
     * Writes the chart of {@code losses[0 .. count)} (one per step, the first being step {@code firstStep}) to
     * {@code png}.
     */
    public static void write(Path png, String title, long firstStep, float[] losses, int count) throws IOException {
        if (count < 1 || losses == null || count > losses.length) {
            throw new IllegalArgumentException("loss curve: need 1.." + (losses == null ? 0 : losses.length)
                    + " steps, got " + count);
        }
        System.setProperty("java.awt.headless", "true");
        int bucket = (count + MAX_POINTS - 1) / MAX_POINTS;
        int buckets = (count + bucket - 1) / bucket;
        double[] x = new double[buckets];
        double[] y = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            int from = b * bucket;
            int to = Math.min(count, from + bucket);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += losses[i];
            }
            x[b] = firstStep + to - 1;   // the bucket's last step
            y[b] = sum / (to - from);
        }
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("step")
                .yAxisTitle("cross-entropy (nats per character)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        XYSeries raw = chart.addSeries(bucket == 1 ? "loss per step" : "loss, mean of " + bucket + " steps", x, y);
        raw.setMarker(SeriesMarkers.NONE);
        raw.setLineColor(new Color(160, 190, 230));
        addMovingAverage(chart, firstStep, losses, count, bucket);
        Files.createDirectories(png.toAbsolutePath().getParent());
        // Without this, ImageIO buffers through a temporary file whose cleanup registers a shutdown hook, which
        // fails while Ctrl-C is shutting the JVM down (exactly when an interrupted run saves its curve).
        ImageIO.setUseCache(false);
        try (OutputStream out = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /**
     * The mean of the last w steps (w even; 10 buckets on long runs), drawn at the centre of its window: half-way
     * between two steps, which also keeps XChart's tick labels on round numbers (it lays out x values that are
     * equally spaced over all series differently).
     */
    private static void addMovingAverage(XYChart chart, long firstStep, float[] losses, int count, int bucket) {
        int window = bucket == 1 ? Math.max(2, Math.min(50, count / 10) & ~1) : 10 * bucket;
        if (count < window) {
            return;
        }
        int points = 0;
        double[] x = new double[count / bucket + 2];
        double[] y = new double[x.length];
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += losses[i];
            if (i >= window) {
                sum -= losses[i - window];
            }
            if (i >= window - 1 && ((i + 1) % bucket == 0 || i == count - 1)) {
                x[points] = firstStep + i - (window - 1) / 2.0;
                y[points] = sum / window;
                points++;
            }
        }
        XYSeries avg = chart.addSeries("moving average (" + window + " steps)", java.util.Arrays.copyOf(x, points),
                java.util.Arrays.copyOf(y, points));
        avg.setMarker(SeriesMarkers.NONE);
        avg.setLineColor(new Color(20, 60, 160));
    }
}
