package dev.gbp.metrics;

/** Mean, population standard deviation and median of a sample; the first maximum of a range. */
public final class Stats {
    private Stats() {}

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

    /** Population standard deviation (divides by n), as numpy's default. */
    public static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }

    /** The median (the mean of the two middle values for an even count). */
    public static double median(double[] v) {
        if (v.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * Index of the first maximum in {@code a[from..to)}: ties go to the lowest index, the rule every
     * choice of neuron, channel or class in gbp follows.
     */
    public static int argMax(float[] a, int from, int to) {
        int best = from;
        for (int k = from + 1; k < to; k++) {
            if (a[k] > a[best]) {
                best = k;
            }
        }
        return best;
    }
}
