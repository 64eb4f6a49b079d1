package dev.gatun.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossCurveTest {
    @TempDir
    Path dir;

    @Test
    void longRunsAreBucketedAndDrawnQuickly() throws Exception {
        for (int n : new int[] {1, 3, 235, 20_000}) {
            float[] losses = new float[n];
            for (int i = 0; i < n; i++) {
                losses[i] = (float) (4.6 * Math.exp(-i / (n / 5.0 + 1)) + 1 + 0.1 * Math.sin(i));
            }
            Path png = dir.resolve("loss" + n + ".png");
            long t0 = System.nanoTime();
            LossCurve.write(png, "test", 1, losses, n);
            assertTrue(System.nanoTime() - t0 < 20_000_000_000L, n + " steps took too long");
            BufferedImage img = ImageIO.read(png.toFile());
            assertEquals(900, img.getWidth());
            assertEquals(500, img.getHeight());
        }
        assertThrows(IllegalArgumentException.class, () -> LossCurve.write(dir.resolve("x.png"), "t", 1,
                new float[2], 0));
    }
}
