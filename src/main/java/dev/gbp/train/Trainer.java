package dev.gbp.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.gbp.GbpInputException;
import dev.gbp.data.CifarImages;
import dev.gbp.model.Classifier;
import dev.gbp.model.LayerType;
import dev.gbp.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains a {@link Network} on CIFAR-style images: shuffled mini-batches with crop-and-flip
 * augmentation, label-smoothed cross-entropy, SGD with Nesterov momentum under a one-cycle schedule,
 * and test accuracy after every {@code testEvery}-th epoch and after the last.
 */
public final class Trainer {
    /** Hears about progress; the CLI draws a progress bar with it. */
    public interface Listener {
        default void epochStarted(int epoch, int steps) {}

        default void stepDone(int epoch, int step, double loss, double accuracy, double imagesPerSecond) {}

        default void epochDone(EpochStats stats) {}
    }

    private final TrainConfig config;
    private final Listener listener;
    private final boolean augment;

    /** A trainer with the standard crop-and-flip augmentation. */
    public Trainer(TrainConfig config, Listener listener) {
        this(config, listener, true);
    }

    /** A trainer; {@code augment=false} feeds the images as they are (for data where flips change the label). */
    public Trainer(TrainConfig config, Listener listener, boolean augment) {
        this.config = config;
        this.listener = listener;
        this.augment = augment;
    }

    /**
     * Trains {@code net} in place and returns the per-epoch statistics.
     *
     * @throws GbpInputException when {@code train} holds no images, or when the loss stops being finite (training
     *     diverged; the message names the epoch, step and learning rate)
     */
    public List<EpochStats> train(Network net, CifarImages train, CifarImages test) {
        int n = train.size();
        if (n == 0) {
            throw GbpInputException.parameter("train", "holds no images to train on");
        }
        int last = net.size() - 1;
        if (config.logitScale() != 1 && net.spec().layer(last).type() != LayerType.LINEAR) {
            throw GbpInputException.parameter("logitScale", "needs a network that ends in a linear layer to fold the scale"
                    + " into, but " + net.spec().layer(last).describe(last) + " is " + net.spec().layer(last).type().json());
        }
        float logitScale = (float) config.logitScale();
        int batch = Math.min(config.batchSize(), n);
        int stepsPerEpoch = n / batch; // the last partial batch is dropped: BatchNorm dislikes tiny batches
        OneCycleSchedule schedule = new OneCycleSchedule(config.lr(), (long) stepsPerEpoch * config.epochs(),
                config.warmupFraction(), 0.1);
        NDManager m = net.manager();
        SgdNesterov sgd = new SgdNesterov(net.parameters(), m, config.momentum(), config.weightDecay());
        Augmenter augmenter = new Augmenter(augment ? 4 : 0, augment, net.spec().mean(), net.spec().std(),
                augment ? config.cutout() : 0);
        SplittableRandom rng = new SplittableRandom(config.seed());
        int classes = net.spec().classes().size();
        float[] xs = new float[batch * CifarImages.PIXELS];
        float[] targets = new float[batch * classes];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        boolean[] firstFlip = null;
        boolean[] mirrored = null;
        if (augment && config.alternatingFlip()) {
            firstFlip = new boolean[n];
            mirrored = new boolean[n];
            for (int i = 0; i < n; i++) {
                firstFlip[i] = rng.nextBoolean();
            }
        }
        net.freeze(false);
        List<EpochStats> history = new ArrayList<>();
        long step = 0;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            shuffle(order, rng);
            if (mirrored != null) {
                alternate(firstFlip, epoch, mirrored);
            }
            listener.epochStarted(epoch, stepsPerEpoch);
            long start = System.nanoTime();
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            for (int s = 0; s < stepsPerEpoch; s++) {
                int from = s * batch;
                augmenter.fill(train, order, from, from + batch, rng, xs, mirrored);
                smoothTargets(train, order, from, batch, classes, targets);
                try (NDScope scope = new NDScope()) {
                    NDArray x = m.create(xs, new Shape(batch, 3, CifarImages.SIDE, CifarImages.SIDE));
                    NDArray t = m.create(targets, new Shape(batch, classes));
                    NDArray logits;
                    NDArray loss;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        logits = net.forward(x, true);
                        NDArray scaled = logitScale == 1 ? logits : logits.mul(logitScale);
                        loss = scaled.logSoftmax(1).mul(t).sum(new int[] {1}).neg().mean();
                        gc.backward(loss);
                    }
                    float l = loss.getFloat();
                    double lr = schedule.at(step);
                    if (!Float.isFinite(l)) {
                        throw GbpInputException.parameter("lr", String.format(java.util.Locale.ROOT,
                                "led to a loss of %s at epoch %d, step %d (learning rate %.4g there): training diverged"
                                + " and was stopped; try a lower value", l, epoch, s + 1, lr));
                    }
                    sgd.step(lr);
                    lossSum += l * batch;
                    int[] pred = logits.argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
                    for (int i = 0; i < batch; i++) {
                        if (pred[i] == train.label(order[from + i])) {
                            correct++;
                        }
                    }
                }
                seen += batch;
                step++;
                double secs = (System.nanoTime() - start) / 1e9;
                listener.stepDone(epoch, s + 1, lossSum / seen, (double) correct / seen, seen / secs);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double testAcc = Double.NaN;
            boolean testNow = epoch % config.testEvery() == 0 || epoch == config.epochs();
            if (test != null && test.size() > 0 && testNow) {
                testAcc = accuracy(net, test);
            }
            EpochStats stats = new EpochStats(epoch, lossSum / seen, (double) correct / seen, testAcc, seconds,
                    seen / seconds);
            history.add(stats);
            listener.epochDone(stats);
        }
        net.freeze(true);
        if (logitScale != 1) {
            foldScale(net, last, logitScale);
        }
        return history;
    }

    /** Multiplies node {@code i}'s parameters (a linear layer's weight and bias) by {@code scale}, scaling its output. */
    static void foldScale(Network net, int i, float scale) {
        for (Pair<String, Parameter> p : net.layer(i).getParameters()) {
            p.getValue().getArray().muli(scale);
        }
    }

    /** Fraction of {@code images} the network classifies correctly, in inference mode. */
    public static double accuracy(Network net, CifarImages images) {
        Classifier.Predictions p = Classifier.predict(net, images, 500);
        int ok = 0;
        for (int i = 0; i < images.size(); i++) {
            if (p.predicted(i) == images.label(i)) {
                ok++;
            }
        }
        return (double) ok / images.size();
    }

    private void smoothTargets(CifarImages train, int[] order, int from, int batch, int classes, float[] out) {
        float off = (float) (config.labelSmoothing() / classes);
        float on = (float) (1 - config.labelSmoothing()) + off;
        java.util.Arrays.fill(out, off);
        for (int i = 0; i < batch; i++) {
            out[i * classes + train.label(order[from + i])] = on;
        }
    }

    /** Epoch {@code epoch}'s flips (from 1): the first epoch's choices, inverted in every even epoch. */
    static void alternate(boolean[] first, int epoch, boolean[] out) {
        for (int i = 0; i < first.length; i++) {
            out[i] = first[i] ^ (epoch % 2 == 0);
        }
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
