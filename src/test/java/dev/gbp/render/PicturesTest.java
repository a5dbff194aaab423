package dev.gbp.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PicturesTest {
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
