package dev.gbp.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.gbp.GbpInputException;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.Baseline;
import dev.gbp.attr.NeuronChoice;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.metrics.Curves;
import dev.gbp.metrics.MapReduction;
import dev.gbp.metrics.Stats;
import dev.gbp.model.Network;
import java.util.Random;

/**
 * Deletion and insertion curves (Petsiuk et al. 2018, RISE), adapted to small images and to neuron
 * targets. Pixels are ranked by the per-pixel sum of |map| over channels (ties: lower index first) and
 * changed {@code step} at a time, all channels together: deletion sets them to 0 in normalised space
 * (the data set's mean colour); insertion starts from a blurred copy (Gaussian, sigma
 * {@link Baseline#BLUR_SIGMA} px) and puts the original pixels back. The score is the probability of
 * the class chosen on the original image for class targets and, our adaptation, for neuron targets the
 * activation of the neuron chosen on the original image divided by its activation on the original
 * image, f(x') / f(x): a fraction of f(x), so that deletion starts and insertion ends at 1 and images
 * with strong and weak neurons weigh alike. An image whose neuron is not active on the original image
 * (f(x) &lt;= 0) has no such fraction and is left out of the means (counted in {@link Curve#excluded}).
 * AUC by the trapezoid rule on [0, 1].
 */
public final class Faithfulness {
    /**
     * Mean curves and AUCs of one ranking over a set of images; {@code deletionAucs} and
     * {@code insertionAucs} are the per-image AUCs behind the means (NaN for an excluded image), so two
     * rankings can be compared image by image.
     *
     * @param name the ranking's name (a method's, or {@code random})
     * @param deletion the mean score after each deletion step, from 0 pixels changed to all
     * @param insertion the mean score after each insertion step
     * @param deletionAuc the mean of the per-image deletion AUCs (lower is better)
     * @param insertionAuc the mean of the per-image insertion AUCs (higher is better)
     * @param deletionAucStd the standard deviation of the per-image deletion AUCs
     * @param insertionAucStd the standard deviation of the per-image insertion AUCs
     * @param deletionAucs each image's deletion AUC (NaN when excluded)
     * @param insertionAucs each image's insertion AUC (NaN when excluded)
     * @param excluded how many images were left out (a neuron target not active on the original image)
     */
    public record Curve(String name, double[] deletion, double[] insertion, double deletionAuc, double insertionAuc,
            double deletionAucStd, double insertionAucStd, double[] deletionAucs, double[] insertionAucs, int excluded) {}

    private final Network net;
    private final int step;
    private final int rowsPerBatch;
    private Runnable onImage = () -> {};

    /**
     * The default step: a 32nd of the image's pixels (32 for CIFAR-10's 32 x 32), so that every curve has about 33 points
     * whatever the image's size.
     *
     * @param height the image's height
     * @param width the image's width
     * @return pixels per step, at least 1
     */
    public static int defaultStep(int height, int width) {
        return (int) Math.max(1, (long) height * width / 32);
    }

    /**
     * Curves on {@code net}.
     *
     * @param net the network whose scores the curves follow
     * @param step pixels changed per step, at least 1
     * @param rowsPerBatch changed images per forward pass
     * @throws GbpInputException when {@code step} or {@code rowsPerBatch} is below 1
     */
    public Faithfulness(Network net, int step, int rowsPerBatch) {
        if (step < 1) {
            throw GbpInputException.parameter("step", "must be at least 1 (got " + step + ")");
        }
        if (rowsPerBatch < 1) {
            throw GbpInputException.parameter("rowsPerBatch", "must be at least 1 (got " + rowsPerBatch + ")");
        }
        this.net = net;
        this.step = step;
        this.rowsPerBatch = rowsPerBatch;
    }

    /**
     * Calls {@code tick} after each image of each ranking (for progress bars); returns this.
     *
     * @param tick called once per image and ranking
     * @return this
     */
    public Faithfulness onImage(Runnable tick) {
        this.onImage = tick;
        return this;
    }

    /**
     * The curves of a method's maps ({@code result}, for {@code images}).
     *
     * @param name the method's name, for the curve
     * @param images the images the maps explain
     * @param result the maps and the neurons or classes they explain
     * @return the curves
     */
    public Curve evaluate(String name, CifarImages images, AttributionResult result) {
        int n = images.size();
        float[][] saliency = new float[n][];
        for (int i = 0; i < n; i++) {
            saliency[i] = MapReduction.absSum(result.map(i), images.channels(), images.height(), images.width());
        }
        return curves(name, images, result, saliency);
    }

