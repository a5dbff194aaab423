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
    /** The measures' names in outputs, in the order {@link #compare} returns them. */
    public static final String[] METRICS = {"spearman_abs", "spearman_signed", "ssim", "hog_spearman"};
    /** The measures' titles for charts and pages, in the same order. */
    public static final String[] METRIC_TITLES = {"Spearman rank correlation (absolute)", "Spearman rank correlation (signed)",
        "SSIM", "Spearman of HOG features"};

    private MapComparison() {}

    /**
     * The four measures, in {@link #METRICS} order, over the whole map.
     *
     * @param a one map, C x H x W row-major
     * @param b the other, of the same shape
     * @param c C
     * @param h H
     * @param w W
     * @return the four measures
     */
    public static double[] compare(float[] a, float[] b, int c, int h, int w) {
        return compare(a, b, c, h, w, null);
    }

    /**
     * The four measures; with a {@code box} ({x0, y0, x1, y1}, inclusive) both Spearman correlations
     * are taken over the pixels inside it only. A neuron's map is exactly zero outside its receptive
     * field, so over the whole image the shared empty surround (90 % of the pixels for a 10 x 10 field)
     * would make any two maps of the same neuron look alike. SSIM and HOG need the whole grid and are
     * computed on it.
     *
     * @param a one map, C x H x W row-major
     * @param b the other, of the same shape
     * @param c C
     * @param h H
     * @param w W
     * @param box {x0, y0, x1, y1}, inclusive, or null for the whole map
     * @return the four measures, in {@link #METRICS} order
     */
    public static double[] compare(float[] a, float[] b, int c, int h, int w, int[] box) {
        float[] absA = MapReduction.clipAtPercentile(MapReduction.absSum(a, c, h, w), 99);
        float[] absB = MapReduction.clipAtPercentile(MapReduction.absSum(b, c, h, w), 99);
        float[] na = MapReduction.minMax(absA);
        float[] nb = MapReduction.minMax(absB);
        float[] sa = MapReduction.signedSum(a, c, h, w);
        float[] sb = MapReduction.signedSum(b, c, h, w);
        return new double[] {
            Similarity.spearman(crop(absA, w, box), crop(absB, w, box)),
            Similarity.spearman(crop(sa, w, box), crop(sb, w, box)),
            Similarity.ssim(na, nb, h, w, 1.0),
            Similarity.hogSpearman(na, nb, h, w)
        };
    }

    private static float[] crop(float[] plane, int w, int[] box) {
        if (box == null) {
            return plane;
        }
        int bw = box[2] - box[0] + 1;
        int bh = box[3] - box[1] + 1;
        float[] out = new float[bw * bh];
        for (int y = 0; y < bh; y++) {
            System.arraycopy(plane, (box[1] + y) * w + box[0], out, y * bw, bw);
        }
        return out;
    }
}
