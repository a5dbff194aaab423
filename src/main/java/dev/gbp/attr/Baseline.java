package dev.gbp.attr;

import dev.gbp.GbpInputException;
import java.util.Locale;

/**
 * Reference inputs for integrated gradients (and the blurred start of insertion curves), in the
 * network's normalised input space.
 */
public enum Baseline {
    /** Zero in normalised space: the data set's mean colour. */
    ZERO("zero"),
    /** Black pixels: {@code (0 - mean) / std} per channel. */
    BLACK("black"),
    /** The image blurred by a Gaussian of sigma {@link #BLUR_SIGMA} pixels (edges replicated). */
    BLUR("blur");

    /** Blur strength for 32x32 images, in pixels. */
    public static final double BLUR_SIGMA = 2.0;

    private final String id;

    Baseline(String id) {
        this.id = id;
    }

    /**
     * The name used on the command line and in outputs.
     *
     * @return {@code zero}, {@code black} or {@code blur}
     */
    public String id() {
        return id;
    }

    /**
     * The baseline named {@code s}, in any case.
     *
     * @param s {@code zero}, {@code black} or {@code blur}
     * @return the baseline
     * @throws IllegalArgumentException for another name
     * @throws GbpInputException for any other name
     */
    public static Baseline parse(String s) {
        for (Baseline b : values()) {
            if (b.id.equals(s.toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw new GbpInputException("unknown baseline " + GbpInputException.quote(s) + " (zero, black, blur)");
    }

    /**
     * The baseline of one normalised image (C x H x W); {@code mean} and {@code std} are the model's.
     *
     * @param image the normalised image, C x H x W row-major
     * @param c channels
     * @param h height
     * @param w width
     * @param mean the model's per-channel mean (of pixels in [0, 1])
     * @param std the model's per-channel standard deviation
     * @return the baseline, in the same layout and normalised space
     */
    public float[] of(float[] image, int c, int h, int w, float[] mean, float[] std) {
        float[] out = new float[image.length];
        switch (this) {
            case ZERO:
                return out;
            case BLACK:
                for (int ch = 0; ch < c; ch++) {
                    java.util.Arrays.fill(out, ch * h * w, (ch + 1) * h * w, -mean[ch] / std[ch]);
                }
                return out;
            case BLUR:
                return gaussianBlur(image, c, h, w, BLUR_SIGMA);
            default:
                throw new IllegalStateException();
        }
    }

    /**
     * Separable Gaussian blur (kernel radius ceil(3 sigma), normalised, edges replicated).
     *
     * @param image C x H x W row-major
     * @param c channels
     * @param h height
     * @param w width
     * @param sigma the Gaussian's standard deviation, in pixels
     * @return the blurred image, each channel on its own
     */
    public static float[] gaussianBlur(float[] image, int c, int h, int w, double sigma) {
        int r = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        float[] tmp = new float[image.length];
        float[] out = new float[image.length];
        for (int ch = 0; ch < c; ch++) {
            int base = ch * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 0;
                    for (int i = -r; i <= r; i++) {
                        int xx = Math.min(w - 1, Math.max(0, x + i));
                        v += k[i + r] * image[base + y * w + xx];
                    }
                    tmp[base + y * w + x] = (float) v;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 0;
                    for (int i = -r; i <= r; i++) {
                        int yy = Math.min(h - 1, Math.max(0, y + i));
                        v += k[i + r] * tmp[base + yy * w + x];
                    }
                    out[base + y * w + x] = (float) v;
                }
            }
        }
        return out;
    }
}
