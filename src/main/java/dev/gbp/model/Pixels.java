package dev.gbp.model;

/**
 * Images as a network reads them: per image, C planes of H x W row-major values 0..255. The model
 * package knows images only through this; where they come from (CIFAR records, PNG files) is the
 * {@code data} package's business.
 */
public interface Pixels {
    int size();

    int channels();

    int height();

    int width();

    /** Copies image {@code i}'s planar values (C x H x W, 0..255) into {@code out} at {@code offset}. */
    void copyImage(int i, int[] out, int offset);
}
