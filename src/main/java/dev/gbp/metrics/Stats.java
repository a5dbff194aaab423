package dev.gbp.metrics;

/** Mean and population standard deviation of a sample. */
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
}
