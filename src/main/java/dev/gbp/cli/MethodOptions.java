package dev.gbp.cli;

import dev.gbp.GbpInputException;
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

    @Option(names = "--samples", defaultValue = "50", paramLabel = "N",
            description = "SmoothGrad samples, 1.." + Ranges.MAX_REPEATS + " (default: ${DEFAULT-VALUE}).")
    @Range(min = 1, max = Ranges.MAX_REPEATS)
    int samples;

    @Option(names = "--noise", defaultValue = "0.15", paramLabel = "SIGMA",
            description = "SmoothGrad noise sigma as a fraction of each image's value range, 0..10 (default: ${DEFAULT-VALUE}).")
    @Range(min = 0, max = 10)
    double noise;

    @Option(names = "--steps", defaultValue = "64", paramLabel = "N",
            description = "Integrated-gradients steps, 1.." + Ranges.MAX_REPEATS + " (default: ${DEFAULT-VALUE}).")
    @Range(min = 1, max = Ranges.MAX_REPEATS)
    int steps;

    @Option(names = "--baseline", defaultValue = "zero", paramLabel = "NAME",
            description = "Integrated-gradients baseline: zero (mean colour), black or blur (default: ${DEFAULT-VALUE}).")
    String baseline;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of SmoothGrad's noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--internal-batch", defaultValue = "256", paramLabel = "N",
            description = "Rows per internal batch of many-pass methods, 1.." + Ranges.MAX_BATCH + " (default: ${DEFAULT-VALUE}).")
    @Range(min = 1, max = Ranges.MAX_BATCH)
    int internalBatch;

    /** Checks that {@code --cam-layer}, when given, is a layer of this model. */
    void checkLayer(ModelSpec spec) {
        if (camLayer != null) {
            try {
                spec.resolveLayer(camLayer);
            } catch (ModelException e) {
                throw new UsageException("--cam-layer " + GbpInputException.quote(camLayer) + ": " + e.getMessage());
            }
        }
    }

    /** The options, with {@code --baseline} checked (a bad value is named before any work starts). */
    Methods.Options toOptions() {
        Baseline b;
        try {
            b = Baseline.parse(baseline);
        } catch (GbpInputException e) {
            throw new UsageException("--baseline: " + e.getMessage());
        }
        return new Methods.Options(camLayer, samples, noise, steps, b, seed, internalBatch);
    }
}
