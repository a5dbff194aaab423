package dev.gbp.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NormalizationTest {
    @Test
    void zeroMapsRenderFlatNeverNaN() {
        float[] zero = new float[3 * 4];
        for (Normalization n : Normalization.values()) {
            float[] rgb = n.toRgb(zero, 3, 2, 2);
            for (float v : rgb) {
                assertTrue(v >= 0 && v <= 1, n + " gives " + v);
                assertEquals(rgb[0], v, 0f, n + " is flat");
            }
        }
    }

    @Test
    void colorIsMinMaxOverTheWholeSignedMap() {
        // One pixel, channels R=-1, G=0, B=3: min -1, max 3.
        float[] rgb = Normalization.COLOR.toRgb(new float[] {-1, 0, 3}, 3, 1, 1);
        assertArrayEquals(new float[] {0f, 0.25f, 1f}, rgb, 1e-6f);
    }

    @Test
    void grayClipsAtTheNinetyNinthPercentile() {
        float[] g = new float[3 * 100];
        for (int k = 0; k < 100; k++) {
            g[k] = k; // R channel only
        }
        g[99] = 1000; // one outlier
        float[] rgb = Normalization.GRAY.toRgb(g, 3, 10, 10);
        assertEquals(0f, rgb[0], 0f);
        assertEquals(1f, rgb[99 * 3], 0f);
        // numpy: np.percentile(s, 99) with s = 0..98, 1000 is 98 + 0.01 * (1000 - 98) = 107.02
        assertEquals(98 / 107.02f, rgb[98 * 3], 1e-5f);
    }

    @Test
    void divergingIsWhiteAtZeroRedPositiveBlueNegative() {
        float[] rgb = Normalization.DIVERGING.toRgb(new float[] {0, 5, -5}, 1, 1, 3);
        assertArrayEquals(new float[] {1, 1, 1}, new float[] {rgb[0], rgb[1], rgb[2]}, 1e-6f);
        assertArrayEquals(new float[] {1, 0, 0}, new float[] {rgb[3], rgb[4], rgb[5]}, 1e-6f);
        assertArrayEquals(new float[] {0, 0, 1}, new float[] {rgb[6], rgb[7], rgb[8]}, 1e-6f);
    }

    @Test
    void positiveAndNegativeSplitTheSign() {
        float[] g = {2, -4, 1};
        assertArrayEquals(new float[] {1, 0, 0.5f}, Normalization.POSITIVE.toRgb(g, 3, 1, 1), 1e-6f);
        assertArrayEquals(new float[] {0, 1, 0}, Normalization.NEGATIVE.toRgb(g, 3, 1, 1), 1e-6f);
    }
}
