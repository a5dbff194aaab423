package dev.gbp.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MapReductionTest {
    // 2 channels x 2 x 3.
    private static final float[] MAP = {
        1, -2, 3, -4, 5, -6,
        -0.5f, 0.5f, 0, 2, -2, 1,
    };

    @Test
    void absSumAddsMagnitudesOverChannels() {
        assertArrayEquals(new float[] {1.5f, 2.5f, 3, 6, 7, 7}, MapReduction.absSum(MAP, 2, 2, 3));
    }

    @Test
    void signedSumKeepsTheSign() {
        assertArrayEquals(new float[] {0.5f, -1.5f, 3, -2, 3, -5}, MapReduction.signedSum(MAP, 2, 2, 3));
    }

    @Test
    void reductionsRejectAWrongShape() {
        assertThrows(IllegalArgumentException.class, () -> MapReduction.absSum(MAP, 3, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> MapReduction.signedSum(MAP, 2, 3, 3));
    }

    /*
     * import numpy as np
     * v = np.array([3.5, -1, 2, 7.25, 0, 2, 10, -4.5])
     * [np.percentile(v, p) for p in [0, 10, 25, 33.3, 50, 90, 99, 100]]
     * -> -4.5, -2.05, -0.25, 0.661999999999999, 2.0, 8.075, 9.8075, 10.0
     */
    @Test
    void percentileMatchesNumpyLinear() {
        float[] v = {3.5f, -1, 2, 7.25f, 0, 2, 10, -4.5f};
        double[] p = {0, 10, 25, 33.3, 50, 90, 99, 100};
        double[] numpy = {-4.5, -2.05, -0.25, 0.661999999999999, 2.0, 8.075, 9.8075, 10.0};
        for (int i = 0; i < p.length; i++) {
            assertEquals(numpy[i], MapReduction.percentile(v, p[i]), 1e-6, "p = " + p[i]);
        }
        assertArrayEquals(new float[] {3.5f, -1, 2, 7.25f, 0, 2, 10, -4.5f}, v, "input must not be sorted in place");
    }

    /*
     * i = np.arange(1024)
     * w = ((i*37) % 101).astype(np.float32) / np.float32(7) - np.float32(5)
     * [np.percentile(w.astype(np.float64), p) for p in [1, 50, 99, 99.9]]
     * -> -4.9671428728103635, 2.142857074737549, 9.142857551574707, 9.285714149475098
     */
    @Test
    void percentileOfALongArrayMatchesNumpy() {
        float[] w = new float[1024];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((i * 37) % 101) / 7f - 5f;
        }
        assertEquals(-4.9671428728103635, MapReduction.percentile(w, 1), 1e-6);
        assertEquals(2.142857074737549, MapReduction.percentile(w, 50), 1e-6);
        assertEquals(9.142857551574707, MapReduction.percentile(w, 99), 1e-6);
        assertEquals(9.285714149475098, MapReduction.percentile(w, 99.9), 1e-6);
    }

    @Test
    void percentileRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> MapReduction.percentile(new float[0], 50));
        assertThrows(IllegalArgumentException.class, () -> MapReduction.percentile(new float[] {1}, 101));
        assertThrows(IllegalArgumentException.class, () -> MapReduction.percentile(new float[] {1}, -1));
        assertThrows(IllegalArgumentException.class, () -> MapReduction.percentile(new float[] {1, Float.NaN}, 50));
    }

    @Test
    void clipAtPercentileCapsOnlyTheTop() {
        // 0..10 and an outlier: the 90th percentile of 12 values sits at position 9.9, 9 + 0.9 * (10 - 9) = 9.9.
        float[] v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1000};
        float[] clipped = MapReduction.clipAtPercentile(v, 90);
        float top = MapReduction.percentile(v, 90);
        assertEquals(9.9f, top, 1e-5f);
        for (int i = 0; i < 10; i++) {
            assertEquals(v[i], clipped[i]);
        }
        assertEquals(top, clipped[10]);
        assertEquals(top, clipped[11]);
        assertEquals(1000f, v[11], "input untouched");
    }

    @Test
    void minMaxScalesToUnitRange() {
        assertArrayEquals(new float[] {0.25f, 0, 1, 0.5f}, MapReduction.minMax(new float[] {1, 0, 4, 2}));
        assertArrayEquals(new float[] {0.5f, 0, 1}, MapReduction.minMax(new float[] {-1, -3, 1}));
    }

    @Test
    void minMaxOfAConstantIsZeroNotNaN() {
        assertArrayEquals(new float[] {0, 0, 0}, MapReduction.minMax(new float[] {2.5f, 2.5f, 2.5f}));
        assertArrayEquals(new float[] {0, 0}, MapReduction.minMax(new float[] {0, 0}));
        assertArrayEquals(new float[0], MapReduction.minMax(new float[0]));
    }
}
