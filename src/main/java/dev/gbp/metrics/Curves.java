package dev.gbp.metrics;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Deletion and insertion curves (Petsiuk et al. 2018, RISE): pixels are removed from (or revealed
 * in) an image in order of decreasing saliency and the class score is recorded after each step. A
 * faithful map makes the deletion score fall fast (small area) and the insertion score rise fast
 * (large area). This class orders the pixels, summarises a curve by its area and averages curves
 * over images.
 */
public final class Curves {
    private Curves() {}

    /**
     * Area under a curve sampled at n equally spaced points on [0, 1], by the trapezoid rule:
     * (sum(y) - y[0]/2 - y[n-1]/2) / (n - 1). A constant curve c has area c, the ramp 0..1 has 0.5.
     *
     * @param y the curve's values at n equally spaced points
     * @return the area
     * @throws IllegalArgumentException if fewer than 2 points are given
     */
    public static double auc(double[] y) {
        int n = y.length;
        if (n < 2) {
            throw new IllegalArgumentException("area under a curve needs at least 2 points, got " + n);
        }
        double sum = Arrays.stream(y).sum();
        return (sum - y[0] / 2 - y[n - 1] / 2) / (n - 1);
    }

    /**
     * Pixel indices sorted by descending saliency, ties broken by the lower index first, so that a
     * deletion or insertion order is reproducible even for maps with many equal values (for example
     * the zeros of a ReLU-gated map). -0.0 and 0.0 count as equal.
     *
     * @param saliency one value per pixel
     * @return the pixel indices, most salient first
     * @throws IllegalArgumentException if a value is NaN
     */
    public static int[] rankPixels(float[] saliency) {
        for (float s : saliency) {
            if (Float.isNaN(s)) {
                throw new IllegalArgumentException("cannot rank NaN saliency");
            }
        }
        // Stream.sorted is stable on an ordered stream: equal values keep ascending index order.
        return IntStream.range(0, saliency.length).boxed()
                .sorted((i, j) -> saliency[i] > saliency[j] ? -1 : saliency[i] < saliency[j] ? 1 : 0)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * Per-point mean of several curves of equal length.
     *
     * @param curves the curves
     * @return the mean curve
     * @throws IllegalArgumentException if there are no curves or their lengths differ
     */
    public static double[] mean(double[][] curves) {
        int n = checkCurves(curves);
        double[] m = new double[n];
        for (double[] c : curves) {
            for (int i = 0; i < n; i++) {
                m[i] += c[i];
            }
        }
        for (int i = 0; i < n; i++) {
            m[i] /= curves.length;
        }
        return m;
    }

    /**
     * Per-point population standard deviation (divided by the number of curves, as numpy's default
     * {@code np.std}) of several curves of equal length; the spread shown around a mean curve.
     *
     * @param curves the curves
     * @return the standard deviation at each point
     * @throws IllegalArgumentException if there are no curves or their lengths differ
     */
    public static double[] std(double[][] curves) {
        double[] m = mean(curves);
        double[] s = new double[m.length];
        for (double[] c : curves) {
            for (int i = 0; i < m.length; i++) {
                double d = c[i] - m[i];
                s[i] += d * d;
            }
        }
        for (int i = 0; i < m.length; i++) {
            s[i] = Math.sqrt(s[i] / curves.length);
        }
        return s;
    }

    private static int checkCurves(double[][] curves) {
        if (curves.length == 0) {
            throw new IllegalArgumentException("no curves");
        }
        int n = curves[0].length;
        for (double[] c : curves) {
            if (c.length != n) {
                throw new IllegalArgumentException("curves differ in length: " + n + " and " + c.length);
            }
        }
        return n;
    }
}
