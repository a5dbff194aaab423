package dev.gbp.metrics;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The similarity measures of Adebayo et al. (2018, "Sanity Checks for Saliency Maps") between a map
 * and the map of a randomised model: Spearman rank correlation, SSIM and the Spearman correlation of
 * HOG features. A method that passes the check gives maps that stop resembling the original as the
 * weights are randomised; one that fails keeps a high similarity, revealing that the map depends on
 * the input more than on the model.
 *
 * <p>Correlation is undefined when an input is constant (its variance is zero). These methods report
 * such a correlation as 0, never NaN, so that a dead map (all zeros) reads as "unrelated" and an
 * average over many images is not poisoned by one NaN.
 */
public final class Similarity {
    private static final int SSIM_WIN = 7;
    private static final double SSIM_K1 = 0.01;
    private static final double SSIM_K2 = 0.03;

    private Similarity() {}

    /**
     * Spearman rank correlation, as {@code scipy.stats.spearmanr}: the Pearson correlation of the
     * ranks, tied values sharing the average of the ranks they span. 0 if either input is constant
     * (undefined correlation, reported as 0).
     *
     * @param a one sample
     * @param b the other, of the same length
     * @return the correlation, -1 to 1
     * @throws IllegalArgumentException if the lengths differ, fewer than 2 values are given, or a value is NaN
     */
    public static double spearman(float[] a, float[] b) {
        checkPair(a.length, b.length);
        return pearson(averageRanks(a), averageRanks(b));
    }

    /**
     * Pearson correlation coefficient, clamped to [-1, 1] against rounding. 0 if either input is
     * constant (all values equal; undefined correlation, reported as 0).
     *
     * @param a one sample
     * @param b the other, of the same length
     * @return the correlation, -1 to 1
     * @throws IllegalArgumentException if the lengths differ, fewer than 2 values are given, or a value is NaN
     */
    public static double pearson(double[] a, double[] b) {
        checkPair(a.length, b.length);
        if (constant(a) || constant(b)) {
            return 0;
        }
        double ma = Arrays.stream(a).average().orElseThrow();
        double mb = Arrays.stream(b).average().orElseThrow();
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double da = a[i] - ma;
            double db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        double r = sab / Math.sqrt(saa * sbb);
        return Math.max(-1, Math.min(1, r));
    }

    /**
     * Mean structural similarity of two h x w grey maps with the defaults of scikit-image's
     * {@code structural_similarity} for 2-D images: a uniform 7 x 7 window, K1 = 0.01, K2 = 0.03,
     * C1 = (K1 * dataRange)^2, C2 = (K2 * dataRange)^2, and sample (co)variances (divided by N - 1 =
     * 48, {@code use_sample_covariance=True}). As scikit-image does, the SSIM map is averaged only
     * over the pixels whose window lies entirely inside the image, i.e. excluding a border of
     * (7 - 1) / 2 = 3 pixels on each side, so the result does not depend on any padding rule.
     * Arithmetic is in double (scikit-image computes in float32 for float32 input; results agree to
     * about 1e-6).
     *
     * @param a one map, h x w row-major
     * @param b the other, of the same shape
     * @param h height
     * @param w width
     * @param dataRange the value range of the maps (max - min possible value), e.g. 1 for maps scaled to [0, 1]
     * @return the mean SSIM
     * @throws IllegalArgumentException if the shapes do not match, h or w is below 7, or dataRange is not positive
     */
    public static double ssim(float[] a, float[] b, int h, int w, double dataRange) {
        if (a.length != b.length || a.length != (long) h * w) {
            throw new IllegalArgumentException("maps of length " + a.length + " and " + b.length + " are not " + h + " x " + w);
        }
        if (h < SSIM_WIN || w < SSIM_WIN) {
            throw new IllegalArgumentException("SSIM needs maps of at least " + SSIM_WIN + " x " + SSIM_WIN + ", got " + h + " x " + w);
        }
        if (!(dataRange > 0) || Double.isInfinite(dataRange)) {
            throw new IllegalArgumentException("dataRange must be positive and finite, got " + dataRange);
        }
        double c1 = Math.pow(SSIM_K1 * dataRange, 2);
        double c2 = Math.pow(SSIM_K2 * dataRange, 2);
        int np = SSIM_WIN * SSIM_WIN;
        double covNorm = np / (np - 1.0);
        int pad = (SSIM_WIN - 1) / 2;
        double total = 0;
        int count = 0;
        for (int y = pad; y < h - pad; y++) {
            for (int x = pad; x < w - pad; x++) {
                double sa = 0;
                double sb = 0;
                double saa = 0;
                double sbb = 0;
                double sab = 0;
                for (int dy = -pad; dy <= pad; dy++) {
                    int row = (y + dy) * w;
                    for (int dx = -pad; dx <= pad; dx++) {
                        double va = a[row + x + dx];
                        double vb = b[row + x + dx];
                        sa += va;
                        sb += vb;
                        saa += va * va;
                        sbb += vb * vb;
                        sab += va * vb;
                    }
                }
                // The same moment formulas as scikit-image (filtered means of x, y, x^2, y^2, xy).
                double ux = sa / np;
                double uy = sb / np;
                double vx = covNorm * (saa / np - ux * ux);
                double vy = covNorm * (sbb / np - uy * uy);
                double vxy = covNorm * (sab / np - ux * uy);
                double num = (2 * ux * uy + c1) * (2 * vxy + c2);
                double den = (ux * ux + uy * uy + c1) * (vx + vy + c2);
                total += num / den;
                count++;
            }
        }
        return total / count;
    }

    /**
     * Spearman rank correlation between the {@link Hog#features HOG features} of two h x w grey maps:
     * compares the local edge structure of the maps while ignoring their overall scale.
     *
     * @param a one map, h x w row-major
     * @param b the other, of the same shape
     * @param h height
     * @param w width
     * @return the correlation, -1 to 1
     */
    public static double hogSpearman(float[] a, float[] b, int h, int w) {
        return spearman(Hog.features(a, h, w), Hog.features(b, h, w));
    }

    /** Ranks 1..n with ties given the average of the ranks they span (scipy's "average" method). */
    static double[] averageRanks(float[] v) {
        for (float x : v) {
            if (Float.isNaN(x)) {
                throw new IllegalArgumentException("cannot rank NaN");
            }
        }
        int[] order = IntStream.range(0, v.length).boxed()
                .sorted((i, j) -> Float.compare(v[i], v[j]))
                .mapToInt(Integer::intValue)
                .toArray();
        double[] ranks = new double[v.length];
        int start = 0;
        while (start < order.length) {
            int end = start + 1;
            // == rather than Float.compare so that -0.0 and 0.0 tie, as they do in scipy.
            while (end < order.length && v[order[end]] == v[order[start]]) {
                end++;
            }
            double rank = (start + 1 + end) / 2.0; // mean of the 1-based ranks start+1 .. end
            for (int k = start; k < end; k++) {
                ranks[order[k]] = rank;
            }
            start = end;
        }
        return ranks;
    }

    private static void checkPair(int na, int nb) {
        if (na != nb) {
            throw new IllegalArgumentException("inputs differ in length: " + na + " and " + nb);
        }
        if (na < 2) {
            throw new IllegalArgumentException("correlation needs at least 2 values, got " + na);
        }
    }

    private static boolean constant(double[] v) {
        for (double x : v) {
            if (Double.isNaN(x)) {
                throw new IllegalArgumentException("cannot correlate NaN");
            }
            if (x != v[0]) {
                return false;
            }
        }
        return true;
    }
}
