package dev.gbp.train;

import dev.gbp.GbpInputException;

/**
 * Hyper-parameters of a training run; {@code testEvery}: test accuracy after every n-th epoch and after
 * the last (1: after each); {@code cutout}: the side of the square Cutout masks in each augmented image (0: none);
 * {@code logitScale}: the factor the loss multiplies the logits by (a softmax temperature, as in Page's ResNet-9
 * recipe), folded into the last linear layer when training ends, so the bundle's logits are the ones trained;
 * {@code alternatingFlip}: each image is mirrored in every other epoch, from a random first choice (Keller Jordan's
 * airbench), instead of with probability 1/2 in each.
 */
public record TrainConfig(int epochs, int batchSize, double lr, double weightDecay, double momentum,
        double labelSmoothing, double warmupFraction, long seed, int testEvery, int cutout, double logitScale,
        boolean alternatingFlip) {

    /** A run whose flips are drawn afresh in each epoch. */
    public TrainConfig(int epochs, int batchSize, double lr, double weightDecay, double momentum,
            double labelSmoothing, double warmupFraction, long seed, int testEvery, int cutout, double logitScale) {
        this(epochs, batchSize, lr, weightDecay, momentum, labelSmoothing, warmupFraction, seed, testEvery, cutout,
                logitScale, false);
    }

    /** A run whose loss reads the logits as they are. */
    public TrainConfig(int epochs, int batchSize, double lr, double weightDecay, double momentum,
            double labelSmoothing, double warmupFraction, long seed, int testEvery, int cutout) {
        this(epochs, batchSize, lr, weightDecay, momentum, labelSmoothing, warmupFraction, seed, testEvery, cutout, 1);
    }

    /** A run without Cutout. */
    public TrainConfig(int epochs, int batchSize, double lr, double weightDecay, double momentum,
            double labelSmoothing, double warmupFraction, long seed, int testEvery) {
        this(epochs, batchSize, lr, weightDecay, momentum, labelSmoothing, warmupFraction, seed, testEvery, 0);
    }

    /** A run that measures test accuracy after every epoch. */
    public TrainConfig(int epochs, int batchSize, double lr, double weightDecay, double momentum,
            double labelSmoothing, double warmupFraction, long seed) {
        this(epochs, batchSize, lr, weightDecay, momentum, labelSmoothing, warmupFraction, seed, 1);
    }

    /**
     * Checks every value.
     *
     * @throws GbpInputException naming the first parameter out of range
     */
    public TrainConfig {
        if (epochs < 1) {
            throw GbpInputException.parameter("epochs", "must be at least 1 (got " + epochs + ")");
        }
        if (batchSize < 1) {
            throw GbpInputException.parameter("batchSize", "must be at least 1 (got " + batchSize + ")");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw GbpInputException.parameter("lr", "must be a finite number above 0 (got " + lr + ")");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw GbpInputException.parameter("weightDecay", "must be a finite number of at least 0 (got " + weightDecay + ")");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw GbpInputException.parameter("momentum", "must be in [0, 1) (got " + momentum + ")");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw GbpInputException.parameter("labelSmoothing", "must be in [0, 1) (got " + labelSmoothing + ")");
        }
        if (!(warmupFraction >= 0 && warmupFraction <= 1)) {
            throw GbpInputException.parameter("warmupFraction", "must be in [0, 1] (got " + warmupFraction + ")");
        }
        if (testEvery < 1) {
            throw GbpInputException.parameter("testEvery", "must be at least 1 (got " + testEvery + ")");
        }
        if (!(logitScale > 0) || Double.isInfinite(logitScale)) {
            throw GbpInputException.parameter("logitScale", "must be a finite number above 0 (got " + logitScale + ")");
        }
        if (cutout < 0) {
            throw GbpInputException.parameter("cutout", "must be at least 0 (got " + cutout + ")");
        }
    }
}
