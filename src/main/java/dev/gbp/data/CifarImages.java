package dev.gbp.data;

import dev.gbp.model.Pixels;
import java.util.Arrays;
import java.util.List;

/**
 * A set of CIFAR-10 images in the official record layout: per image 3 planes (R, G, B) of 32x32
 * row-major bytes, and one label 0..9.
 */
public final class CifarImages implements Pixels {
    public static final int SIDE = 32;
    public static final int CHANNELS = 3;
    public static final int PIXELS = CHANNELS * SIDE * SIDE;
    public static final int RECORD_BYTES = 1 + PIXELS;
    public static final List<String> DEFAULT_CLASSES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private final byte[] pixels;
    private final int[] labels;
    private final List<String> classes;

    public CifarImages(byte[] pixels, int[] labels, List<String> classes) {
        if (pixels.length != labels.length * PIXELS) {
            throw new IllegalArgumentException(
                    "pixel bytes " + pixels.length + " do not match " + labels.length + " labels");
        }
        this.pixels = pixels;
        this.labels = labels;
        this.classes = List.copyOf(classes);
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int channels() {
        return CHANNELS;
    }

    @Override
    public int height() {
        return SIDE;
    }

    @Override
    public int width() {
        return SIDE;
    }

    public int label(int i) {
        return labels[i];
    }

    public int[] labels() {
        return labels.clone();
    }

    public List<String> classes() {
        return classes;
    }

    /** Pixel value 0..255 of image {@code i}, channel {@code c}, row {@code y}, column {@code x}. */
    public int pixel(int i, int c, int y, int x) {
        return pixels[i * PIXELS + (c * SIDE + y) * SIDE + x] & 0xff;
    }

    /** Copies image {@code i}'s planar bytes (3x32x32) as unsigned values into {@code out} at {@code offset}. */
    @Override
    public void copyImage(int i, int[] out, int offset) {
        int base = i * PIXELS;
        for (int k = 0; k < PIXELS; k++) {
            out[offset + k] = pixels[base + k] & 0xff;
        }
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive). */
    public CifarImages slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("slice " + from + ".." + to + " of " + size() + " images");
        }
        return new CifarImages(
                Arrays.copyOfRange(pixels, from * PIXELS, to * PIXELS),
                Arrays.copyOfRange(labels, from, to),
                classes);
    }

    /** The images at the given indices, in that order. */
    public CifarImages select(int[] indices) {
        byte[] px = new byte[indices.length * PIXELS];
        int[] lb = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels, indices[k] * PIXELS, px, k * PIXELS, PIXELS);
            lb[k] = labels[indices[k]];
        }
        return new CifarImages(px, lb, classes);
    }

    /** Concatenates several sets (which must share class names). */
    public static CifarImages concat(List<CifarImages> parts) {
        int n = parts.stream().mapToInt(CifarImages::size).sum();
        byte[] px = new byte[n * PIXELS];
        int[] lb = new int[n];
        int at = 0;
        for (CifarImages p : parts) {
            System.arraycopy(p.pixels, 0, px, at * PIXELS, p.size() * PIXELS);
            System.arraycopy(p.labels, 0, lb, at, p.size());
            at += p.size();
        }
        return new CifarImages(px, lb, parts.isEmpty() ? DEFAULT_CLASSES : parts.get(0).classes);
    }
}
