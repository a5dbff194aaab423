package dev.gbp.atlas;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Per channel of a layer, the {@code k} images that excite it most: a bounded, mergeable ranking.
 *
 * <p>Each image offers one candidate per channel: the channel's maximum over positions and where it is. Within a
 * channel, candidates rank by activation, descending; ties go to the smaller image index. Every image is offered
 * once, so a channel's list holds distinct images. {@link #merge} is associative and commutative (the ranking is a
 * total order on distinct images), so partial rankings of any partition of the images, merged in any order, give the
 * ranking of all of them: that is what lets Spark reduce it.
 */
public final class TopK implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One ranked candidate: an image, the position of the channel's first maximum on it, and that maximum. */
    public record Entry(long image, int y, int x, float activation) implements Serializable {}

    private final int channels;
    private final int k;
    private final int[] count;
    private final long[] image;
    private final int[] ys;
    private final int[] xs;
    private final float[] act;

    /**
     * An empty ranking.
     *
     * @param channels the layer's channels
     * @param k how many images to keep per channel, at least 1
     */
    public TopK(int channels, int k) {
        if (channels < 1 || k < 1) {
            throw new IllegalArgumentException("channels and k must be positive: " + channels + ", " + k);
        }
        this.channels = channels;
        this.k = k;
        this.count = new int[channels];
        this.image = new long[channels * k];
        this.ys = new int[channels * k];
        this.xs = new int[channels * k];
        this.act = new float[channels * k];
    }

    public int channels() {
        return channels;
    }

    public int k() {
        return k;
    }

    /** Whether candidate (a, i) ranks before (b, j): larger activation first, then the smaller image. */
    private static boolean before(float a, long i, float b, long j) {
        return a > b || a == b && i < j;
    }

    /**
     * Offers image {@code img}'s candidate for channel {@code c}. NaN activations are ignored (they rank nowhere).
     * An image must be offered at most once per channel.
     */
    public void offer(int c, long img, int y, int x, float activation) {
        if (Float.isNaN(activation)) {
            return;
        }
        int base = c * k;
        int n = count[c];
        if (n == k && !before(activation, img, act[base + k - 1], image[base + k - 1])) {
            return;
        }
        int at = n == k ? k - 1 : n;
        while (at > 0 && before(activation, img, act[base + at - 1], image[base + at - 1])) {
            act[base + at] = act[base + at - 1];
            image[base + at] = image[base + at - 1];
            ys[base + at] = ys[base + at - 1];
            xs[base + at] = xs[base + at - 1];
            at--;
        }
        act[base + at] = activation;
        image[base + at] = img;
        ys[base + at] = y;
        xs[base + at] = x;
        count[c] = Math.min(k, n + 1);
    }

    /**
     * Adds every candidate of {@code other} (a ranking of other images, of the same layer and k) to this one.
     *
     * @return this ranking
     */
    public TopK merge(TopK other) {
        if (other.channels != channels || other.k != k) {
            throw new IllegalArgumentException("cannot merge a ranking of " + other.channels + " channels x top " + other.k
                    + " into one of " + channels + " x " + k);
        }
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < other.count[c]; r++) {
                int o = c * k + r;
                offer(c, other.image[o], other.ys[o], other.xs[o], other.act[o]);
            }
        }
        return this;
    }

    /** Channel {@code c}'s ranking, best first (fewer than k entries when fewer images were offered). */
    public List<Entry> channel(int c) {
        List<Entry> out = new ArrayList<>(count[c]);
        for (int r = 0; r < count[c]; r++) {
            int o = c * k + r;
            out.add(new Entry(image[o], ys[o], xs[o], act[o]));
        }
        return out;
    }
}
