package dev.gbp.model;

/**
 * Images as a network reads them: per image, C planes of H x W row-major values 0..255. The model
 * package knows images only through this; where they come from (CIFAR records, PNG files) is the
 * {@code data} package's business.
 */
public interface Pixels {
    /**
     * The number of images.
     *
     * @return the count
     */
    int size();

    /**
     * Channels per image.
     *
     * @return C
     */
    int channels();

    /**
     * Rows per image.
     *
     * @return H
     */
    int height();

    /**
     * Columns per image.
     *
     * @return W
     */
    int width();

    /**
     * Copies image {@code i}'s planar values (C x H x W, 0..255) into {@code out} at {@code offset}.
     *
     * @param i the image
     * @param out receives C x H x W values
     * @param offset where in {@code out} the first goes
     */
    void copyImage(int i, int[] out, int offset);
}
