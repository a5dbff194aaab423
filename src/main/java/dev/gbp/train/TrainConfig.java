package dev.gbp.train;

/**
 * Hyper-parameters of a training run; {@code testEvery}: test accuracy after every n-th epoch and after
 * the last (1: after each).
 */
public record TrainConfig(int epochs, int batchSize, double lr, double weightDecay, double momentum,
        double labelSmoothing, double warmupFraction, long seed, int testEvery) {

    /** A run that measures test accuracy after every epoch. */
    public TrainConfig(int epochs, int batchSize, double lr, double weightDecay, double momentum,
            double labelSmoothing, double warmupFraction, long seed) {
        this(epochs, batchSize, lr, weightDecay, momentum, labelSmoothing, warmupFraction, seed, 1);
    }

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
        if (testEvery < 1) {
            throw new IllegalArgumentException("--test-every must be at least 1, got " + testEvery);
        }
        if (labelSmoothing < 0 || labelSmoothing >= 1) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        }
    }
}
