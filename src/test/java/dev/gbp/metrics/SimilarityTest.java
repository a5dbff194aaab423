package dev.gbp.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SimilarityTest {
    private static float[] randomMap(long seed, int n) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void identicalMapsHaveSpearmanOne() {
        float[] a = randomMap(1, 3 * 32 * 32);
        assertEquals(1.0, Similarity.spearman(a, a.clone()), 1e-12);
    }

    @Test
    void aMapAndItsNegationHaveSpearmanMinusOne() {
        float[] a = randomMap(2, 32 * 32);
        a[5] = a[7]; // a tie as well
        float[] neg = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            neg[i] = -a[i];
        }
        assertEquals(-1.0, Similarity.spearman(a, neg), 1e-12);
    }

    /*
     * Ranks of [1, 2, 2, 3] are [1, 2.5, 2.5, 4]; against [1, 2, 3, 4] the deviations are
     * [-1.5, 0, 0, 1.5] and [-1.5, -0.5, 0.5, 1.5]: 4.5 / sqrt(4.5 * 5) = 0.9486832980505138.
     */
    @Test
    void tiesGetAverageRanks() {
        assertEquals(0.9486832980505138, Similarity.spearman(new float[] {1, 2, 2, 3}, new float[] {1, 2, 3, 4}), 1e-12);
        double[] ranks = Similarity.averageRanks(new float[] {5, -0f, 3, 5, 0, 5});
        assertEquals(5, ranks[0]);
        assertEquals(1.5, ranks[1]);
        assertEquals(3, ranks[2]);
        assertEquals(5, ranks[3]);
        assertEquals(1.5, ranks[4]);
        assertEquals(5, ranks[5]);
    }

    /*
     * Average ranks in numpy (argsort, then each run of equal values gets the mean of its ranks) and
     * np.corrcoef of the ranks:
     * i = np.arange(50)
     * p = ((i*17) % 23).astype(np.float32); q = ((i*i) % 19).astype(np.float32) - 9
     * np.corrcoef(avgrank(p), avgrank(q))[0, 1] -> -0.03318791436029418
     */
    @Test
    void spearmanWithManyTiesMatchesNumpy() {
        float[] p = new float[50];
        float[] q = new float[50];
        for (int i = 0; i < 50; i++) {
            p[i] = (i * 17) % 23;
            q[i] = (i * i) % 19 - 9;
        }
        assertEquals(-0.03318791436029418, Similarity.spearman(p, q), 1e-12);
    }

    // np.corrcoef([1, 2, 4, 8, 3], [2, 1, 5, 7, 7])[0, 1] -> 0.7222503664596311
    @Test
    void pearsonMatchesNumpy() {
        assertEquals(0.7222503664596311, Similarity.pearson(new double[] {1, 2, 4, 8, 3}, new double[] {2, 1, 5, 7, 7}), 1e-12);
    }

    @Test
    void constantInputGivesZeroNotNaN() {
        float[] c = {0.1f, 0.1f, 0.1f, 0.1f};
        assertEquals(0.0, Similarity.spearman(c, new float[] {1, 2, 3, 4}));
        assertEquals(0.0, Similarity.spearman(new float[] {1, 2, 3, 4}, new float[4]));
        // 0.1 * 3 / 3 != 0.1 in double: a mean-based test would see a tiny nonzero variance.
        assertEquals(0.0, Similarity.pearson(new double[] {0.1, 0.1, 0.1}, new double[] {1, 5, 2}));
        assertEquals(0.0, Similarity.hogSpearman(new float[64], randomMap(3, 64), 8, 8));
    }

    @Test
    void correlationRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Similarity.spearman(new float[] {1, 2}, new float[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> Similarity.spearman(new float[] {1}, new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Similarity.spearman(new float[] {1, Float.NaN}, new float[] {1, 2}));
    }

    @Test
    void identicalMapsHaveSsimOne() {
        float[] a = randomMap(4, 32 * 32);
        assertEquals(1.0, Similarity.ssim(a, a.clone(), 32, 32, 8), 1e-12);
        assertEquals(1.0, Similarity.ssim(new float[49], new float[49], 7, 7, 1), 1e-12);
    }

    /*
     * Independent SSIM in numpy, window by window with np.var and np.cov (ddof=1), averaged over the
     * centres at least 3 pixels from the border:
     *
     * h, w = 10, 12
     * y, x = np.mgrid[0:h, 0:w]
     * a = (((y*7 + x*3) % 11).astype(np.float32) / np.float32(10)).astype(np.float64)
     * b = (((y*5 + x*x) % 13).astype(np.float32) / np.float32(12)).astype(np.float64)
     * def ssim(a, b, R):
     *     C1, C2 = (0.01*R)**2, (0.03*R)**2
     *     vals = []
     *     for i in range(3, a.shape[0]-3):
     *         for j in range(3, a.shape[1]-3):
     *             pa = a[i-3:i+4, j-3:j+4].ravel(); pb = b[i-3:i+4, j-3:j+4].ravel()
     *             mx, my = pa.mean(), pb.mean()
     *             vx, vy = pa.var(ddof=1), pb.var(ddof=1)
     *             cxy = np.cov(pa, pb, ddof=1)[0, 1]
     *             vals.append((2*mx*my + C1)*(2*cxy + C2) / ((mx*mx + my*my + C1)*(vx + vy + C2)))
     *     return np.mean(vals)
     * ssim(a, b, 1.0) -> 0.22374136131421155
     * ssim(a, b, 2.0) -> 0.23395223266861256
     * c = (0.5*a + 0.25).astype(np.float32).astype(np.float64)   # the float map the test passes
     * ssim(a, c, 1.0) -> 0.8013641954898082
     */
    @Test
    void ssimMatchesAStraightforwardNumpyImplementation() {
        int h = 10;
        int w = 12;
        float[] a = new float[h * w];
        float[] b = new float[h * w];
        float[] c = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                a[y * w + x] = (float) ((y * 7 + x * 3) % 11) / 10f;
                b[y * w + x] = (float) ((y * 5 + x * x) % 13) / 12f;
                c[y * w + x] = (float) (0.5 * a[y * w + x] + 0.25); // rounded to float as in the numpy script
            }
        }
        assertEquals(0.22374136131421155, Similarity.ssim(a, b, h, w, 1.0), 1e-12);
        assertEquals(0.23395223266861256, Similarity.ssim(a, b, h, w, 2.0), 1e-12);
        assertEquals(0.8013641954898082, Similarity.ssim(a, c, h, w, 1.0), 1e-12);
    }

    @Test
    void ssimRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Similarity.ssim(new float[36], new float[36], 6, 6, 1));
        assertThrows(IllegalArgumentException.class, () -> Similarity.ssim(new float[49], new float[48], 7, 7, 1));
        assertThrows(IllegalArgumentException.class, () -> Similarity.ssim(new float[49], new float[49], 7, 7, 0));
    }

    @Test
    void identicalMapsHaveHogSpearmanOne() {
        float[] a = randomMap(5, 32 * 32);
        assertEquals(1.0, Similarity.hogSpearman(a, a.clone(), 32, 32), 1e-12);
    }

    @Test
    void hogSpearmanIgnoresScalingByAPositiveConstant() {
        float[] a = randomMap(6, 32 * 32);
        float[] b = randomMap(7, 32 * 32);
        for (float k : new float[] {4f, 0.25f, 3.7f, 1000f}) {
            float[] ka = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                ka[i] = k * a[i];
            }
            assertEquals(1.0, Similarity.hogSpearman(a, ka, 32, 32), 1e-6, "k = " + k);
            assertEquals(Similarity.hogSpearman(a, b, 32, 32), Similarity.hogSpearman(ka, b, 32, 32), 1e-6, "k = " + k);
        }
        // Unrelated random maps are far from identical.
        assertTrue(Math.abs(Similarity.hogSpearman(a, b, 32, 32)) < 0.5);
    }
}
