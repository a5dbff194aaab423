package dev.gbp.cli;

import dev.gbp.attr.Baseline;
import dev.gbp.attr.Methods;
import picocli.CommandLine.Option;

/** Options of the many-pass methods (Grad-CAM, SmoothGrad, integrated gradients). */
final class MethodOptions {
    @Option(names = "--cam-layer", paramLabel = "LAYER",
            description = "Grad-CAM layer (4-D output). Default: the target's layer for neuron targets, else the last 4-D layer.")
    String camLayer;

    @Option(names = "--samples", defaultValue = "50", description = "SmoothGrad samples (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--noise", defaultValue = "0.15",
            description = "SmoothGrad noise sigma as a fraction of each image's value range (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--steps", defaultValue = "64", description = "Integrated-gradients steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--baseline", defaultValue = "zero",
            description = "Integrated-gradients baseline: zero (mean colour), black or blur (default: ${DEFAULT-VALUE}).")
    String baseline;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of SmoothGrad's noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--internal-batch", defaultValue = "256",
            description = "Rows per internal batch of many-pass methods (default: ${DEFAULT-VALUE}).")
    int internalBatch;

    Methods.Options toOptions() {
        return new Methods.Options(camLayer, samples, noise, steps, Baseline.parse(baseline), seed, internalBatch);
    }
}
