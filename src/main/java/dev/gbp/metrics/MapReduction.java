package dev.gbp.metrics;

import java.util.Arrays;

/**
 * Reductions of a C x H x W map to one value per pixel, and the percentile clipping and min-max
 * scaling that the sanity-check literature applies before comparing maps. Without clipping, a few
 * extreme pixels decide the scale and everything else looks black; the definitions follow numpy so
 * that results match the reference scripts.
 */
public final class MapReduction {
    private MapReduction() {}

    /**
     * Per-pixel sum over channels of |g| (length h*w): the "absolute" grey map, which keeps how much
     * a pixel matters and drops the sign, whose meaning is unclear for image gradients.
     *
     * @param map the map, c x h x w row-major
     * @param c channels
     * @param h height
     * @param w width
     * @return h x w values
     */
    public static float[] absSum(float[] map, int c, int h, int w) {
        return channelSum(map, c, h, w, true);
    }

    /**
     * Per-pixel sum over channels of g (length h*w): the "signed" grey map, where the sign survives.
     *
     * @param map the map, c x h x w row-major
     * @param c channels
     * @param h height
     * @param w width
     * @return h x w values
     */
    public static float[] signedSum(float[] map, int c, int h, int w) {
        return channelSum(map, c, h, w, false);
    }

    private static float[] channelSum(float[] map, int c, int h, int w, boolean abs) {
        if (c <= 0 || h <= 0 || w <= 0 || map.length != (long) c * h * w) {
            throw new IllegalArgumentException("map of length " + map.length + " is not " + c + " x " + h + " x " + w);
        }
        int plane = h * w;
        float[] out = new float[plane];
        for (int ch = 0; ch < c; ch++) {
            for (int k = 0; k < plane; k++) {
                float g = map[ch * plane + k];
                out[k] += abs ? Math.abs(g) : g;
            }
        }
        return out;
    }

    /**
     * The p-th percentile of {@code v} (0 &lt;= p &lt;= 100) exactly as numpy's default
     * {@code np.percentile} (method "linear"): with the values sorted ascending as x[0..n-1], the
     * position is t = p/100 * (n-1) and the result interpolates linearly between x[floor t] and
     * x[ceil t]. The input is not modified.
     *
     * @param v the values
     * @param p the percentile, 0 to 100
     * @return the p-th percentile
     * @throws IllegalArgumentException if {@code v} is empty or holds NaN, or p is outside [0, 100]
     */
    public static float percentile(float[] v, double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
        }
        if (v.length == 0) {
            throw new IllegalArgumentException("percentile of an empty array");
        }
        float[] sorted = v.clone();
        Arrays.sort(sorted);
        if (Float.isNaN(sorted[sorted.length - 1])) {
            throw new IllegalArgumentException("percentile of an array holding NaN");
        }
        // numpy's virtual index for "linear" (alpha = beta = 1): n*q + (1 - q) - 1, i.e. q*(n-1).
        int n = sorted.length;
        double q = p / 100;
        double t = n * q + (1 - q) - 1;
        int lo = Math.min(Math.max((int) Math.floor(t), 0), n - 1);
        int hi = Math.min(lo + 1, n - 1);
        double frac = t - Math.floor(t);
        double a = sorted[lo];
        double b = sorted[hi];
        // numpy's _lerp: interpolate from the nearer end, which keeps the result inside [a, b].
        double diff = b - a;
        return (float) (frac >= 0.5 ? b - diff * (1 - frac) : a + diff * frac);
    }

    /**
     * A copy of {@code v} with every value above its p-th {@link #percentile} set to that
     * percentile, so that a handful of outliers cannot flatten the rest of a map after scaling.
     *
     * @param v the values
     * @param p the percentile, 0 to 100
     * @return the clipped copy
     */
    public static float[] clipAtPercentile(float[] v, double p) {
        float top = percentile(v, p);
        float[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(out[i], top);
        }
        return out;
    }

    /**
     * {@code v} scaled linearly to [0, 1] (min to 0, max to 1). A constant input, for example the
     * all-zero map of a dead network, gives all zeros rather than the NaN of 0/0.
     *
     * @param v the values
     * @return the scaled copy
     */
    public static float[] minMax(float[] v) {
        float[] out = new float[v.length];
        if (v.length == 0) {
            return out;
        }
        float min = v[0];
        float max = v[0];
        for (float x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double range = (double) max - min;
        if (!(range > 0)) {
            return out;
        }
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) ((v[i] - (double) min) / range);
        }
        return out;
    }
}
