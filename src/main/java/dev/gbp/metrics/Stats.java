package dev.gbp.metrics;

import java.nio.FloatBuffer;

/** Mean, population standard deviation, median and quantiles of a sample; the first maximum of a range. */
public final class Stats {
    private Stats() {}

    /**
     * The arithmetic mean.
     *
     * @param v the values, at least one
     * @return their mean
     * @throws IllegalArgumentException if there are no values
     */
    public static double mean(double[] v) {
        if (v.length == 0) {
            throw new IllegalArgumentException("mean of no values");
        }
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /**
     * Population standard deviation (divides by n), as numpy's default.
     *
     * @param v the values, at least one
     * @return their standard deviation
     */
    public static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }

    /**
     * The median (the mean of the two middle values for an even count).
     *
     * @param v the values, at least one
     * @return their median
     */
    public static double median(double[] v) {
        if (v.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * The {@code q}-quantile (0 &lt;= q &lt;= 1) with linear interpolation between the two nearest ranks, as
     * numpy's default {@code np.quantile}: the sorted values at positions 0..n-1, quantile at position
     * q * (n - 1). {@code quantile(v, 0.5)} is the median.
     *
     * @param v the values (not modified)
     * @param q the quantile, 0 to 1
     * @return the q-quantile
     * @throws IllegalArgumentException if there are no values, q is outside [0, 1], or a value is NaN
     */
    public static double quantile(double[] v, double q) {
        if (v.length == 0) {
            throw new IllegalArgumentException("quantile of no values");
        }
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
        }
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        if (Double.isNaN(s[s.length - 1])) {
            throw new IllegalArgumentException("quantile of NaN");
        }
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    /**
     * Index of the first maximum in {@code a[from..to)}: ties go to the lowest index, the rule every
     * choice of neuron, channel or class in gbp follows.
     *
     * @param a the values
     * @param from the first index
     * @param to the index after the last
     * @return the index, in {@code a} (not relative to {@code from})
     */
    public static int argMax(float[] a, int from, int to) {
        return argMax(FloatBuffer.wrap(a), from, to);
    }

    /**
     * As {@link #argMax(float[], int, int)}, over values read by index (a view of an engine array needs no copy).
     *
     * @param a the values
     * @param from the first index
     * @param to the index after the last
     * @return the index, in {@code a} (not relative to {@code from})
     */
    public static int argMax(FloatBuffer a, int from, int to) {
        int best = from;
        for (int k = from + 1; k < to; k++) {
            if (a.get(k) > a.get(best)) {
                best = k;
            }
        }
        return best;
    }
}
