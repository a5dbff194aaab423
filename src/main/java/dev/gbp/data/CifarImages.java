package dev.gbp.data;

import dev.gbp.model.Pixels;
import java.util.Arrays;
import java.util.List;

/**
 * A set of images of one size, C x H x W, each with a label (-1 when unknown): per image C planes of
 * H x W row-major bytes. CIFAR-10's records ({@link CifarReader}) give 3 x 32 x 32 sets; pictures
 * ({@link ImageFiles}) give sets of the model's input size.
 */
public final class CifarImages implements Pixels {
    /** CIFAR-10 record layout: side of an image. Only the CIFAR reader and CIFAR-specific code use these. */
    public static final int SIDE = 32;
    /** CIFAR-10 record layout: channels (R, G, B). */
    public static final int CHANNELS = 3;
    /** CIFAR-10 record layout: bytes of one image. */
    public static final int PIXELS = CHANNELS * SIDE * SIDE;
    /** CIFAR-10 record layout: bytes of one record, the label byte and the image. */
    public static final int RECORD_BYTES = 1 + PIXELS;
    /** CIFAR-10's class names in label order, used when a data folder has no {@code batches.meta.txt}. */
    public static final List<String> DEFAULT_CLASSES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private final int channels;
    private final int height;
    private final int width;
    private final int per;
    private final byte[] pixels;
    private final int[] labels;
    private final List<String> classes;

    /**
     * A set of CIFAR-10-sized images, 3 x 32 x 32.
     *
     * @param pixels per image 3 planes of 32 x 32 bytes (kept, not copied)
     * @param labels one label per image, -1 when unknown (kept, not copied)
     * @param classes the class names labels index
     */
    public CifarImages(byte[] pixels, int[] labels, List<String> classes) {
        this(CHANNELS, SIDE, SIDE, pixels, labels, classes);
    }

    /**
     * A set of {@code channels x height x width} images.
     *
     * @param channels C, at least 1
     * @param height H, at least 1
     * @param width W, at least 1
     * @param pixels per image C planes of H x W row-major bytes (kept, not copied)
     * @param labels one label per image, -1 when unknown (kept, not copied)
     * @param classes the class names labels index
     * @throws IllegalArgumentException when a size is not positive or the bytes do not fit the labels
     */
    public CifarImages(int channels, int height, int width, byte[] pixels, int[] labels, List<String> classes) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image size " + channels + " x " + height + " x " + width);
        }
        this.per = Math.multiplyExact(channels, Math.multiplyExact(height, width));
        if (pixels.length != (long) labels.length * per) {
            throw new IllegalArgumentException(
                    "pixel bytes " + pixels.length + " do not match " + labels.length + " labels of " + channels + " x "
                            + height + " x " + width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
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
        return channels;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    /**
     * Values of one image: channels x height x width.
     *
     * @return C x H x W
     */
    public int imageSize() {
        return per;
    }

    /**
     * The size of an image.
     *
     * @return {@code {C, H, W}}
     */
    public int[] dims() {
        return new int[] {channels, height, width};
    }

    /**
     * Whether the images are CIFAR-10's size, 3 x 32 x 32.
     *
     * @return true for 3 x 32 x 32
     */
    public boolean isCifarSize() {
        return channels == CHANNELS && height == SIDE && width == SIDE;
    }

    /**
     * Image {@code i}'s label.
     *
     * @param i the image
     * @return the class index, or -1 when unknown
     */
    public int label(int i) {
        return labels[i];
    }

    /**
     * Every image's label.
     *
     * @return one class index (or -1) per image, a copy
     */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * The class names labels index.
     *
     * @return the names, unmodifiable
     */
    public List<String> classes() {
        return classes;
    }

    /**
     * Pixel value 0..255 of image {@code i}, channel {@code c}, row {@code y}, column {@code x}.
     *
     * @param i the image
     * @param c the channel
     * @param y the row
     * @param x the column
     * @return the value, 0 to 255
     */
    public int pixel(int i, int c, int y, int x) {
        return pixels[i * per + (c * height + y) * width + x] & 0xff;
    }

    /** Copies image {@code i}'s planar bytes (C x H x W) as unsigned values into {@code out} at {@code offset}. */
    @Override
    public void copyImage(int i, int[] out, int offset) {
        int base = i * per;
        for (int k = 0; k < per; k++) {
            out[offset + k] = pixels[base + k] & 0xff;
        }
    }

    /**
     * Images {@code from} (inclusive) to {@code to} (exclusive).
     *
     * @param from the first image
     * @param to the image after the last
     * @return a new set holding copies of them
     */
    public CifarImages slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("slice " + from + ".." + to + " of " + size() + " images");
        }
        return new CifarImages(channels, height, width,
                Arrays.copyOfRange(pixels, from * per, to * per),
                Arrays.copyOfRange(labels, from, to),
                classes);
    }

    /**
     * The images at the given indices, in that order.
     *
     * @param indices image indices (may repeat)
     * @return a new set holding copies of them
     */
    public CifarImages select(int[] indices) {
        byte[] px = new byte[indices.length * per];
        int[] lb = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels, indices[k] * per, px, k * per, per);
            lb[k] = labels[indices[k]];
        }
        return new CifarImages(channels, height, width, px, lb, classes);
    }

    /**
     * Concatenates several sets, which must share their image size (and class names: the first set's are kept).
     *
     * @param parts the sets (none gives an empty CIFAR-sized set)
     * @return a new set holding all their images in order
     */
    public static CifarImages concat(List<CifarImages> parts) {
        if (parts.isEmpty()) {
            return new CifarImages(new byte[0], new int[0], DEFAULT_CLASSES);
        }
        CifarImages first = parts.get(0);
        int n = 0;
        for (CifarImages p : parts) {
            if (p.channels != first.channels || p.height != first.height || p.width != first.width) {
                throw new IllegalArgumentException("cannot join images of " + first.channels + " x " + first.height
                        + " x " + first.width + " and " + p.channels + " x " + p.height + " x " + p.width);
            }
            n += p.size();
        }
        byte[] px = new byte[Math.multiplyExact(n, first.per)];
        int[] lb = new int[n];
        int at = 0;
        for (CifarImages p : parts) {
            System.arraycopy(p.pixels, 0, px, at * first.per, p.size() * first.per);
            System.arraycopy(p.labels, 0, lb, at, p.size());
            at += p.size();
        }
        return new CifarImages(first.channels, first.height, first.width, px, lb, first.classes);
    }
}
