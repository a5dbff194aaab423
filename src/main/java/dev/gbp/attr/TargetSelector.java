package dev.gbp.attr;

import dev.gbp.metrics.Stats;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Resolves a {@link Target} to one neuron per image from the seeded layer's output (the seed, zero
 * everywhere except that neuron, is {@link Selection}'s). Done on plain Java arrays so that ties follow
 * the documented rule exactly: the first maximum in row-major c, y, x order.
 */
final class TargetSelector {
    private TargetSelector() {}

    /**
     * @param values the layer output, {@code n} images of {@code perImage} values in c, y, x order (read by index: a
     *     view of the engine's memory needs no copy)
     * @param dims the per-image shape: {C, H, W} or {F}
     */
    static NeuronChoice[] select(Target target, int layer, FloatBuffer values, long[] dims, int n) {
        return select(target, layer, values, dims, n, null);
    }

    /**
     * As {@link #select(Target, int, float[], long[], int)}, with the arg-max and its runner-up
     * taken only over positions (y, x) where {@code allowed} (row-major, one entry per position of a
     * channel) is true; null allows every position.
     */
    static NeuronChoice[] select(Target target, int layer, FloatBuffer values, long[] dims, int n, boolean[] allowed) {
        int per = values.limit() / n;
        int channels = (int) dims[0];
        int plane = per / channels;
        int width = dims.length == 3 ? (int) dims[2] : 1;
        NeuronChoice[] out = new NeuronChoice[n];
        for (int i = 0; i < n; i++) {
            int base = i * per;
            int from = 0;
            int to = per;
            int chosen;
            float competitor = Float.NEGATIVE_INFINITY;
            boolean runnerUpFound = false;
            if (target instanceof Target.ChannelMax cm) {
                from = cm.c() * plane;
                to = from + plane;
                chosen = Stats.argMax(values, base + from, base + to) - base;
            } else if (target instanceof Target.Neuron nt) {
                chosen = (nt.c() * (dims.length == 3 ? (int) dims[1] : 1) + nt.y()) * width + nt.x();
            } else if (target instanceof Target.Fixed f) {
                chosen = f.flatIndex()[i];
            } else if (target instanceof Target.ClassLogit cl) {
                chosen = cl.k();
            } else if (allowed != null) {
                chosen = argMaxAllowed(values, base, per, plane, allowed);
            } else {
                // MaxNeuron and Predicted: the arg-max over the whole layer and its runner-up, in one pass.
                long found = argMaxAndRunnerUp(values, base, base + per);
                chosen = (int) (found >>> 32) - base;
                competitor = Float.intBitsToFloat((int) found);
                runnerUpFound = true;
            }
            float v = values.get(base + chosen);
            for (int k = from; k < to && !runnerUpFound; k++) {
                if (k != chosen && (allowed == null || allowed[k % plane]) && values.get(base + k) > competitor) {
                    competitor = values.get(base + k);
                }
            }
            out[i] = choice(layer, chosen, plane, width, v, competitor);
        }
        return out;
    }

    /**
     * The most active neuron of each image over the whole layer ({@link Target.MaxNeuron}, every position allowed), read
     * in place from a channels-last layer: {@code values} holds each image's values in y, x, c order. The same choices
     * as {@link #select}: the first maximum in c, y, x order, and the largest of the other values.
     *
     * @param threads how many threads scan the images (each its own share)
     */
    static NeuronChoice[] maxNeuronChannelsLast(int layer, FloatBuffer values, int c, int h, int w, int n, int threads) {
        NeuronChoice[] out = new NeuronChoice[n];
        int parts = Math.max(1, Math.min(n, threads));
        IntStream.range(0, parts).parallel().forEach(part -> {
            ChannelMaxima scan = new ChannelMaxima(c, h * w);
            for (int i = part; i < n; i += parts) {
                out[i] = scan.image(layer, values, w, i);
            }
        });
        return out;
    }

