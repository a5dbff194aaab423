package dev.gbp.train;

/** Hyper-parameters of a training run. */
public record TrainConfig(int epochs, int batchSize, double lr, double weightDecay, double momentum,
        double labelSmoothing, double warmupFraction, long seed) {

    public TrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("--lr must be positive, got " + lr);
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException("--weight-decay must not be negative, got " + weightDecay);
        }
        if (labelSmoothing < 0 || labelSmoothing >= 1) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        }
    }
}
