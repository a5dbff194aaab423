package dev.gbp.cli;

import dev.gbp.attr.Baseline;
import dev.gbp.attr.Methods;
import dev.gbp.model.ModelException;
import dev.gbp.model.ModelSpec;
import picocli.CommandLine.Option;

/** Options of the many-pass methods (Grad-CAM, SmoothGrad, integrated gradients). */
final class MethodOptions {
    @Option(names = "--cam-layer", paramLabel = "LAYER",
            description = "Grad-CAM layer (4-D output). Default: the target's layer for neuron targets, else the last 4-D layer.")
    String camLayer;

    @Option(names = "--samples", defaultValue = "50", paramLabel = "N", description = "SmoothGrad samples (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--noise", defaultValue = "0.15", paramLabel = "SIGMA",
            description = "SmoothGrad noise sigma as a fraction of each image's value range (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--steps", defaultValue = "64", paramLabel = "N", description = "Integrated-gradients steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--baseline", defaultValue = "zero", paramLabel = "NAME",
            description = "Integrated-gradients baseline: zero (mean colour), black or blur (default: ${DEFAULT-VALUE}).")
    String baseline;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of SmoothGrad's noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--internal-batch", defaultValue = "256", paramLabel = "N",
            description = "Rows per internal batch of many-pass methods (default: ${DEFAULT-VALUE}).")
    int internalBatch;

    /** Checks that {@code --cam-layer}, when given, is a layer of this model. */
    void checkLayer(ModelSpec spec) {
        if (camLayer != null) {
            try {
                spec.resolveLayer(camLayer);
            } catch (ModelException e) {
                throw new UsageException("--cam-layer " + camLayer + ": " + e.getMessage());
            }
        }
    }

    /** The options, checked (a bad value is named before any work starts). */
    Methods.Options toOptions() {
        if (samples < 1) {
            throw new UsageException("--samples must be at least 1, got " + samples);
        }
        if (steps < 1) {
            throw new UsageException("--steps must be at least 1, got " + steps);
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new UsageException("--noise must be a fraction of at least 0, got " + noise);
        }
        if (internalBatch < 1) {
            throw new UsageException("--internal-batch must be at least 1, got " + internalBatch);
        }
        Baseline b;
        try {
            b = Baseline.parse(baseline);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--baseline: " + e.getMessage());
        }
        return new Methods.Options(camLayer, samples, noise, steps, b, seed, internalBatch);
    }
}
