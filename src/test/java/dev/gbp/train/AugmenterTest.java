package dev.gbp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gbp.data.CifarImages;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmenterTest {
    /** Pixels 1..255 (never 0), so a masked pixel is the only place the normalised value equals 0. */
    private static CifarImages noise(int n) {
        SplittableRandom r = new SplittableRandom(5);
        byte[] px = new byte[n * CifarImages.PIXELS];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (1 + r.nextInt(255));
        }
        return new CifarImages(px, new int[n], List.of("a"));
    }

    @Test
    void cutoutMasksOneClippedSquarePerImageAndLeavesTheRestNormalised() {
        int n = 200;
        int side = 8;
        CifarImages images = noise(n);
        float[] mean = {0.31f, 0.41f, 0.51f}; // not k/255: no unmasked pixel normalises to exactly 0
        float[] std = {0.2f, 0.25f, 0.3f};
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        float[] out = new float[n * CifarImages.PIXELS];
        new Augmenter(0, false, mean, std, side).fill(images, order, 0, n, new SplittableRandom(1), out);
        int clipped = 0;
        for (int i = 0; i < n; i++) {
            int y0 = 32;
            int y1 = -1;
            int x0 = 32;
            int x1 = -1;
            int zeros = 0;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        float v = out[i * CifarImages.PIXELS + (c * 32 + y) * 32 + x];
                        float expected = (images.pixel(i, c, y, x) / 255f - mean[c]) / std[c];
                        if (v == 0f && expected != 0f) {
                            zeros++;
                            y0 = Math.min(y0, y);
                            y1 = Math.max(y1, y);
                            x0 = Math.min(x0, x);
                            x1 = Math.max(x1, x);
                        } else {
                            assertEquals(expected, v, 0f, "unmasked pixels are the normalised image");
                        }
                    }
                }
            }
            int h = y1 - y0 + 1;
            int w = x1 - x0 + 1;
            assertTrue(h >= side / 2 && h <= side && w >= side / 2 && w <= side, "box " + h + "x" + w);
            assertEquals(3 * h * w, zeros, "the masked pixels form one box in every channel");
            if (h < side || w < side) {
                clipped++;
                assertTrue(y0 == 0 || x0 == 0 || y1 == 31 || x1 == 31, "only boxes at an edge are clipped");
            }
        }
        assertTrue(clipped > 0 && clipped < n, "centres are uniform over the image, so some boxes are clipped: " + clipped);
    }

    /** A flip the caller gives is the exact left-right mirror of the normalised image, and no flip leaves it as it is. */
    @Test
    void givenFlipsMirrorExactlyTheImagesTheyName() {
        int n = 6;
        CifarImages images = noise(n);
        float[] mean = {0.31f, 0.41f, 0.51f};
        float[] std = {0.2f, 0.25f, 0.3f};
        int[] order = {3, 0, 5, 1, 4, 2};
        boolean[] mirrored = {true, false, false, true, true, false};
        float[] out = new float[n * CifarImages.PIXELS];
        new Augmenter(0, true, mean, std).fill(images, order, 0, n, new SplittableRandom(1), out, mirrored);
        for (int i = 0; i < n; i++) {
            int img = order[i];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int sx = mirrored[img] ? 31 - x : x;
                        float expected = (images.pixel(img, c, y, sx) / 255f - mean[c]) / std[c];
                        assertEquals(expected, out[i * CifarImages.PIXELS + (c * 32 + y) * 32 + x], 0f,
                                "image " + img + " (mirrored: " + mirrored[img] + ") at " + c + "," + y + "," + x);
                    }
                }
            }
        }
    }

    /** Alternating flips: every image's orientation changes from each epoch to the next, starting from the first choice. */
    @Test
    void alternatingFlipsInvertEveryImageFromOneEpochToTheNext() {
        boolean[] first = {true, false, false, true, false};
        boolean[] previous = null;
        for (int epoch = 1; epoch <= 4; epoch++) {
            boolean[] now = new boolean[first.length];
            Trainer.alternate(first, epoch, now);
            for (int i = 0; i < first.length; i++) {
                if (epoch == 1) {
                    assertEquals(first[i], now[i], "epoch 1 takes the first choice");
                } else {
                    assertEquals(!previous[i], now[i], "image " + i + " in epoch " + epoch);
                }
            }
            previous = now;
        }
    }
}
