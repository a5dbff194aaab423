package dev.gbp.report;

import java.util.Locale;

/**
 * A method's deletion or insertion AUCs against the random ranking's on the same images, image by image:
 * the mean difference, its standard error, and on how many images the method does better.
 */
final class FaithfulnessVerdict {
    private FaithfulnessVerdict() {}

    /**
     * @param word "better" or "worse" than random by the mean AUCs ("equal" if they are equal)
     * @param meanDifference mean of method AUC minus random AUC over the images both have
     * @param standardError sample standard deviation of the differences / sqrt(images); NaN below 2 images
     * @param imagesBetter images on which the method's AUC is strictly better than random's
     * @param images images compared (those with a finite AUC for both)
     */
    record Comparison(String word, double meanDifference, double standardError, int imagesBetter, int images) {
        /** Whether the mean difference is smaller than twice its standard error (or cannot be judged). */
        boolean withinNoise() {
            return !(Math.abs(meanDifference) >= 2 * standardError);
        }
    }

    /** Compares per-image AUCs; {@code higherIsBetter} for insertion, not for deletion. */
    static Comparison compare(double[] method, double[] random, boolean higherIsBetter) {
        if (method.length != random.length) {
            throw new IllegalArgumentException("per-image AUCs of " + method.length + " and " + random.length + " images");
        }
        double sum = 0;
        int n = 0;
        int better = 0;
        for (int i = 0; i < method.length; i++) {
            if (Double.isFinite(method[i]) && Double.isFinite(random[i])) {
                double d = method[i] - random[i];
                sum += d;
                n++;
                better += (higherIsBetter ? d > 0 : d < 0) ? 1 : 0;
            }
        }
        double mean = n == 0 ? Double.NaN : sum / n;
        double ss = 0;
        for (int i = 0; i < method.length; i++) {
            if (Double.isFinite(method[i]) && Double.isFinite(random[i])) {
                double d = method[i] - random[i] - mean;
                ss += d * d;
            }
        }
        double se = n < 2 ? Double.NaN : Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
        String word = !(mean == mean) || mean == 0 ? "equal" : (mean > 0) == higherIsBetter ? "better" : "worse";
        return new Comparison(word, mean, se, better, n);
    }

    /** A table cell in HTML: "worse: 0.3212 vs 0.2863", then the image-by-image numbers in grey. */
    static String cell(double auc, double randomAuc, Comparison c) {
        String head = c.word().equals("equal") ? "no different"
                : "<b class=" + (c.word().equals("better") ? "ok" : "bad") + ">" + c.word() + "</b>";
        return String.format(Locale.ROOT, "%s: %.4f vs %.4f<br><span class=muted>better on %d of %d images; difference %+.4f"
                + " (standard error %.4f)%s</span>", head, auc, randomAuc, c.imagesBetter(), c.images(), c.meanDifference(),
                c.standardError(), c.withinNoise() ? ", <i>within noise</i>" : "");
    }
}