    /**
     * The curves of a random ranking (seeded): the baseline every method should beat.
     *
     * @param images the images
     * @param choicesFrom a result whose neurons or classes the scores follow
     * @param seed the ranking's seed
     * @return the curves, named {@code random}
     */
    public Curve random(CifarImages images, AttributionResult choicesFrom, long seed) {
        Random r = new Random(seed);
        float[][] saliency = new float[images.size()][images.height() * images.width()];
        for (float[] s : saliency) {
            for (int k = 0; k < s.length; k++) {
                s[k] = r.nextFloat();
            }
        }
        return curves("random", images, choicesFrom, saliency);
    }

    private Curve curves(String name, CifarImages images, AttributionResult result, float[][] saliency) {
        int n = images.size();
        int pixels = images.height() * images.width();
        int points = (int) (((long) pixels + step - 1) / step + 1);
        long values = 2L * points * images.imageSize();
        if (values > Integer.MAX_VALUE - 8) {
            throw GbpInputException.parameter("step", "of " + step + " pixels gives " + points + " points per curve, whose "
                    + values + " values for one image of " + images.channels() + " x " + images.height() + " x "
                    + images.width() + " do not fit in one array: take more pixels per step");
        }
        double[][] del = new double[n][];
        double[][] ins = new double[n][];
        double[] delAuc = new double[n];
        double[] insAuc = new double[n];
        for (int i = 0; i < n; i++) {
            float[] x;
            try (NDScope scope = new NDScope()) {
                x = net.preprocess(net.manager(), images, i, i + 1).toFloatArray();
            }
            float[] blurred = Baseline.gaussianBlur(x, images.channels(), images.height(), images.width(), Baseline.BLUR_SIGMA);
            int[] order = Curves.rankPixels(saliency[i]);
            float[] rows = new float[2 * points * x.length];
            for (int p = 0; p < points; p++) {
                int changed = Math.min(pixels, p * step);
                float[] d = x.clone();
                float[] in = blurred.clone();
                for (int k = 0; k < changed; k++) {
                    int px = order[k];
                    for (int c = 0; c < images.channels(); c++) {
                        d[c * pixels + px] = 0f;
                        in[c * pixels + px] = x[c * pixels + px];
                    }
                }
                System.arraycopy(d, 0, rows, p * x.length, x.length);
                System.arraycopy(in, 0, rows, (points + p) * x.length, x.length);
            }
            double[] scores = score(rows, 2 * points, result.target(), result.choice(i));
            if (result.target().isNeuronTarget()) {
                // Row 0 is the original image itself (nothing deleted): f(x).
                double full = scores[0];
                for (int k = 0; k < scores.length; k++) {
                    scores[k] = full > 0 ? scores[k] / full : Double.NaN;
                }
            }
            del[i] = java.util.Arrays.copyOfRange(scores, 0, points);
            ins[i] = java.util.Arrays.copyOfRange(scores, points, 2 * points);
            delAuc[i] = Curves.auc(del[i]);
            insAuc[i] = Curves.auc(ins[i]);
            onImage.run();
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
            kept += Double.isNaN(delAuc[i]) ? 0 : 1;
        }
        if (kept == 0) {
            double[] none = new double[points];
            java.util.Arrays.fill(none, Double.NaN);
            return new Curve(name, none, none.clone(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, delAuc, insAuc, n);
        }
        double[][] keptDel = new double[kept][];
        double[][] keptIns = new double[kept][];
        double[] keptDelAuc = new double[kept];
        double[] keptInsAuc = new double[kept];
        for (int i = 0, j = 0; i < n; i++) {
            if (!Double.isNaN(delAuc[i])) {
                keptDel[j] = del[i];
                keptIns[j] = ins[i];
                keptDelAuc[j] = delAuc[i];
                keptInsAuc[j] = insAuc[i];
                j++;
            }
        }
        return new Curve(name, Curves.mean(keptDel), Curves.mean(keptIns), Stats.mean(keptDelAuc), Stats.mean(keptInsAuc),
                Stats.std(keptDelAuc), Stats.std(keptInsAuc), delAuc, insAuc, n - kept);
    }

    /**
     * What the curves measure for {@code target}: a class's probability, or a neuron's activation as a fraction of f(x).
     *
     * @param target the target explained
     * @return one sentence
     */
    public static String scoreDescription(Target target) {
        return target.isNeuronTarget()
                ? "activation of the neuron chosen on the original image, divided by its activation on the original image"
                        + " (a fraction of f(x): 1 = as active as on the whole image; gbp's adaptation of RISE to neuron targets)"
                : "softmax probability of the class chosen on the original image";
    }

    /**
     * A short name of the score's unit, for axis titles.
     *
     * @param target the target explained
     * @return a few words
     */
    public static String scoreUnit(Target target) {
        return target.isNeuronTarget() ? "activation as a fraction of f(x)" : "probability of the class";
    }

    /** The score of each row for one image's target. */
    private double[] score(float[] rows, int count, Target target, NeuronChoice choice) {
        double[] out = new double[count];
        int per = rows.length / count;
        int layer = choice.layer();
        boolean neuron = target.isNeuronTarget();
        long[] dims = net.spec().outputShape(layer);
        int h = dims.length == 3 ? (int) dims[1] : 1;
        int w = dims.length == 3 ? (int) dims[2] : 1;
        int flat = choice.flatIndex(h, w);
        for (int from = 0; from < count; from += rowsPerBatch) {
            int to = Math.min(count, from + rowsPerBatch);
            try (NDScope scope = new NDScope()) {
                NDArray x = net.manager().create(java.util.Arrays.copyOfRange(rows, from * per, to * per),
                        new Shape(to - from, net.spec().input()[0], net.spec().input()[1], net.spec().input()[2]));
                NDArray a = net.forwardTo(x, neuron ? layer : net.size() - 1);
                if (!neuron) {
                    a = a.softmax(1);
                }
                float[] v = a.toFloatArray();
                int perOut = v.length / (to - from);
                for (int r = from; r < to; r++) {
                    out[r] = v[(r - from) * perOut + flat];
                }
            }
        }
        return out;
    }

    /**
     * The curves of every method's maps for {@code target}, then of a random ranking (seeded), with
     * {@code step} pixels per step.
     *
     * @param net the network
     * @param images the images
     * @param target what the maps explain
     * @param methods method names ({@link dev.gbp.attr.Methods#NAMES})
     * @param options the methods' options; its seed also seeds the random ranking
     * @param step pixels changed per step, at least 1
     * @param batchSize images per attribution batch
     * @return one curve per method in order, then the random ranking's
     */
    public static java.util.List<Curve> compare(Network net, CifarImages images, Target target, java.util.List<String> methods,
            dev.gbp.attr.Methods.Options options, int step, int batchSize) {
        java.util.Map<String, AttributionResult> results = new java.util.LinkedHashMap<>();
        for (String m : methods) {
            results.put(m, dev.gbp.attr.BatchRunner.run(dev.gbp.attr.Methods.create(m, net, options), net, images, target,
                    batchSize, null));
        }
        return compare(net, images, results, step, options.seed());
    }

    /**
     * The curves of maps already computed (by method name), then of a random ranking seeded with {@code seed}.
     *
     * @param net the network
     * @param images the images
     * @param results the maps by method name, at least one
     * @param step pixels changed per step, at least 1
     * @param seed the random ranking's seed
     * @return one curve per method in order, then the random ranking's
     */
    public static java.util.List<Curve> compare(Network net, CifarImages images, java.util.Map<String, AttributionResult> results,
            int step, long seed) {
        return compare(net, images, results, step, seed, () -> {});
    }

    /**
     * As {@link #compare(Network, CifarImages, java.util.Map, int, long)}, calling {@code tick} after each
     * image of each ranking: (methods + 1) x images times in all.
     *
     * @param net the network
     * @param images the images
     * @param results the maps by method name, at least one
     * @param step pixels changed per step, at least 1
     * @param seed the random ranking's seed
     * @param tick called once per image and ranking
     * @return one curve per method in order, then the random ranking's
     */
    public static java.util.List<Curve> compare(Network net, CifarImages images, java.util.Map<String, AttributionResult> results,
            int step, long seed, Runnable tick) {
        Faithfulness f = new Faithfulness(net, step, 330).onImage(tick);
        java.util.List<Curve> curves = new java.util.ArrayList<>();
        results.forEach((m, r) -> curves.add(f.evaluate(m, images, r)));
        curves.add(f.random(images, results.values().iterator().next(), seed));
        return curves;
    }
}
