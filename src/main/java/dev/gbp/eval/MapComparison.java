package dev.gbp.eval;

import dev.gbp.metrics.MapReduction;
import dev.gbp.metrics.Similarity;

/**
 * The four similarity measures of the sanity checks (Adebayo et al. 2018), between two maps of one
 * image (C x H x W): Spearman rank correlation of the absolute maps (channel sum of |g|, clipped at the
 * 99th percentile), Spearman of the signed maps (channel sum), SSIM and Spearman of HOG features, both
 * on the absolute maps scaled to [0, 1].
 */
public final class MapComparison {
    public static final String[] METRICS = {"spearman_abs", "spearman_signed", "ssim", "hog_spearman"};
    public static final String[] METRIC_TITLES = {"Spearman rank correlation (absolute)", "Spearman rank correlation (signed)",
        "SSIM", "Spearman of HOG features"};

    private MapComparison() {}

    /** The four measures, in {@link #METRICS} order. */
    public static double[] compare(float[] a, float[] b, int c, int h, int w) {
        float[] absA = MapReduction.clipAtPercentile(MapReduction.absSum(a, c, h, w), 99);
        float[] absB = MapReduction.clipAtPercentile(MapReduction.absSum(b, c, h, w), 99);
        float[] na = MapReduction.minMax(absA);
        float[] nb = MapReduction.minMax(absB);
        return new double[] {
            Similarity.spearman(absA, absB),
            Similarity.spearman(MapReduction.signedSum(a, c, h, w), MapReduction.signedSum(b, c, h, w)),
            Similarity.ssim(na, nb, h, w, 1.0),
            Similarity.hogSpearman(na, nb, h, w)
        };
    }
}
