package dev.gbp.render;

import dev.gbp.data.CifarImages;
import dev.gbp.metrics.LineChart;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Pictures of images and maps: nearest-neighbour upscaling, side-by-side panels, labels, PNG files. */
public final class Pictures {
    private static final Color BACKGROUND = new Color(250, 250, 250);
    private static final Color TEXT = new Color(30, 30, 30);
    /** The colour receptive fields are outlined in. */
    public static final Color FIELD = new Color(255, 215, 0);
    private static final Color ZERO_FILL = new Color(0x9A9A9A);
    private static final Color ZERO_HATCH = new Color(0xB4B4B4);
    private static final Color ZERO_LABEL_BACK = new Color(235, 235, 235);

    private Pictures() {}

    /**
     * Image {@code i} of a set as an RGB picture of its own size (width x height) upscaled {@code scale} times
     * by nearest neighbour; a 1-channel image is drawn in gray.
     *
     * @param images the set
     * @param i the image
     * @param scale the upscaling factor, at least 1
     * @return the picture, (W x scale) x (H x scale)
     */
    public static BufferedImage image(CifarImages images, int i, int scale) {
        int h = images.height();
        int w = images.width();
        boolean gray = images.channels() < 3;
        BufferedImage out = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = images.pixel(i, 0, y, x);
                int rgb = gray ? r << 16 | r << 8 | r : r << 16 | images.pixel(i, 1, y, x) << 8 | images.pixel(i, 2, y, x);
                fill(out, x, y, scale, rgb);
            }
        }
        return out;
    }

    /**
     * A map rendered with {@code norm}, upscaled {@code scale} times by nearest neighbour.
     *
     * @param map the map, C x H x W row-major (C = 1 or 3)
     * @param channels C
     * @param height H
     * @param width W
     * @param norm how values become colours
     * @param scale the upscaling factor, at least 1
     * @return the picture, (W x scale) x (H x scale)
     */
    public static BufferedImage map(float[] map, int channels, int height, int width, Normalization norm, int scale) {
        float[] rgb = norm.toRgb(map, channels, height, width);
        BufferedImage out = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int k = (y * width + x) * 3;
                int packed = to255(rgb[k]) << 16 | to255(rgb[k + 1]) << 8 | to255(rgb[k + 2]);
                fill(out, x, y, scale, packed);
            }
        }
        return out;
    }

    /**
     * The part of a picture inside {@code box} ({x0, y0, x1, y1} in unscaled pixels, inclusive) of a
     * picture drawn at scale 1, enlarged by nearest neighbour to about {@code size} pixels.
     *
     * @param unscaled the picture at scale 1
     * @param box {x0, y0, x1, y1}, inclusive
     * @param size about how many pixels the longer side of the result has
     * @return the enlarged part
     */
    public static BufferedImage zoom(BufferedImage unscaled, int[] box, int size) {
        int bw = box[2] - box[0] + 1;
        int bh = box[3] - box[1] + 1;
        int scale = Math.max(1, size / Math.max(bw, bh));
        BufferedImage out = new BufferedImage(bw * scale, bh * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < bh; y++) {
            for (int x = 0; x < bw; x++) {
                fill(out, x, y, scale, unscaled.getRGB(box[0] + x, box[1] + y));
            }
        }
        return out;
    }

    /**
     * A map cropped to {@code box} and normalised on the crop alone, enlarged to about {@code size} pixels.
     *
     * @param map the map, C x H x W row-major
     * @param channels C
     * @param height H
     * @param width W
     * @param box {x0, y0, x1, y1}, inclusive
     * @param norm how values become colours
     * @param size about how many pixels the longer side of the result has
     * @return the enlarged crop
     */
    public static BufferedImage mapZoom(float[] map, int channels, int height, int width, int[] box, Normalization norm,
            int size) {
        int bw = box[2] - box[0] + 1;
        int bh = box[3] - box[1] + 1;
        float[] crop = new float[channels * bw * bh];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < bh; y++) {
                System.arraycopy(map, (c * height + box[1] + y) * width + box[0], crop, (c * bh + y) * bw, bw);
            }
        }
        return map(crop, channels, bh, bw, norm, Math.max(1, size / Math.max(bw, bh)));
    }

    /**
     * Image {@code i} upscaled {@code scale} times with a receptive field ({x0, y0, x1, y1}) outlined in gold.
     *
     * @param images the set
     * @param i the image
     * @param field {x0, y0, x1, y1}, inclusive, in image pixels (e.g. {@link dev.gbp.model.ReceptiveField#of})
     * @param scale the upscaling factor, at least 1
     * @return the picture
     */
    public static BufferedImage imageWithField(CifarImages images, int i, int[] field, int scale) {
        return outline(image(images, i, scale), field, scale, FIELD);
    }

    /**
     * Outlines a box given in unscaled pixels ({x0, y0, x1, y1}, inclusive) on a picture upscaled by {@code scale}.
     *
     * @param picture the picture (unchanged)
     * @param box {x0, y0, x1, y1}, inclusive, in unscaled pixels
     * @param scale the picture's upscaling factor
     * @param color the outline's colour
     * @return a copy of the picture with the outline
     */
    public static BufferedImage outline(BufferedImage picture, int[] box, int scale, Color color) {
        BufferedImage copy = new BufferedImage(picture.getWidth(), picture.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = copy.createGraphics();
        g.drawImage(picture, 0, 0, null);
        g.setColor(color);
        int stroke = Math.max(1, scale / 2);
        g.setStroke(new BasicStroke(stroke));
        int x = box[0] * scale;
        int y = box[1] * scale;
        int w = (box[2] - box[0] + 1) * scale - stroke;
        int h = (box[3] - box[1] + 1) * scale - stroke;
        g.drawRect(x + stroke / 2, y + stroke / 2, w, h);
        g.dispose();
        return copy;
    }

    /**
     * Pictures side by side with a caption under each, and optional lines of text below.
     *
     * @param pictures the pictures, left to right
     * @param captions one caption per picture
     * @param lines text under the row (may be empty)
     * @return the composed picture
     */
    public static BufferedImage row(List<BufferedImage> pictures, List<String> captions, List<String> lines) {
        int gap = 6;
        int captionHeight = 16;
        int lineHeight = 15;
        int width = gap;
        int height = 0;
        for (BufferedImage p : pictures) {
            width += p.getWidth() + gap;
            height = Math.max(height, p.getHeight());
        }
        int total = gap + height + captionHeight + lines.size() * lineHeight + gap;
        int textWidth = 0;
        BufferedImage out = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D probe = out.createGraphics();
        probe.setFont(font());
        for (String l : lines) {
            textWidth = Math.max(textWidth, probe.getFontMetrics().stringWidth(l) + 2 * gap);
        }
        probe.dispose();
        out = new BufferedImage(Math.max(width, textWidth), total, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(font());
        g.setColor(TEXT);
        int x = gap;
        for (int i = 0; i < pictures.size(); i++) {
            BufferedImage p = pictures.get(i);
            g.drawImage(p, x, gap, null);
            if (i < captions.size()) {
                g.drawString(captions.get(i), x, gap + height + 12);
            }
            x += p.getWidth() + gap;
        }
        int y = gap + height + captionHeight;
        for (String l : lines) {
            g.drawString(l, gap, y + 11);
            y += lineHeight;
        }
        g.dispose();
        return out;
    }

    /**
     * A table of pictures: a title over each column, a label left of each row (the label column is as
     * wide as the longest label, so no label runs into a picture), and {@code cells.get(r).get(c)} in
     * each cell (null: an empty cell). Column titles too wide for their column are shortened with an
     * ellipsis.
     *
     * @param rowLabels one label per row
     * @param columnTitles one title per column
     * @param cells the pictures, row by row
     * @return the composed picture
     */
    public static BufferedImage labelledGrid(List<String> rowLabels, List<String> columnTitles, List<List<BufferedImage>> cells) {
        int gap = 6;
        int columns = columnTitles.size();
        int[] colWidth = new int[columns];
        int[] rowHeight = new int[cells.size()];
        for (int r = 0; r < cells.size(); r++) {
            for (int c = 0; c < cells.get(r).size(); c++) {
                BufferedImage p = cells.get(r).get(c);
                if (p != null) {
                    colWidth[c] = Math.max(colWidth[c], p.getWidth());
                    rowHeight[r] = Math.max(rowHeight[r], p.getHeight());
                }
            }
        }
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        pg.setFont(font());
        java.awt.FontMetrics fm = pg.getFontMetrics();
        pg.dispose();
        int labelWidth = 0;
        for (String l : rowLabels) {
            labelWidth = Math.max(labelWidth, fm.stringWidth(l));
        }
        int titleHeight = fm.getHeight() + 2;
        int width = gap + labelWidth + gap;
        for (int w : colWidth) {
            width += w + gap;
        }
        int height = gap + titleHeight;
        for (int h : rowHeight) {
            height += h + gap;
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, width, height);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(font());
        g.setColor(TEXT);
        int x = gap + labelWidth + gap;
        for (int c = 0; c < columns; c++) {
            String t = LineChart.shorten(columnTitles.get(c), fm, colWidth[c] + gap - 2);
            g.drawString(t, x + (colWidth[c] - fm.stringWidth(t)) / 2, gap + fm.getAscent());
            x += colWidth[c] + gap;
        }
        int y = gap + titleHeight;
        for (int r = 0; r < cells.size(); r++) {
            if (r < rowLabels.size()) {
                g.setColor(TEXT);
                g.drawString(rowLabels.get(r), gap, y + (rowHeight[r] + fm.getAscent() - fm.getDescent()) / 2);
            }
            x = gap + labelWidth + gap;
            for (int c = 0; c < columns; c++) {
                BufferedImage p = c < cells.get(r).size() ? cells.get(r).get(c) : null;
                if (p != null) {
                    g.drawImage(p, x, y, null);
                }
                x += colWidth[c] + gap;
            }
            y += rowHeight[r] + gap;
        }
        g.dispose();
        return out;
    }

    /**
     * Whether every value of a map is exactly zero (such a map has nothing to normalise and would draw as a flat colour).
     *
     * @param map the map
     * @return true when all values are 0
     */
    public static boolean isZero(float[] map) {
        for (float v : map) {
            if (v != 0f) {
                return false;
            }
        }
        return true;
    }

    /**
     * The tile drawn in place of an all-zero map: grey with light diagonal hatching and the words
     * "zero map", so that it cannot be taken for a dark but real map.
     *
     * @param width the tile's width
     * @param height the tile's height
     * @return the tile
     */
    public static BufferedImage zeroMapTile(int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(ZERO_FILL);
        g.fillRect(0, 0, width, height);
        g.setColor(ZERO_HATCH);
        for (int k = -height; k < width; k += 8) {
            g.drawLine(k, height, k + height, 0);
        }
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(font());
        java.awt.FontMetrics fm = g.getFontMetrics();
        String[] words = fm.stringWidth("zero map") + 4 <= width ? new String[] {"zero map"} : new String[] {"zero", "map"};
        int lineH = fm.getHeight();
        int top = (height - words.length * lineH) / 2;
        for (int i = 0; i < words.length; i++) {
            int w = fm.stringWidth(words[i]);
            int bx = (width - w) / 2;
            int by = top + i * lineH;
            g.setColor(ZERO_LABEL_BACK);
            g.fillRect(bx - 2, by, w + 4, lineH);
            g.setColor(TEXT);
            g.drawString(words[i], bx, by + fm.getAscent());
        }
        g.dispose();
        return out;
    }

    /**
     * A grid of equally sized tiles, {@code columns} wide.
     *
     * @param tiles the tiles, row by row
     * @param columns tiles per row
     * @param gap pixels between tiles
     * @return the composed picture
     */
    public static BufferedImage grid(List<BufferedImage> tiles, int columns, int gap) {
        int tw = tiles.stream().mapToInt(BufferedImage::getWidth).max().orElse(1);
        int th = tiles.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
        int rows = (tiles.size() + columns - 1) / columns;
        BufferedImage out = new BufferedImage(columns * (tw + gap) + gap, rows * (th + gap) + gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        for (int i = 0; i < tiles.size(); i++) {
            g.drawImage(tiles.get(i), gap + (i % columns) * (tw + gap), gap + (i / columns) * (th + gap), null);
        }
        g.dispose();
        return out;
    }

    /**
     * One channel of a layer's output ({@code height x width} values from {@code offset}) in grey: black at
     * 0, or at the channel's minimum when that is negative, white at its maximum; upscaled {@code scale}
     * times by nearest neighbour. An all-zero channel is black.
     *
     * @param values a layer's output for one image, C x H x W row-major
     * @param offset where the channel starts in {@code values}
     * @param height H
     * @param width W
     * @param scale the upscaling factor, at least 1
     * @return the picture
     */
    public static BufferedImage featureMap(float[] values, int offset, int height, int width, int scale) {
        float lo = 0;
        float hi = 0;
        for (int k = offset; k < offset + height * width; k++) {
            lo = Math.min(lo, values[k]);
            hi = Math.max(hi, values[k]);
        }
        BufferedImage out = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float v = hi > lo ? (values[offset + y * width + x] - lo) / (hi - lo) : 0f;
                int g = Math.round(v * 255f);
                fill(out, x, y, scale, g << 16 | g << 8 | g);
            }
        }
        return out;
    }

    /**
     * The picture encoded as PNG.
     *
     * @param image the picture
     * @return the PNG file's bytes
     */
    public static byte[] pngBytes(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PngEncoder.write(image, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the picture as a PNG file.
     *
     * @param image the picture
     * @param file the file, replaced if it exists
     * @throws IOException when the file cannot be written
     */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file), 1 << 16)) {
            PngEncoder.write(image, out);
        }
    }

    /**
     * The upscaling that shows a {@code height x width} image at about {@code size} pixels on its longer
     * side, never below 1: 4 for CIFAR's 32 x 32 at 128, 1 for 224 x 224 (drawn at its own size).
     *
     * @param height the image's height
     * @param width the image's width
     * @param size the wanted length of the longer side, in pixels
     * @return the factor, at least 1
     */
    public static int scaleFor(int height, int width, int size) {
        return Math.max(1, size / Math.max(height, width));
    }

    private static Font font() {
        return new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    }

    private static int to255(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }

    private static void fill(BufferedImage out, int x, int y, int scale, int rgb) {
        if (out.getType() == BufferedImage.TYPE_INT_RGB) {
            // Straight into the pixels: setRGB converts through the colour model at every call (a third of the time
            // of gbp explain's pictures went there).
            int[] px = ((java.awt.image.DataBufferInt) out.getRaster().getDataBuffer()).getData();
            int w = out.getWidth();
            int v = rgb & 0xffffff;
            for (int dy = 0; dy < scale; dy++) {
                int row = (y * scale + dy) * w + x * scale;
                java.util.Arrays.fill(px, row, row + scale, v);
            }
            return;
        }
        for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
                out.setRGB(x * scale + dx, y * scale + dy, rgb);
            }
        }
    }
}
