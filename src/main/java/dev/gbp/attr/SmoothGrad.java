package dev.gbp.attr;

import ai.djl.ndarray.NDArray;
import dev.gbp.GbpInputException;
import dev.gbp.model.Network;
import java.util.SplittableRandom;

/**
 * SmoothGrad (Smilkov et al. 2017) and its variants: the gradient (or another ReLU rule's map) of the
 * target, seeded with 1, averaged over {@code samples} copies of the image with Gaussian noise of
 * standard deviation {@code noise * (max - min)} of that image's normalised values.
 * {@code SMOOTHGRAD} averages the maps, {@code SQUARED} their squares, {@code VARGRAD} takes their
 * variance. The noise comes from a generator seeded by {@code seed} and the image's own values, so a
 * map is reproducible and does not depend on the batch it is computed in.
 */
public final class SmoothGrad implements Attribution {
    /** How the noisy maps are combined. */
    public enum Kind {
        /** The mean of the maps (SmoothGrad). */
        SMOOTHGRAD("smoothgrad"),
        /** The mean of the squared maps (SmoothGrad-Squared). */
        SQUARED("smoothgrad-sq"),
        /** The variance of the maps (VarGrad). */
        VARGRAD("vargrad");

        final String id;

        Kind(String id) {
            this.id = id;
        }
    }

    private final UnitGradients gradients;
    private final Kind kind;
    private final int samples;
    private final double noise;
    private final long seed;

    /**
     * SmoothGrad or a variant of {@code net}'s targets.
     *
     * @param net the network to explain
     * @param kind how the noisy maps are combined
     * @param rule the rule at rectifiers for each noisy map ({@link ReluRule#GRADIENT}: the gradient)
     * @param samples noisy copies per image, at least 1
     * @param noise the noise's standard deviation as a fraction of each image's value range, not negative
     * @param seed the noise generator's seed
     * @param internalBatch rows per internal batch (images x samples are run in batches of this size), at least 1
     * @throws GbpInputException when {@code samples}, {@code noise} or {@code internalBatch} is out of range
     */
    public SmoothGrad(Network net, Kind kind, ReluRule rule, int samples, double noise, long seed, int internalBatch) {
        if (samples < 1) {
            throw GbpInputException.parameter("samples", "must be at least 1 (got " + samples + ")");
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw GbpInputException.parameter("noise", "must be a finite fraction of at least 0 (got " + noise + ")");
        }
        this.gradients = new UnitGradients(net, rule, internalBatch);
        this.kind = kind;
        this.samples = samples;
        this.noise = noise;
        this.seed = seed;
    }

    @Override
    public String name() {
        return kind.id;
    }

    @Override
    public AttributionResult attribute(NDArray input, Target target) {
        long[] shape = input.getShape().getShape();
        int n = (int) shape[0];
        float[] x = input.toFloatArray();
        int per = x.length / n;
        float[] rows = new float[UnitGradients.rowValues(n, samples, per, "samples")];
        NeuronChoice[] choices = gradients.resolve(input, target);
        for (int i = 0; i < n; i++) {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            long hash = seed;
            for (int k = 0; k < per; k++) {
                float v = x[i * per + k];
                min = Math.min(min, v);
                max = Math.max(max, v);
                hash = hash * 31 + Float.floatToIntBits(v);
            }
            double sigma = noise * (max - min);
            SplittableRandom rng = new SplittableRandom(hash);
            for (int s = 0; s < samples; s++) {
                int base = (i * samples + s) * per;
                for (int k = 0; k < per; k++) {
                    rows[base + k] = (float) (x[i * per + k] + sigma * rng.nextGaussian());
                }
            }
        }
        float[] g = gradients.gradients(rows, shape, target, choices, samples, null);
        float[] maps = new float[n * per];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < per; k++) {
                double sum = 0;
                double sq = 0;
                for (int s = 0; s < samples; s++) {
                    double v = g[(i * samples + s) * per + k];
                    sum += v;
                    sq += v * v;
                }
                double mean = sum / samples;
                double meanSq = sq / samples;
                maps[i * per + k] = (float) (kind == Kind.SMOOTHGRAD ? mean : kind == Kind.SQUARED ? meanSq
                        : Math.max(0, meanSq - mean * mean));
            }
        }
        return Results.of(name(), target, maps, shape, choices, gradients.network());
    }
}
