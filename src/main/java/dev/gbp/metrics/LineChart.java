package dev.gbp.metrics;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A small PNG line chart drawn with java.awt, for sanity-check and deletion/insertion figures that
 * must be produced by the same headless JVM that computes them, without a plotting dependency.
 *
 * <p>The x axis is categorical: points 0..n-1, labelled by {@link Builder#xTicks}; a blank label leaves
 * its point without a tick, so a long axis can be labelled at a few round positions only. Labels are
 * shortened, rotated by 45 degrees or thinned out when they would overlap. Each series is a line in its
 * own colour from the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies),
 * or in a {@link Style} the caller fixes (so that one series keeps its colour across several charts),
 * optionally with a shaded band around it (+-err, or any lower and upper bound). Context lines
 * ({@link Builder#context}) are thin grey lines under the series, for small multiples. NaN values
 * leave a gap in the line. A legend above the plot names the series, so it never hides data.
 *
 * <pre>{@code
 * LineChart.builder().title("Deletion").xLabel("fraction removed").yLabel("score")
 *         .xTicks(List.of("0", "0.1", ...)).yRange(0, 1)
 *         .series("guided", mean, std).series("gradient", mean2, null)
 *         .write(Path.of("deletion.png"));
 * }</pre>
 */
public final class LineChart {
    /** Okabe-Ito colours, most distinct first; yellow (F0E442) is left out as unreadable on white. */
    private static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xE69F00),
        new Color(0xCC79A7), new Color(0x56B4E9), new Color(0x000000),
    };
    private static final Color TEXT = new Color(0x222222);
    private static final Color AXIS = new Color(0x555555);
    private static final Color GRID = new Color(0xE6E6E6);
    private static final Color CONTEXT = new Color(0xC8C8C8);
    private static final int BAND_ALPHA = 48;
    private static final int MAX_LABEL_CHARS = 18;
    private static final int MAX_LEGEND_CHARS = 40;
    private static final int MARKER_LIMIT = 25;

    private final Builder spec;
    private final int n;
    private final Font font;
    private final Font titleFont;
    private final float scale;

    private LineChart(Builder spec) {
        this.spec = spec;
        this.n = pointCount(spec);
        int base = Math.max(10, Math.min(18, Math.round(Math.min(spec.width, spec.height) / 33f)));
        this.font = new Font(Font.SANS_SERIF, Font.PLAIN, base);
        this.titleFont = new Font(Font.SANS_SERIF, Font.BOLD, base + 3);
        this.scale = base / 12f;
    }

    /** How a series is drawn: its colour and its dash pattern (null: solid). */
    public record Style(Color color, float[] dash) {
        /**
         * A solid line.
         *
         * @param rgb the colour, 0xRRGGBB
         * @return the style
         */
        public static Style solid(int rgb) {
            return new Style(new Color(rgb), null);
        }

        /**
         * A dashed line.
         *
         * @param rgb the colour, 0xRRGGBB
         * @return the style
         */
        public static Style dashed(int rgb) {
            return new Style(new Color(rgb), new float[] {6, 4});
        }

        /**
         * A dotted line.
         *
         * @param rgb the colour, 0xRRGGBB
         * @return the style
         */
        public static Style dotted(int rgb) {
            return new Style(new Color(rgb), new float[] {1.5f, 3.5f});
        }
    }

    /**
     * A new chart description: 640 x 400 pixels, no series yet.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Describes a chart; {@link #build} renders it, {@link #write} renders it to a PNG file. */
    public static final class Builder {
        private String title;
        private String xLabel;
        private String yLabel;
        private List<String> xTicks;
        private double yMin = Double.NaN;
        private double yMax = Double.NaN;
        private final List<Series> series = new ArrayList<>();
        private final List<double[]> context = new ArrayList<>();
        private String contextLabel;
        private int width = 640;
        private int height = 400;

        private Builder() {}

        /**
         * The title above the chart.
         *
         * @param title the title, or null for none
         * @return this
         */
        public Builder title(String title) {
            this.title = title;
            return this;
        }

        /**
         * The x axis's label.
         *
         * @param label the label, or null for none
         * @return this
         */
        public Builder xLabel(String label) {
            this.xLabel = label;
            return this;
        }

        /**
         * The y axis's label.
         *
         * @param label the label, or null for none
         * @return this
         */
        public Builder yLabel(String label) {
            this.yLabel = label;
            return this;
        }

        /**
         * Labels of the x positions 0..n-1; without them the positions are labelled by their index.
         *
         * @param ticks one label per position
         * @return this
         */
        public Builder xTicks(List<String> ticks) {
            this.xTicks = List.copyOf(ticks);
            return this;
        }

        /**
         * Fixed y range; without it the range is chosen to hold every value and band, on round numbers.
         *
         * @param min the bottom of the axis
         * @param max the top, above {@code min}
         * @return this
         */
        public Builder yRange(double min, double max) {
            if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
                throw new IllegalArgumentException("y range needs finite min < max, got " + min + ", " + max);
            }
            this.yMin = min;
            this.yMax = max;
            return this;
        }

        /**
         * Adds a line. {@code err} (nullable) draws a shaded band from y - err to y + err; NaN in
         * {@code y} or {@code err} leaves a gap. The arrays are copied.
         *
         * @param name the legend entry
         * @param y one value per x position
         * @param err the band's half-width at each position, or null
         * @return this
         */
        public Builder series(String name, double[] y, double[] err) {
            return series(name, y, err, null);
        }

        /**
         * As {@link #series(String, double[], double[])}, drawn in {@code style} (null: the next palette colour).
         *
         * @param name the legend entry
         * @param y one value per x position
         * @param err the band's half-width at each position, or null
         * @param style the line's colour and dash, or null
         * @return this
         */
        public Builder series(String name, double[] y, double[] err, Style style) {
            if (err == null) {
                return series(name, y, null, null, style);
            }
            if (err.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': err has " + err.length + " values, y has " + y.length);
            }
            double[] lo = new double[y.length];
            double[] hi = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                lo[i] = y[i] - Math.abs(err[i]);
                hi[i] = y[i] + Math.abs(err[i]);
            }
            return series(name, y, lo, hi, style);
        }

        /**
         * Adds a line in {@code style} (null: the next palette colour) with a shaded band from {@code lo}
         * to {@code hi} (both null: no band), for example the interquartile range around a mean. NaN in
         * any of them leaves a gap. The arrays are copied.
         *
         * @param name the legend entry
         * @param y one value per x position
         * @param lo the band's lower bound at each position, or null
         * @param hi the band's upper bound at each position, or null
         * @param style the line's colour and dash, or null
         * @return this
         */
        public Builder series(String name, double[] y, double[] lo, double[] hi, Style style) {
            if ((lo == null) != (hi == null)) {
                throw new IllegalArgumentException("series '" + name + "': a band needs both a lower and an upper bound");
            }
            if (lo != null && (lo.length != y.length || hi.length != y.length)) {
                throw new IllegalArgumentException("series '" + name + "': band bounds have " + lo.length + " and " + hi.length
                        + " values, y has " + y.length);
            }
            series.add(new Series(name == null ? "" : name, y.clone(), lo == null ? null : lo.clone(),
                    hi == null ? null : hi.clone(), style));
            return this;
        }

        /**
         * Adds a thin grey line under every series, without a legend entry of its own: the other
         * members of a set, drawn for context in a small multiple.
         *
         * @param y one value per x position
         * @return this
         */
        public Builder context(double[] y) {
            context.add(y.clone());
            return this;
        }

        /**
         * One legend entry (a thin grey line) naming the context lines, for example "other methods".
         *
         * @param label the entry
         * @return this
         */
        public Builder contextLabel(String label) {
            this.contextLabel = label;
            return this;
        }

        /**
         * Image size in pixels (default 640 x 400).
         *
         * @param width at least 200
         * @param height at least 150
         * @return this
         */
        public Builder size(int width, int height) {
            if (width < 200 || height < 150) {
                throw new IllegalArgumentException("chart size must be at least 200 x 150, got " + width + " x " + height);
            }
            this.width = width;
            this.height = height;
            return this;
        }

        /**
         * Renders the chart.
         *
         * @return the picture
         * @throws IllegalArgumentException if there is no series, no point, or lengths disagree
         */
        public BufferedImage build() {
            return new LineChart(this).render();
        }

        /**
         * Renders the chart to a PNG file, creating missing parent folders.
         *
         * @param png the file, replaced if it exists
         * @throws IOException when it cannot be written
         */
        public void write(Path png) throws IOException {
            BufferedImage image = build();
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(image, "png", png.toFile())) {
                throw new IOException("no PNG writer available");
            }
        }
    }

    private record Series(String name, double[] y, double[] lo, double[] hi, Style style) {}

    private static int pointCount(Builder spec) {
        if (spec.series.isEmpty()) {
            throw new IllegalArgumentException("a chart needs at least one series");
        }
        int count = spec.xTicks != null ? spec.xTicks.size() : spec.series.get(0).y.length;
        if (count == 0) {
            throw new IllegalArgumentException("a chart needs at least one point");
        }
        for (Series s : spec.series) {
            if (s.y.length != count) {
                throw new IllegalArgumentException("series '" + s.name + "' has " + s.y.length + " values, expected " + count);
            }
        }
        for (double[] c : spec.context) {
            if (c.length != count) {
                throw new IllegalArgumentException("a context line has " + c.length + " values, expected " + count);
            }
        }
        return count;
    }

    // ---- layout -------------------------------------------------------------------------------

    private BufferedImage render() {
        BufferedImage image = new BufferedImage(spec.width, spec.height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, spec.width, spec.height);
            draw(g);
        } finally {
            g.dispose();
        }
        return image;
    }

    private void draw(Graphics2D g) {
        FontMetrics fm = g.getFontMetrics(font);
        FontMetrics tm = g.getFontMetrics(titleFont);
        int lineH = fm.getHeight();
        int margin = Math.round(12 * scale);
        int gap = Math.round(6 * scale);
        int tick = Math.round(5 * scale);

        // Top: title, then the legend rows.
        int top = margin;
        String title = spec.title == null || spec.title.isBlank() ? null : shorten(spec.title, tm, spec.width - 2 * margin);
        int titleBaseline = top + tm.getAscent();
        if (title != null) {
            top += tm.getHeight() + gap;
        }
        List<List<Integer>> legendRows = legendRows(fm, spec.width - 2 * margin);
        int legendTop = top;
        top += legendRows.size() * lineH + (legendRows.isEmpty() ? 0 : gap);
        top += 2 * gap;

        // Left: y label and y tick labels, which depend on the range only.
        double[] range = yRange();
        int plotHeightGuess = spec.height - top - margin - 3 * lineH;
        double step = niceStep((range[1] - range[0]) / Math.max(3, Math.min(8, plotHeightGuess / (2.5 * lineH))));
        if (Double.isNaN(spec.yMin)) {
            range = new double[] {Math.floor(range[0] / step + 1e-9) * step, Math.ceil(range[1] / step - 1e-9) * step};
        }
        List<Double> yTicks = new ArrayList<>();
        double first = Math.ceil(range[0] / step - 1e-9);
        for (int i = 0; i < 50 && (first + i) * step <= range[1] + step * 1e-9; i++) {
            double v = (first + i) * step; // multiplied, not accumulated, so ticks do not drift
            yTicks.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
        }
        int decimals = decimals(step);
        int yTickWidth = 0;
        for (double v : yTicks) {
            yTickWidth = Math.max(yTickWidth, fm.stringWidth(format(v, decimals)));
        }
        boolean hasYLabel = spec.yLabel != null && !spec.yLabel.isBlank();
        int left = margin + (hasYLabel ? lineH + gap : 0) + yTickWidth + gap + tick;
        int right = spec.width - margin - Math.round(8 * scale);

        // Bottom: x tick labels (horizontal, or rotated when crowded) and the x label.
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels.add(shorten(spec.xTicks != null ? spec.xTicks.get(i) : Integer.toString(i), MAX_LABEL_CHARS));
        }
        // The labelled positions: every point, or only those with a non-blank label when some are blank.
        List<Integer> ticks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!labels.get(i).isBlank()) {
                ticks.add(i);
            }
        }
        if (ticks.isEmpty()) {
            ticks.add(0);
        }
        int spacing = n;
        for (int t = 1; t < ticks.size(); t++) {
            spacing = Math.min(spacing, ticks.get(t) - ticks.get(t - 1));
        }
        int labelWidth = 0;
        for (int i : ticks) {
            labelWidth = Math.max(labelWidth, fm.stringWidth(labels.get(i)));
        }
        boolean rotate = false;
        int stride = 1;
        for (int pass = 0; pass < 2; pass++) {
            // Room per label: the distance between neighbouring labelled points.
            double slot = spacing * (right - left) / (double) n;
            rotate = false;
            stride = 1;
            if (labelWidth + gap > slot) {
                if (labelWidth <= 4 * lineH) {
                    stride = roundStride((int) Math.ceil((labelWidth + 2 * gap) / slot));
                } else {
                    rotate = true;
                    stride = roundStride((int) Math.ceil(1.3 * lineH / (slot * Math.sqrt(0.5))));
                }
            }
            if (!rotate) {
                break;
            }
            // A rotated first label reaches down-left of its tick: widen the left margin to keep it inside.
            double pointSlot = (right - left) / (double) n;
            int reach = (int) Math.ceil((fm.stringWidth(labels.get(ticks.get(0))) + lineH) * Math.sqrt(0.5)
                    - (ticks.get(0) + 0.5) * pointSlot);
            if (left >= margin / 2 + reach) {
                break;
            }
            left = margin / 2 + reach;
        }
        int labelsHeight = rotate ? (int) Math.ceil((labelWidth + lineH) * Math.sqrt(0.5)) : lineH;
        boolean hasXLabel = spec.xLabel != null && !spec.xLabel.isBlank();
        int bottom = spec.height - margin - (hasXLabel ? lineH + gap : 0) - labelsHeight - gap - tick;
        if (bottom - top < 4 * lineH) {
            throw new IllegalArgumentException("chart too small for its labels: " + spec.width + " x " + spec.height);
        }

        Plot plot = new Plot(left, top, right, bottom, range[0], range[1], n);

        // Grid, then data clipped to the plot area, then axes on top.
        g.setStroke(new BasicStroke(1f));
        g.setColor(GRID);
        for (double v : yTicks) {
            int y = (int) Math.round(plot.y(v));
            g.drawLine(left, y, right, y);
        }
        for (int t = 0; t < ticks.size(); t += stride) {
            int x = (int) Math.round(plot.x(ticks.get(t)));
            g.drawLine(x, top, x, bottom);
        }
        Shape oldClip = g.getClip();
        // Clip a little outside the plot so that markers and lines on the range limits are not cut in half.
        int bleed = Math.round(5 * scale);
        g.clipRect(left - bleed, top - bleed, right - left + 1 + 2 * bleed, bottom - top + 1 + 2 * bleed);
        for (double[] c : spec.context) {
            drawLine(g, plot, c, CONTEXT, contextStroke(), false);
        }
        for (int k = 0; k < spec.series.size(); k++) {
            drawBand(g, plot, spec.series.get(k), color(k));
        }
        for (int k = 0; k < spec.series.size(); k++) {
            drawLine(g, plot, spec.series.get(k).y, color(k), stroke(k), n <= MARKER_LIMIT);
        }
        g.setClip(oldClip);

        g.setColor(AXIS);
        g.setStroke(new BasicStroke(Math.max(1f, scale)));
        g.drawLine(left, top, left, bottom);
        g.drawLine(left, bottom, right, bottom);
        g.setFont(font);
        for (double v : yTicks) {
            int y = (int) Math.round(plot.y(v));
            g.setColor(AXIS);
            g.drawLine(left - tick, y, left, y);
            String s = format(v, decimals);
            g.setColor(TEXT);
            g.drawString(s, left - tick - gap / 2 - fm.stringWidth(s), y + fm.getAscent() / 2 - fm.getDescent() / 2);
        }
        int labelTop = bottom + tick + gap / 2;
        for (int t = 0; t < ticks.size(); t += stride) {
            int i = ticks.get(t);
            int x = (int) Math.round(plot.x(i));
            g.setColor(AXIS);
            g.drawLine(x, bottom, x, bottom + tick);
            g.setColor(TEXT);
            String s = labels.get(i);
            if (rotate) {
                AffineTransform saved = g.getTransform();
                g.translate(x, labelTop + fm.getAscent() * 0.5);
                g.rotate(-Math.PI / 4);
                g.drawString(s, -fm.stringWidth(s), fm.getAscent() / 2);
                g.setTransform(saved);
            } else {
                g.drawString(s, x - fm.stringWidth(s) / 2, labelTop + fm.getAscent());
            }
        }
        if (hasXLabel) {
            String s = shorten(spec.xLabel, fm, right - left);
            g.drawString(s, (left + right - fm.stringWidth(s)) / 2, spec.height - margin - fm.getDescent());
        }
        if (hasYLabel) {
            String s = shorten(spec.yLabel, fm, bottom - top);
            AffineTransform saved = g.getTransform();
            g.translate(margin + fm.getAscent(), (top + bottom) / 2.0);
            g.rotate(-Math.PI / 2);
            g.drawString(s, -fm.stringWidth(s) / 2f, 0);
            g.setTransform(saved);
        }
        if (title != null) {
            g.setFont(titleFont);
            g.drawString(title, (spec.width - tm.stringWidth(title)) / 2, titleBaseline);
            g.setFont(font);
        }
        drawLegend(g, fm, legendRows, legendTop);
    }

    /** Maps data coordinates to pixels; categorical x positions sit in the middle of equal slots. */
    private record Plot(int left, int top, int right, int bottom, double yMin, double yMax, int n) {
        double x(int i) {
            return left + (i + 0.5) * (right - left) / n;
        }

        double y(double v) {
            return bottom - (v - yMin) / (yMax - yMin) * (bottom - top);
        }
    }

    /** The fixed range, or one holding every finite value and band end (0..1 if there is none). */
    private double[] yRange() {
        if (!Double.isNaN(spec.yMin)) {
            return new double[] {spec.yMin, spec.yMax};
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        List<double[]> values = new ArrayList<>(spec.context);
        for (Series s : spec.series) {
            values.add(s.y);
            if (s.lo != null) {
                values.add(s.lo);
                values.add(s.hi);
            }
        }
        for (double[] v : values) {
            for (double x : v) {
                if (Double.isFinite(x)) {
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
        }
        if (lo > hi) {
            return new double[] {0, 1};
        }
        if (lo == hi) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            return new double[] {lo - pad, hi + pad};
        }
        return new double[] {lo, hi};
    }

    /** The round step (1, 2, 2.5 or 5 times a power of ten) nearest above {@code raw}. */
    private static double niceStep(double raw) {
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double r = raw / mag;
        double f = r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10;
        return f * mag;
    }

    /** The smallest of 1, 2, 5, 10, 20, 50, ... that is at least {@code raw}: label every 5th point, not every 7th. */
    private static int roundStride(int raw) {
        for (int m = 1; ; m *= 10) {
            for (int f : new int[] {1, 2, 5}) {
                if (f * m >= raw) {
                    return f * m;
                }
            }
        }
    }

    private static int decimals(double step) {
        int d = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        // 2.5 x 10^k needs one digit more than its power of ten.
        double digits = step * Math.pow(10, d);
        return Math.abs(digits - Math.rint(digits)) > 1e-6 ? d + 1 : d;
    }

    private static String format(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    // ---- series ------------------------------------------------------------------------------

    private void drawBand(Graphics2D g, Plot plot, Series s, Color c) {
        if (s.lo == null) {
            return;
        }
        Color fill = new Color(c.getRed(), c.getGreen(), c.getBlue(), BAND_ALPHA);
        g.setColor(fill);
        g.setStroke(new BasicStroke(Math.max(1f, 1.5f * scale), BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
        int i = 0;
        while (i < n) {
            if (!bandPoint(s, i)) {
                i++;
                continue;
            }
            int j = i;
            while (j + 1 < n && bandPoint(s, j + 1)) {
                j++;
            }
            if (i == j) {
                // A lone point has no band to shade: an error bar instead.
                double x = plot.x(i);
                double w = 4 * scale;
                double y0 = plot.y(s.lo[i]);
                double y1 = plot.y(s.hi[i]);
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 160));
                g.draw(new Line2D.Double(x, y0, x, y1));
                g.draw(new Line2D.Double(x - w, y0, x + w, y0));
                g.draw(new Line2D.Double(x - w, y1, x + w, y1));
                g.setColor(fill);
            } else {
                Path2D.Double band = new Path2D.Double();
                band.moveTo(plot.x(i), plot.y(s.hi[i]));
                for (int k = i + 1; k <= j; k++) {
                    band.lineTo(plot.x(k), plot.y(s.hi[k]));
                }
                for (int k = j; k >= i; k--) {
                    band.lineTo(plot.x(k), plot.y(s.lo[k]));
                }
                band.closePath();
                g.fill(band);
            }
            i = j + 1;
        }
    }

    private static boolean bandPoint(Series s, int i) {
        return Double.isFinite(s.y[i]) && Double.isFinite(s.lo[i]) && Double.isFinite(s.hi[i]);
    }

    private void drawLine(Graphics2D g, Plot plot, double[] ys, Color color, Stroke stroke, boolean markers) {
        g.setColor(color);
        g.setStroke(stroke);
        double r = 3 * scale;
        Path2D.Double path = new Path2D.Double();
        boolean open = false;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(ys[i])) {
                open = false;
                continue;
            }
            double x = plot.x(i);
            double y = plot.y(ys[i]);
            if (open) {
                path.lineTo(x, y);
            } else {
                path.moveTo(x, y);
                open = true;
            }
            boolean lone = (i == 0 || !Double.isFinite(ys[i - 1])) && (i == n - 1 || !Double.isFinite(ys[i + 1]));
            if (markers || lone) {
                g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
            }
        }
        g.draw(path);
    }

    /**
     * The colour of series {@code k}: its own style's, else the next palette colour among the series
     * without a style.
     */
    private Color color(int k) {
        Style style = spec.series.get(k).style;
        return style != null ? style.color() : PALETTE[autoIndex(k) % PALETTE.length];
    }

    private int autoIndex(int k) {
        int auto = 0;
        for (int j = 0; j < k; j++) {
            auto += spec.series.get(j).style == null ? 1 : 0;
        }
        return auto;
    }

    /** The series' own dash pattern; without a style, solid for the first round of colours, dashed once colours repeat. */
    private Stroke stroke(int k) {
        float w = 2f * scale;
        Style style = spec.series.get(k).style;
        float[] dash = style != null ? style.dash()
                : autoIndex(k) < PALETTE.length ? null : new float[] {6, 4};
        if (dash == null) {
            return new BasicStroke(w, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        }
        float[] scaled = new float[dash.length];
        for (int i = 0; i < dash.length; i++) {
            scaled[i] = dash[i] * scale;
        }
        return new BasicStroke(w, dash[0] < 2 ? BasicStroke.CAP_ROUND : BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, scaled, 0f);
    }

    private Stroke contextStroke() {
        return new BasicStroke(1.2f * scale, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    // ---- legend ------------------------------------------------------------------------------

    /** Legend entries: the named series in order (their indices), then -1 for the context lines when labelled. */
    private List<Integer> legendEntries() {
        List<Integer> entries = new ArrayList<>();
        for (int k = 0; k < spec.series.size(); k++) {
            if (!spec.series.get(k).name.isBlank()) {
                entries.add(k);
            }
        }
        if (!spec.context.isEmpty() && spec.contextLabel != null && !spec.contextLabel.isBlank()) {
            entries.add(-1);
        }
        return entries;
    }

    private int legendEntryWidth(FontMetrics fm, int k) {
        return Math.round(24 * scale) + Math.round(6 * scale) + fm.stringWidth(legendName(k));
    }

    private String legendName(int k) {
        return shorten(k < 0 ? spec.contextLabel : spec.series.get(k).name, MAX_LEGEND_CHARS);
    }

    /** Legend entries per row, wrapped to the width; empty if nothing is named. */
    private List<List<Integer>> legendRows(FontMetrics fm, int width) {
        List<List<Integer>> rows = new ArrayList<>();
        List<Integer> entries = legendEntries();
        if (entries.isEmpty()) {
            return rows;
        }
        int spacing = Math.round(20 * scale);
        List<Integer> row = new ArrayList<>();
        int used = 0;
        for (int k : entries) {
            int w = legendEntryWidth(fm, k);
            if (!row.isEmpty() && used + spacing + w > width) {
                rows.add(row);
                row = new ArrayList<>();
                used = 0;
            }
            used += (row.isEmpty() ? 0 : spacing) + w;
            row.add(k);
        }
        rows.add(row);
        return rows;
    }

    private void drawLegend(Graphics2D g, FontMetrics fm, List<List<Integer>> rows, int top) {
        int spacing = Math.round(20 * scale);
        int swatch = Math.round(24 * scale);
        int lineH = fm.getHeight();
        for (int r = 0; r < rows.size(); r++) {
            List<Integer> row = rows.get(r);
            int total = 0;
            for (int k : row) {
                total += legendEntryWidth(fm, k);
            }
            total += spacing * (row.size() - 1);
            int x = (spec.width - total) / 2;
            int mid = top + r * lineH + lineH / 2;
            for (int k : row) {
                if (k < 0) {
                    g.setColor(CONTEXT);
                    g.setStroke(contextStroke());
                    g.draw(new Line2D.Double(x + 1, mid, x + swatch - 1, mid));
                } else {
                    Series s = spec.series.get(k);
                    Color c = color(k);
                    if (s.lo != null) {
                        int band = Math.round(5 * scale);
                        g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), BAND_ALPHA));
                        g.fillRect(x, mid - band, swatch, 2 * band);
                    }
                    g.setColor(c);
                    g.setStroke(stroke(k));
                    g.draw(new Line2D.Double(x + 1, mid, x + swatch - 1, mid));
                    if (n <= MARKER_LIMIT) {
                        double rr = 3 * scale;
                        g.fill(new Ellipse2D.Double(x + swatch / 2.0 - rr, mid - rr, 2 * rr, 2 * rr));
                    }
                }
                g.setColor(TEXT);
                int tx = x + swatch + Math.round(6 * scale);
                g.drawString(legendName(k), tx, mid + fm.getAscent() / 2 - fm.getDescent() / 2);
                x += legendEntryWidth(fm, k) + spacing;
            }
        }
    }

    // ---- text --------------------------------------------------------------------------------

    private static String shorten(String s, int maxChars) {
        return s.length() <= maxChars ? s : s.substring(0, maxChars - 1) + "\u2026";
    }

    /**
     * {@code s}, cut with an ellipsis where it is wider than {@code maxWidth} pixels in {@code fm}'s font.
     *
     * @param s the text
     * @param fm the font's metrics
     * @param maxWidth the widest it may be, in pixels
     * @return {@code s}, or its start and an ellipsis
     */
    public static String shorten(String s, FontMetrics fm, int maxWidth) {
        if (fm.stringWidth(s) <= maxWidth) {
            return s;
        }
        int keep = s.length();
        while (keep > 1 && fm.stringWidth(s.substring(0, keep) + "\u2026") > maxWidth) {
            keep--;
        }
        return s.substring(0, keep) + "\u2026";
    }
}
