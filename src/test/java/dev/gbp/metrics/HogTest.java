package dev.gbp.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HogTest {
    @Test
    void featureLengthFor32x32Is1764() {
        // 8 x 8 cells of 4 px, 7 x 7 blocks of 2 x 2 cells, 9 bins.
        assertEquals(1764, Hog.features(new float[32 * 32], 32, 32).length);
        // 12 x 8: 3 x 2 cells, 2 x 1 blocks; 13 x 10 drops the partial cells.
        assertEquals(72, Hog.features(new float[12 * 8], 12, 8).length);
        assertEquals(72, Hog.features(new float[13 * 10], 13, 10).length);
    }

    /*
     * 8 x 8 image, 0 left of x = 4 and 1 from x = 4: g_col = 1 at x = 3 and 4 (rows 0..7), angle 0,
     * bin 0. Each of the 2 x 2 cells holds 4 px of magnitude 1 in bin 0: 4 / 16 = 0.25. L2: 0.25 /
     * sqrt(4 * 0.0625) = 0.5, clipped to 0.2, renormalised: 0.2 / sqrt(4 * 0.04) = 0.5 (up to eps).
     */
    @Test
    void verticalEdgeVotesInBinZero() {
        float[] img = new float[64];
        for (int y = 0; y < 8; y++) {
            for (int x = 4; x < 8; x++) {
                img[y * 8 + x] = 1;
            }
        }
        float[] f = Hog.features(img, 8, 8);
        assertEquals(36, f.length);
        for (int i = 0; i < 36; i++) {
            assertEquals(i % 9 == 0 ? 0.5 : 0.0, f[i], 1e-6, "feature " + i);
        }
    }

    /* The same edge turned horizontal: g_row = 1, angle atan2(1, 0) = 90 degrees, bin 4 ([80, 100)). */
    @Test
    void horizontalEdgeVotesInBinFour() {
        float[] img = new float[64];
        for (int y = 4; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img[y * 8 + x] = 1;
            }
        }
        float[] f = Hog.features(img, 8, 8);
        for (int i = 0; i < 36; i++) {
            assertEquals(i % 9 == 4 ? 0.5 : 0.0, f[i], 1e-6, "feature " + i);
        }
    }

    /*
     * numpy transcription of skimage.feature.hog (_hog_channel_gradient, hog_histograms, L2-Hys):
     *
     * def hog(image, orientations=9, ppc=4, cpb=2):
     *     image = image.astype(np.float64)
     *     g_row = np.zeros_like(image); g_col = np.zeros_like(image)
     *     g_row[1:-1, :] = image[2:, :] - image[:-2, :]
     *     g_col[:, 1:-1] = image[:, 2:] - image[:, :-2]
     *     mag = np.hypot(g_col, g_row)
     *     ori = np.rad2deg(np.arctan2(g_row, g_col)) % 180
     *     ncr, ncc = image.shape[0] // ppc, image.shape[1] // ppc
     *     hist = np.zeros((ncr, ncc, orientations))
     *     for i in range(orientations):
     *         start, end = 180 / orientations * (i + 1), 180 / orientations * i
     *         sel = (ori < start) & (ori >= end)
     *         for r in range(ncr):
     *             for c in range(ncc):
     *                 cs = (slice(r*ppc, (r+1)*ppc), slice(c*ppc, (c+1)*ppc))
     *                 hist[r, c, i] = (mag[cs] * sel[cs]).sum() / (ppc * ppc)
     *     nbr, nbc = ncr - cpb + 1, ncc - cpb + 1
     *     out = np.zeros((nbr, nbc, cpb, cpb, orientations))
     *     for r in range(nbr):
     *         for c in range(nbc):
     *             blk = hist[r:r+cpb, c:c+cpb, :]
     *             o = blk / np.sqrt(np.sum(blk**2) + 1e-10)
     *             o = np.minimum(o, 0.2)
     *             out[r, c] = o / np.sqrt(np.sum(o**2) + 1e-10)
     *     return out.ravel()
     *
     * y, x = np.mgrid[0:12, 0:8]
     * f = hog(((y*y*3 + x*5) % 17).astype(np.float32) / np.float32(16))
     */
    private static final double[] NUMPY_12X8 = {
        0.236102749, 0.236102749, 0, 0, 0.214688128, 0, 0.236102749, 0.114299345, 0.148852682,
        0.236102749, 0.0879436718, 0.236102749, 0.169224802, 0.214688128, 0, 0.236102749, 0.114299345, 0.0744263411,
        0.144578506, 0.236102749, 0, 0, 0.163571907, 0, 0.233125836, 0.236102749, 0.209476135,
        0.144578506, 0.187965618, 0.236102749, 0.150944392, 0.163571907, 0, 0.116562918, 0.0824224297, 0.209476135,
        0.153267272, 0.235683181, 0, 0, 0.173402124, 0, 0.235683181, 0.235683181, 0.222065068,
        0.153267272, 0.199261829, 0.235683181, 0.16001573, 0.173402124, 0, 0.123568025, 0.0873757884, 0.222065068,
        0.235683181, 0.12638743, 0.235683181, 0, 0.140889225, 0, 0.235683181, 0.12638743, 0.153267272,
        0.235683181, 0.12638743, 0.235683181, 0, 0.140889225, 0, 0.235683181, 0.12638743, 0.153267272,
    };

    @Test
    void matchesANumpyTranscriptionOfSkimage() {
        int h = 12;
        int w = 8;
        float[] img = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img[y * w + x] = (float) ((y * y * 3 + x * 5) % 17) / 16f;
            }
        }
        float[] f = Hog.features(img, h, w);
        assertEquals(NUMPY_12X8.length, f.length);
        for (int i = 0; i < f.length; i++) {
            assertEquals(NUMPY_12X8[i], f[i], 1e-6, "feature " + i);
        }
    }

    @Test
    void rejectsMapsTooSmallForABlock() {
        assertThrows(IllegalArgumentException.class, () -> Hog.features(new float[7 * 8], 7, 8));
        assertThrows(IllegalArgumentException.class, () -> Hog.features(new float[10], 4, 4));
    }
}
