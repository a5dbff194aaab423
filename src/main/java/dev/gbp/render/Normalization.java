package dev.gbp.render;

import dev.gbp.GbpInputException;
import dev.gbp.metrics.MapReduction;
import java.util.Locale;

/**
 * Named ways to turn a signed C x H x W map into an RGB picture, stamped on every figure. Each
 * returns H x W x 3 values in [0, 1]; an all-zero map gives a flat picture, never NaN.
 */
public enum Normalization {
    /** The seed's look: the signed RGB map min-max scaled to [0, 1] per image (zero map: flat grey). */
    COLOR("color", "signed RGB, min-max scaled per image"),
    /** Sum of |g| over channels, clipped at its 99th percentile, min-max scaled (PAIR / utku grey). */
    GRAY("gray", "sum of |g| over channels, clipped at the 99th percentile, min-max"),
    /** The positive part of each channel, divided by the map's maximum. */
    POSITIVE("positive", "max(g, 0) per RGB channel / max(g)"),
    /** The negative part of each channel, divided by the map's most negative value. */
    NEGATIVE("negative", "max(-g, 0) per RGB channel / -min(g)"),
    /** Signed channel sum on a blue-white-red scale, symmetric around 0, clipped at the 99th percentile of |sum|. */
    DIVERGING("diverging", "sum over channels, blue (-) white (0) red (+), span = 99th percentile of |sum|");

    private final String id;
    private final String description;

    Normalization(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /**
     * The name used on the command line and in outputs.
     *
     * @return e.g. {@code color}
     */
    public String id() {
        return id;
    }

    /**
     * One line saying exactly what the normalisation does, for captions and indexes.
     *
     * @return the line
     */
    public String description() {
        return description;
    }

    /**
     * The normalisation named {@code s}, in any case.
     *
     * @param s {@code color}, {@code gray}, {@code positive}, {@code negative} or {@code diverging}
     * @return the normalisation
     * @throws IllegalArgumentException for another name
     * @throws GbpInputException for any other name
     */
    public static Normalization parse(String s) {
        for (Normalization n : values()) {
            if (n.id.equals(s.toLowerCase(Locale.ROOT))) {
                return n;
            }
        }
        throw new GbpInputException("unknown normalisation " + GbpInputException.quote(s)
                + " (color, gray, positive, negative, diverging)");
    }

    /**
     * Renders map {@code g} (C x H x W, C = 1 or 3) as H x W x 3 values in [0, 1].
     *
     * @param g the map, C x H x W row-major
     * @param channels C, 1 or 3
     * @param height H
     * @param width W
     * @return red, green and blue per pixel, row-major
     */
    public float[] toRgb(float[] g, int channels, int height, int width) {
        int plane = height * width;
        float[] rgb = new float[plane * 3];
        switch (this) {
            case COLOR: {
                float min = Float.POSITIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                for (float v : g) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                float range = max - min;
                for (int k = 0; k < plane; k++) {
                    for (int c = 0; c < 3; c++) {
                        float v = g[(channels == 3 ? c : 0) * plane + k];
                        rgb[k * 3 + c] = range > 0 ? (v - min) / range : 0.5f;
                    }
                }
                return rgb;
            }
            case GRAY: {
                float[] s = MapReduction.absSum(g, channels, height, width);
                float min = min(s);
                float top = MapReduction.percentile(s, 99);
                float range = top - min;
                for (int k = 0; k < plane; k++) {
                    float v = range > 0 ? clamp((s[k] - min) / range) : 0f;
                    rgb[k * 3] = v;
                    rgb[k * 3 + 1] = v;
                    rgb[k * 3 + 2] = v;
                }
                return rgb;
            }
            case POSITIVE:
            case NEGATIVE: {
                float sign = this == POSITIVE ? 1f : -1f;
                float top = 0f;
                for (float v : g) {
                    top = Math.max(top, sign * v);
                }
                for (int k = 0; k < plane; k++) {
                    for (int c = 0; c < 3; c++) {
                        float v = sign * g[(channels == 3 ? c : 0) * plane + k];
                        rgb[k * 3 + c] = top > 0 ? Math.max(v, 0f) / top : 0f;
                    }
                }
                return rgb;
            }
            case DIVERGING: {
                float[] s = MapReduction.signedSum(g, channels, height, width);
                float[] abs = new float[plane];
                for (int k = 0; k < plane; k++) {
                    abs[k] = Math.abs(s[k]);
                }
                float span = MapReduction.percentile(abs, 99);
                for (int k = 0; k < plane; k++) {
                    float t = span > 0 ? Math.max(-1f, Math.min(1f, s[k] / span)) : 0f;
                    // white at 0, red (1, 0, 0) at +1, blue (0, 0, 1) at -1
                    rgb[k * 3] = t >= 0 ? 1f : 1f + t;
                    rgb[k * 3 + 1] = 1f - Math.abs(t);
                    rgb[k * 3 + 2] = t <= 0 ? 1f : 1f - t;
                }
                return rgb;
            }
            default:
                throw new IllegalStateException();
        }
    }

    private static float min(float[] a) {
        float m = Float.POSITIVE_INFINITY;
        for (float v : a) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    @Override
    public String toString() {
        return id;
    }
}
