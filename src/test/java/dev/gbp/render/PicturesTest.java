package dev.gbp.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PicturesTest {
    private static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                b.setRGB(x, y, rgb);
            }
        }
        return b;
    }

    @Test
    void rowLabelsNeverRunIntoThePictures() {
        int red = 0xFF0000;
        List<List<BufferedImage>> cells = List.of(
                java.util.Arrays.asList(null, solid(64, 64, red), solid(64, 64, red)),
                java.util.Arrays.asList(solid(64, 64, red), solid(64, 64, red), solid(64, 64, red)));
        BufferedImage g = Pictures.labelledGrid(List.of("guided", "integrated-gradients"), List.of("image", "trained", "conv3"), cells);
        int firstRed = g.getWidth();
        int lastText = -1;
        for (int y = 0; y < g.getHeight(); y++) {
            for (int x = 0; x < g.getWidth(); x++) {
                int rgb = g.getRGB(x, y) & 0xFFFFFF;
                if (rgb == red) {
                    firstRed = Math.min(firstRed, x);
                } else if (y > 20 && (rgb >> 16 & 0xFF) < 128) {
                    lastText = Math.max(lastText, x); // dark text of the row labels (the column titles are above y = 20)
                }
            }
        }
        assertTrue(lastText > 50, "the long label is drawn: " + lastText);
        assertTrue(lastText < firstRed, "label ends at " + lastText + ", pictures start at " + firstRed);
        assertEquals(0xFAFAFA, g.getRGB(firstRed + 10, 30) & 0xFFFFFF, "an empty cell stays background");
    }

    @Test
    void aZeroMapTileIsNeitherBlackNorAMap() {
        float[] zero = new float[3 * 32 * 32];
        assertTrue(Pictures.isZero(zero));
        zero[5] = 1e-9f;
        assertFalse(Pictures.isZero(zero));
        BufferedImage tile = Pictures.zeroMapTile(64, 64);
        assertEquals(64, tile.getWidth());
        int black = 0;
        int dark = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int rgb = tile.getRGB(x, y) & 0xFFFFFF;
                black += rgb == 0 ? 1 : 0;
                dark += (rgb & 0xFF) < 100 ? 1 : 0;
            }
        }
        assertEquals(0, black, "no black: it cannot pass for a dark map");
        assertTrue(dark > 20, "the words 'zero map' are written on it");
    }

    @Test
    void featureMapIsGreyFromMinOfZeroAndMinimumToMaximum() throws Exception {
        // Channel 1 of two 2x2 channels: -1 is black, 3 white, 0 a quarter grey, 1 half grey.
        float[] values = {9, 9, 9, 9, -1, 0, 3, 1};
        BufferedImage p = Pictures.featureMap(values, 4, 2, 2, 3);
        assertEquals(6, p.getWidth());
        int[] expected = {0, 64, 255, 128};
        for (int k = 0; k < 4; k++) {
            int rgb = p.getRGB((k % 2) * 3 + 2, (k / 2) * 3 + 1) & 0xffffff;
            assertEquals(expected[k] << 16 | expected[k] << 8 | expected[k], rgb, "pixel " + k);
        }
        BufferedImage zero = Pictures.featureMap(new float[4], 0, 2, 2, 1);
        assertEquals(0, zero.getRGB(1, 1) & 0xffffff, "an all-zero channel is black");
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(Pictures.pngBytes(p)));
        assertEquals(p.getRGB(4, 4), back.getRGB(4, 4));
    }
}
