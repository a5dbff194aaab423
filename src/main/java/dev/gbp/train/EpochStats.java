package dev.gbp.train;

/** What one training epoch measured. */
public record EpochStats(int epoch, double loss, double trainAccuracy, double testAccuracy, double seconds,
        double imagesPerSecond) {}