    /**
     * One pass over an image's channels-last values in memory order that keeps each channel's first maximum (in y, x
     * order) and largest other value; the first channel holding the overall maximum then gives the first maximum in c,
     * y, x order. Per channel, a saturating layer's tied maxima (ReLU6's 6) cost no unpredictable branch, as one
     * running maximum over the whole layer did: on 16 x 96 x 112 x 112 values a quarter at 6, 18 ms against 100
     * (docs/BENCHMARKS.md). Its arrays serve one thread's images in turn.
     */
    private static final class ChannelMaxima {
        private final int c;
        private final int plane;
        private final float[] max;
        private final float[] other; // the channel's largest value besides its first maximum
        private final int[] at; // the position (y * w + x) of the channel's first maximum
        private final int block; // positions read at once
        private final float[] rows;

        ChannelMaxima(int c, int plane) {
            this.c = c;
            this.plane = plane;
            max = new float[c];
            other = new float[c];
            at = new int[c];
            block = Math.max(1, Math.min(plane - 1, 16384 / c));
            rows = new float[block * c];
        }

        NeuronChoice image(int layer, FloatBuffer values, int w, int i) {
            int base = i * plane * c;
            values.get(base, max, 0, c); // position 0 starts every channel
            Arrays.fill(other, Float.NEGATIVE_INFINITY);
            Arrays.fill(at, 0);
            for (int p0 = 1; p0 < plane; p0 += block) {
                int np = Math.min(block, plane - p0);
                values.get(base + p0 * c, rows, 0, np * c);
                for (int q = 0; q < np; q++) {
                    int o = q * c;
                    for (int k = 0; k < c; k++) {
                        float v = rows[o + k];
                        if (v > max[k]) {
                            other[k] = Math.max(other[k], max[k]);
                            max[k] = v;
                            at[k] = p0 + q;
                        } else if (v > other[k]) {
                            other[k] = v;
                        }
                    }
                }
            }
            int best = 0;
            for (int k = 1; k < c; k++) {
                if (max[k] > max[best]) {
                    best = k;
                }
            }
            float second = other[best];
            for (int k = 0; k < c; k++) {
                if (k != best && max[k] > second) {
                    second = max[k];
                }
            }
            return choice(layer, best * plane + at[best], plane, w, max[best], second);
        }
    }

    /** Neuron {@code chosen} (flat c, y, x index) of value {@code v}, its gap to {@code competitor} (0 when it has none). */
    private static NeuronChoice choice(int layer, int chosen, int plane, int width, float v, float competitor) {
        float gap = competitor == Float.NEGATIVE_INFINITY ? 0f : v - competitor;
        int rem = chosen % plane;
        return new NeuronChoice(layer, chosen / plane, rem / width, rem % width, v, gap);
    }

    /**
     * The first maximum of {@code a[from..to)} (as {@link Stats#argMax}) and the largest of the other values (negative
     * infinity when there is none), in one pass: the index in the high 32 bits, the runner-up's float bits in the low.
     */
    static long argMaxAndRunnerUp(FloatBuffer a, int from, int to) {
        int best = from;
        float max = a.get(from);
        float second = Float.NEGATIVE_INFINITY;
        for (int k = from + 1; k < to; k++) {
            float x = a.get(k);
            if (x > max) {
                second = Math.max(second, max);
                max = x;
                best = k;
            } else if (x > second) {
                second = x;
            }
        }
        return ((long) best << 32) | (Float.floatToRawIntBits(second) & 0xffffffffL);
    }

    /** The first maximum, in c, y, x order, among the allowed positions of every channel. */
    private static int argMaxAllowed(FloatBuffer values, int base, int per, int plane, boolean[] allowed) {
        int best = -1;
        for (int k = 0; k < per; k++) {
            if (allowed[k % plane] && (best < 0 || values.get(base + k) > values.get(base + best))) {
                best = k;
            }
        }
        return best;
    }
}
