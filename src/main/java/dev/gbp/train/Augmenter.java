package dev.gbp.train;

import dev.gbp.data.CifarImages;
import java.util.SplittableRandom;

/**
 * Builds normalised training batches with the standard CIFAR-10 augmentation: a random 32x32 crop
 * of the image padded by 4 black pixels on each side, and a horizontal flip with probability 1/2
 * (as torchvision's {@code RandomCrop(32, padding=4)} and {@code RandomHorizontalFlip()}), or a flip the caller
 * decides per image (airbench's alternating flip: {@link #fill(CifarImages, int[], int, int, SplittableRandom, float[],
 * boolean[])}); optionally Cutout
 * (DeVries and Taylor, 2017): a square whose centre is uniform over the image, clipped at its edges, set to 0
 * after normalisation (the mean colour).
 */
public final class Augmenter {
    private final int pad;
    private final boolean flip;
    private final float[] mean;
    private final float[] std;
    private final int cutout;

    /** Crop-and-flip augmentation without Cutout. */
    public Augmenter(int pad, boolean flip, float[] mean, float[] std) {
        this(pad, flip, mean, std, 0);
    }

    /** {@code cutout}: the side of the masked square (0: none). */
    public Augmenter(int pad, boolean flip, float[] mean, float[] std, int cutout) {
        if (cutout < 0) {
            throw new IllegalArgumentException("cutout " + cutout);
        }
        this.cutout = cutout;
        this.pad = pad;
        this.flip = flip;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /**
     * Writes images {@code order[from..to)} into {@code out} (N x 3 x 32 x 32, normalised), each with
     * its own crop offset and flip drawn from {@code rng}.
     */
    public void fill(CifarImages images, int[] order, int from, int to, SplittableRandom rng, float[] out) {
        fill(images, order, from, to, rng, out, null);
    }

    /**
     * As {@link #fill(CifarImages, int[], int, int, SplittableRandom, float[])}, but with the flip of image
     * {@code order[i]} given by {@code mirrored[order[i]]} instead of drawn (null: drawn; ignored when this augmenter
     * does not flip).
     */
    public void fill(CifarImages images, int[] order, int from, int to, SplittableRandom rng, float[] out,
            boolean[] mirrored) {
        int side = CifarImages.SIDE;
        int plane = side * side;
        int[] px = new int[CifarImages.PIXELS];
        for (int i = from; i < to; i++) {
            images.copyImage(order[i], px, 0);
            int dy = pad == 0 ? 0 : rng.nextInt(2 * pad + 1) - pad;
            int dx = pad == 0 ? 0 : rng.nextInt(2 * pad + 1) - pad;
            boolean mirror = flip && (mirrored == null ? rng.nextBoolean() : mirrored[order[i]]);
            int base = (i - from) * CifarImages.PIXELS;
            for (int c = 0; c < 3; c++) {
                float black = (0f - mean[c]) / std[c];
                float m = mean[c];
                float s = std[c];
                for (int y = 0; y < side; y++) {
                    int sy = y + dy;
                    for (int x = 0; x < side; x++) {
                        int sx = (mirror ? side - 1 - x : x) + dx;
                        float v;
                        if (sy < 0 || sy >= side || sx < 0 || sx >= side) {
                            v = black;
                        } else {
                            v = (px[c * plane + sy * side + sx] / 255f - m) / s;
                        }
                        out[base + c * plane + y * side + x] = v;
                    }
                }
            }
            if (cutout > 0) {
                int cy = rng.nextInt(side);
                int cx = rng.nextInt(side);
                int y0 = Math.max(0, cy - cutout / 2);
                int y1 = Math.min(side, cy - cutout / 2 + cutout);
                int x0 = Math.max(0, cx - cutout / 2);
                int x1 = Math.min(side, cx - cutout / 2 + cutout);
                for (int c = 0; c < 3; c++) {
                    for (int y = y0; y < y1; y++) {
                        java.util.Arrays.fill(out, base + c * plane + y * side + x0, base + c * plane + y * side + x1, 0f);
                    }
                }
            }
        }
    }

    /** Per-channel mean and standard deviation of pixel/255 over a whole image set (population std). */
    public static float[][] channelStats(CifarImages images) {
        double[] sum = new double[3];
        double[] sq = new double[3];
        int plane = CifarImages.SIDE * CifarImages.SIDE;
        for (int i = 0; i < images.size(); i++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < CifarImages.SIDE; y++) {
                    for (int x = 0; x < CifarImages.SIDE; x++) {
                        double v = images.pixel(i, c, y, x) / 255.0;
                        sum[c] += v;
                        sq[c] += v * v;
                    }
                }
            }
        }
        float[] mean = new float[3];
        float[] std = new float[3];
        double n = (double) images.size() * plane;
        for (int c = 0; c < 3; c++) {
            double m = sum[c] / n;
            mean[c] = (float) m;
            std[c] = (float) Math.sqrt(Math.max(sq[c] / n - m * m, 0));
        }
        return new float[][] {mean, std};
    }
}
