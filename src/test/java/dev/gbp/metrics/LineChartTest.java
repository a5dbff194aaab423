package dev.gbp.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartTest {
    private static final int BLUE = 0x0072B2;
    private static final int VERMILLION = 0xD55E00;
    private static final int GREEN = 0x009E73;

    @TempDir
    Path tmp;

    private static LineChart.Builder threeSeries() {
        int n = 11;
        List<String> ticks = new ArrayList<>();
        double[] a = new double[n];
        double[] b = new double[n];
        double[] c = new double[n];
        double[] err = new double[n];
        for (int i = 0; i < n; i++) {
            double t = i / 10.0;
            ticks.add(String.format(java.util.Locale.ROOT, "%.1f", t));
            a[i] = Math.exp(-4 * t);
            b[i] = 1 - t;
            c[i] = 0.2 + 0.6 * t * t;
            err[i] = 0.05;
        }
        b[6] = Double.NaN;
        return LineChart.builder().title("Deletion curves").xLabel("fraction of pixels removed").yLabel("class probability")
                .xTicks(ticks).yRange(0, 1)
                .series("guided backprop", a, err).series("gradient", b, null).series("random", c, err);
    }

    private static int count(BufferedImage img, int rgb) {
        int k = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    k++;
                }
            }
        }
        return k;
    }

    /** Pixels of a neutral grey from {@code lo} to {@code hi} (the context lines' colour and its anti-aliased edges). */
    private static int countGrey(BufferedImage img, int lo, int hi) {
        int k = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 0xFF;
                k += r == (rgb >> 8 & 0xFF) && r == (rgb & 0xFF) && r >= lo && r <= hi ? 1 : 0;
            }
        }
        return k;
    }

    @Test
    void writesAReadablePngOfTheRequestedSize() throws Exception {
        Path png = tmp.resolve("sub/chart.png");
        threeSeries().size(800, 500).write(png);
        assertTrue(Files.size(png) > 1000);
        BufferedImage back = ImageIO.read(png.toFile());
        assertNotNull(back, "not a readable image");
        assertEquals(800, back.getWidth());
        assertEquals(500, back.getHeight());
        assertEquals(0xFFFFFF, back.getRGB(0, 0) & 0xFFFFFF, "white background");
        for (int colour : new int[] {BLUE, VERMILLION, GREEN}) {
            assertTrue(count(back, colour) > 100, String.format("series colour %06X drawn", colour));
        }
    }

    @Test
    void defaultSizeIs640x400() {
        BufferedImage img = threeSeries().build();
        assertEquals(640, img.getWidth());
        assertEquals(400, img.getHeight());
    }

    @Test
    void nanLeavesAGapInTheLine() {
        double[] y = new double[21];
        java.util.Arrays.fill(y, 0.5);
        for (int i = 8; i <= 12; i++) {
            y[i] = Double.NaN;
        }
        BufferedImage img = LineChart.builder().yRange(0, 1).series("", y, null).build();
        // The row holding most of the line: colour on both sides of a long blank stretch.
        int bestRow = 0;
        int best = -1;
        for (int r = 0; r < img.getHeight(); r++) {
            int k = 0;
            for (int x = 0; x < img.getWidth(); x++) {
                k += (img.getRGB(x, r) & 0xFFFFFF) == BLUE ? 1 : 0;
            }
            if (k > best) {
                best = k;
                bestRow = r;
            }
        }
        int first = -1;
        int last = -1;
        int longestGap = 0;
        int prev = -1;
        for (int x = 0; x < img.getWidth(); x++) {
            if ((img.getRGB(x, bestRow) & 0xFFFFFF) == BLUE) {
                if (first < 0) {
                    first = x;
                }
                if (prev >= 0) {
                    longestGap = Math.max(longestGap, x - prev);
                }
                prev = x;
                last = x;
            }
        }
        int span = last - first;
        // Points 7 and 13 are drawn, 8..12 are not: a gap of 6/20 of the span between points 0 and 20.
        assertTrue(longestGap > span / 5, "gap " + longestGap + " of span " + span);
    }

    @Test
    void crowdedLongLabelsAndManyPointsStillRender() {
        int n = 60;
        List<String> ticks = new ArrayList<>();
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            ticks.add("layer conv" + i + "_block_with_a_long_name");
            y[i] = Math.sin(i / 5.0) * 1e-3;
        }
        BufferedImage img = LineChart.builder().xTicks(ticks).series("s", y, null).size(400, 300).build();
        assertEquals(400, img.getWidth());
        assertTrue(count(img, BLUE) > 50);
    }

    /** Columns of the lower fifth of two renderings that differ, grouped into runs of neighbouring columns. */
    private static List<int[]> differingColumnRuns(BufferedImage a, BufferedImage b) {
        List<int[]> runs = new ArrayList<>();
        int start = -1;
        int last = -10;
        for (int x = 0; x < a.getWidth(); x++) {
            boolean differs = false;
            for (int y = a.getHeight() * 4 / 5; y < a.getHeight() && !differs; y++) {
                differs = a.getRGB(x, y) != b.getRGB(x, y);
            }
            if (differs) {
                if (x > last + 3) {
                    if (start >= 0) {
                        runs.add(new int[] {start, last});
                    }
                    start = x;
                }
                last = x;
            }
        }
        if (start >= 0) {
            runs.add(new int[] {start, last});
        }
        return runs;
    }

    @Test
    void sparseTickLabelsAreEachDrawnAtTheirPoint() {
        // 33 points labelled at 0, 25, 50, 75 and 100 % only: too many points for a label each, but the five
        // labels have room, so all five must be drawn (they used to be thinned to the first one alone).
        int n = 33;
        List<String> labels = new ArrayList<>();
        List<String> blank = new ArrayList<>();
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            labels.add(i % 8 == 0 ? (100 * i / 32) + "%" : "");
            blank.add("");
            y[i] = 1 - i / 32.0;
        }
        BufferedImage with = LineChart.builder().xTicks(labels).yRange(0, 1).series("s", y, null).size(560, 360).build();
        BufferedImage without = LineChart.builder().xTicks(blank).yRange(0, 1).series("s", y, null).size(560, 360).build();
        List<int[]> runs = differingColumnRuns(with, without);
        assertEquals(5, runs.size(), "one label (with its tick) per labelled point");
        double[] centres = runs.stream().mapToDouble(r -> (r[0] + r[1]) / 2.0).toArray();
        double spacing = (centres[4] - centres[0]) / 4;
        for (int k = 1; k < 4; k++) {
            assertEquals(centres[0] + k * spacing, centres[k], 6, "labels evenly spaced like their points");
        }
    }

    @Test
    void aStyledSeriesKeepsItsColourAndLeavesThePaletteToTheOthers() {
        double[] a = {0.1, 0.5, 0.9};
        double[] b = {0.9, 0.5, 0.1};
        BufferedImage img = LineChart.builder().yRange(0, 1)
                .series("fixed", a, null, LineChart.Style.solid(GREEN))
                .series("auto", b, null)
                .build();
        assertTrue(count(img, GREEN) > 100, "the styled series in its own colour");
        assertTrue(count(img, BLUE) > 100, "the first unstyled series takes the palette's first colour");
        BufferedImage dashed = LineChart.builder().yRange(0, 1).series("d", a, null, LineChart.Style.dashed(VERMILLION)).build();
        BufferedImage solid = LineChart.builder().yRange(0, 1).series("d", a, null, LineChart.Style.solid(VERMILLION)).build();
        assertTrue(count(dashed, VERMILLION) < 0.85 * count(solid, VERMILLION), "a dashed line leaves gaps");
    }

    @Test
    void aBandSpansItsOwnLowerAndUpperBounds() {
        int n = 5;
        double[] y = new double[n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        java.util.Arrays.fill(y, 0.5);
        java.util.Arrays.fill(lo, 0.4);
        java.util.Arrays.fill(hi, 0.9);
        BufferedImage img = LineChart.builder().yRange(0, 1).series("s", y, lo, hi, LineChart.Style.solid(BLUE)).build();
        int x = img.getWidth() / 2 + 7; // between two points, off the grid lines
        int top = -1;
        int bottom = -1;
        int line = -1;
        for (int r = 0; r < img.getHeight(); r++) {
            int rgb = img.getRGB(x, r) & 0xFFFFFF;
            int red = rgb >> 16;
            int blue = rgb & 0xFF;
            if (blue - red > 20) {
                top = top < 0 ? r : top;
                bottom = r;
            }
            if (rgb == BLUE && line < 0) {
                line = r;
            }
        }
        assertTrue(line > top && line < bottom, "the line inside its band");
        double ratio = (line - top) / (double) (bottom - line);
        assertEquals(4.0, ratio, 0.8, "0.4 above the line, 0.1 below: " + top + " " + line + " " + bottom);
    }

    @Test
    void contextLinesAreGreyAndNamedOnceInTheLegend() {
        double[] a = {0.1, 0.5, 0.9};
        BufferedImage plain = LineChart.builder().yRange(0, 1).series("s", a, null).build();
        BufferedImage img = LineChart.builder().yRange(0, 1).context(new double[] {0.9, 0.5, 0.1})
                .context(new double[] {0.3, 0.3, 0.3}).contextLabel("other methods").series("s", a, null).build();
        assertTrue(countGrey(img, 190, 215) > countGrey(plain, 190, 215) + 100, "grey context lines");
        assertTrue(count(img, BLUE) > 100, "context lines do not take a palette colour");
        assertThrows(IllegalArgumentException.class, () -> LineChart.builder().context(new double[2]).series("s", a, null).build());
        assertThrows(IllegalArgumentException.class, () -> LineChart.builder().series("s", a, new double[3], null, null));
    }

    @Test
    void rejectsInconsistentInput() {
        assertThrows(IllegalArgumentException.class, () -> LineChart.builder().build());
        assertThrows(IllegalArgumentException.class,
                () -> LineChart.builder().xTicks(List.of("a", "b")).series("s", new double[3], null).build());
        assertThrows(IllegalArgumentException.class,
                () -> LineChart.builder().series("s", new double[] {1, 2}, null).series("t", new double[] {1}, null).build());
        assertThrows(IllegalArgumentException.class, () -> LineChart.builder().series("s", new double[2], new double[3]));
        assertThrows(IllegalArgumentException.class, () -> LineChart.builder().yRange(1, 1));
        assertThrows(IllegalArgumentException.class, () -> LineChart.builder().size(10, 10));
    }
}
