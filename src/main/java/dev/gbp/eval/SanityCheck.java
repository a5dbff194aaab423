package dev.gbp.eval;

import ai.djl.ndarray.NDManager;
import dev.gbp.GbpInputException;
import dev.gbp.attr.Attribution;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.BatchRunner;
import dev.gbp.attr.Methods;
import dev.gbp.attr.NeuronChoice;
import dev.gbp.model.ReceptiveField;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.metrics.Stats;
import dev.gbp.model.Network;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model-parameter randomisation tests (Adebayo et al. 2018, "Sanity Checks for Saliency Maps"):
 * cascading (blocks randomised from the top down, cumulatively) and independent (one block at a time).
 * For a neuron target only the blocks at or below the target's layer can change its map, so only they
 * are randomised; for class targets the cascade starts at the logits. The neuron (or class) is either
 * frozen at the trained network's choice or re-chosen on each randomised network.
 */
public final class SanityCheck {
    /** Whether the randomised network explains the trained network's neuron or picks its own. */
    public enum Position {
        /** The neuron (or class) chosen on the trained network, explained on every randomised one. */
        FROZEN,
        /** Each randomised network chooses its own neuron (or class) for the target. */
        RECHOSEN
    }

    /**
     * Per step, per method, per metric: mean, standard deviation (population) and the quartiles (25th
     * percentile, median, 75th percentile, linear interpolation as numpy) over the images.
     */
    public record Series(double[] mean, double[] std, double[] p25, double[] median, double[] p75) {}

    /**
     * Everything a run measured; {@code strips} keeps the maps of the first images at every cascade step.
     * {@code cascadeZeroMaps} and {@code independentZeroMaps} count, per method and step, the images whose
     * map is exactly zero everywhere (the similarity measures score such a map 0). For a neuron target
     * with a frozen position, {@code cascadeInactive} and {@code independentInactive} count per step the
     * images on which the trained network's chosen neuron (of the first method) has an activation of 0
     * or less on the randomised network: at a ReLU, its input is then not positive, and every rule that
     * gates on the forward input (gradient, guided) passes nothing back, so the map is zero. They are
     * null otherwise.
     */
    public record Result(Target target, Position position, List<String> cascadeLabels, List<String> independentLabels,
            Map<String, Map<String, Series>> cascade, Map<String, Map<String, Series>> independent,
            Map<String, List<float[][]>> strips, int stripImages, int images, Map<String, int[]> cascadeZeroMaps,
            Map<String, int[]> independentZeroMaps, int[] cascadeInactive, int[] independentInactive) {}

    private final Network trained;
    private final NDManager manager;
    private final long seed;
    private final int batchSize;
    private Runnable onStep = () -> {};

    /**
     * Sanity checks of {@code trained}.
     *
     * @param trained the trained network
     * @param manager the parent manager of the randomised networks
     * @param seed the seed of the re-drawn weights
     * @param batchSize images per attribution batch
     * @throws GbpInputException when {@code batchSize} is below 1
     */
    public SanityCheck(Network trained, NDManager manager, long seed, int batchSize) {
        if (batchSize < 1) {
            throw GbpInputException.parameter("batchSize", "must be at least 1 (got " + batchSize + ")");
        }
        this.trained = trained;
        this.manager = manager;
        this.seed = seed;
        this.batchSize = batchSize;
    }

    /**
     * Calls {@code tick} each time one method's maps on one randomised network are done (for progress
     * bars; {@link #steps} of them in a run); returns this.
     *
     * @param tick called once per method and randomised network
     * @return this
     */
    public SanityCheck onStep(Runnable tick) {
        this.onStep = tick;
        return this;
    }

    /**
     * How many times a run for {@code target} with {@code methods} methods ticks: one per method and
     * randomised network (every cascade step, and every independent step but the first, which is the
     * first cascade step's network).
     *
     * @param target the target explained
     * @param methods the number of methods
     * @return the number of ticks
     */
    public int steps(Target target, int methods) {
        int blocks = Randomizer.blocksTopDown(trained.spec(), target.layer(trained.spec())).size();
        return Math.max(0, 2 * blocks - 1) * methods;
    }

    /**
     * Runs the cascading and independent randomisation tests for every method.
     *
     * @param images the images
     * @param target what the maps explain
     * @param methods method names ({@link Methods#NAMES})
     * @param options the methods' options
     * @param position whether the randomised networks explain the trained network's choice or their own
     * @param stripImages how many of the first images' maps to keep at every cascade step
     * @return everything the run measured
     */
    public Result run(CifarImages images, Target target, List<String> methods, Methods.Options options, Position position,
            int stripImages) {
        Map<String, AttributionResult> originals = new LinkedHashMap<>();
        for (String m : methods) {
            originals.put(m, BatchRunner.run(Methods.create(m, trained, options), trained, images, target, batchSize, null));
        }
        return run(images, target, originals, options, position, stripImages);
    }

    /**
     * As {@link #run(CifarImages, Target, List, Methods.Options, Position, int)}, given each method's maps on
     * the trained network (computed with {@code options} and this check's batch size), for callers that
     * already have them.
     *
     * @param images the images
     * @param target what the maps explain
     * @param originals each method's maps on the trained network, by method name
     * @param options the methods' options
     * @param position whether the randomised networks explain the trained network's choice or their own
     * @param stripImages how many of the first images' maps to keep at every cascade step
     * @return everything the run measured
     */
    public Result run(CifarImages images, Target target, Map<String, AttributionResult> originals, Methods.Options options,
            Position position, int stripImages) {
        List<String> methods = List.copyOf(originals.keySet());
        int top = target.layer(trained.spec());
        Randomizer randomizer = new Randomizer(trained, manager, seed);
        List<Randomizer.Block> blocks = randomizer.blocksTopDown(top);
        if (blocks.isEmpty()) {
            String name = trained.spec().layer(top).name();
            throw new GbpInputException("no layer at or below the target's layer " + (name != null ? name : "#" + top)
                    + " has weights to randomise: choose a target above a convolution or linear layer");
        }
        List<String> cascadeLabels = new ArrayList<>(List.of("trained"));
        List<String> independentLabels = new ArrayList<>(List.of("trained"));
        Map<String, Map<String, Series>> cascade = new LinkedHashMap<>();
        Map<String, Map<String, Series>> independent = new LinkedHashMap<>();
        Map<String, List<float[][]>> strips = new LinkedHashMap<>();
        int steps = blocks.size() + 1;
        Map<String, double[][][]> cascadeScores = new LinkedHashMap<>();
        Map<String, double[][][]> independentScores = new LinkedHashMap<>();
        for (String m : methods) {
            cascadeScores.put(m, new double[MapComparison.METRICS.length][steps][]);
            independentScores.put(m, new double[MapComparison.METRICS.length][steps][]);
            List<float[][]> s = new ArrayList<>();
            s.add(first(originals.get(m).maps(), stripImages, images.size()));
            strips.put(m, s);
        }
        Map<String, int[][]> boxes = new LinkedHashMap<>();
        for (String m : methods) {
            int[][] b = new int[images.size()][];
            for (int i = 0; i < b.length; i++) {
                NeuronChoice c = originals.get(m).choice(i);
                // Neuron targets: Spearman inside the receptive field (see MapComparison).
                b[i] = target.isNeuronTarget() && trained.spec().outputShape(c.layer()).length == 3
                        ? ReceptiveField.of(trained.spec(), c.layer(), c.y(), c.x()) : null;
            }
            boxes.put(m, b);
        }
        Map<String, int[]> cascadeZero = new LinkedHashMap<>();
        Map<String, int[]> independentZero = new LinkedHashMap<>();
        for (String m : methods) {
            int zero = countZeroMaps(originals.get(m).maps(), images.size());
            cascadeZero.put(m, new int[steps]);
            independentZero.put(m, new int[steps]);
            cascadeZero.get(m)[0] = zero;
            independentZero.get(m)[0] = zero;
        }
        boolean countInactive = target.isNeuronTarget() && position == Position.FROZEN;
        NeuronChoice[] frozen = originals.get(methods.get(0)).choices();
        int[] cascadeInactive = countInactive ? new int[steps] : null;
        int[] independentInactive = countInactive ? new int[steps] : null;
        if (countInactive) {
            cascadeInactive[0] = inactive(trained, images, top, frozen);
            independentInactive[0] = cascadeInactive[0];
        }
        for (String m : methods) {
            double[][] self = compareAll(originals.get(m).maps(), originals.get(m).maps(), images.size(), boxes.get(m));
            for (int k = 0; k < MapComparison.METRICS.length; k++) {
                cascadeScores.get(m)[k][0] = self[k];
                independentScores.get(m)[k][0] = self[k];
            }
        }
        for (int step = 1; step < steps; step++) {
            List<Randomizer.Block> cumulative = blocks.subList(0, step);
            cascadeLabels.add(cumulative.get(cumulative.size() - 1).name());
            independentLabels.add(blocks.get(step - 1).name());
            for (boolean isCascade : new boolean[] {true, false}) {
                if (!isCascade && step == 1) {
                    // The top block randomised alone is the first cascade step: the same network, the same maps.
                    for (String m : methods) {
                        for (int k = 0; k < MapComparison.METRICS.length; k++) {
                            independentScores.get(m)[k][step] = cascadeScores.get(m)[k][step].clone();
                        }
                        independentZero.get(m)[step] = cascadeZero.get(m)[step];
                    }
                    if (countInactive) {
                        independentInactive[step] = cascadeInactive[step];
                    }
                    continue;
                }
                List<Randomizer.Block> randomized = isCascade ? cumulative : List.of(blocks.get(step - 1));
                try (Network net = randomizer.withRandomized(randomized, manager)) {
                    if (countInactive) {
                        (isCascade ? cascadeInactive : independentInactive)[step] = inactive(net, images, top, frozen);
                    }
                    for (String m : methods) {
                        Target t = position == Position.FROZEN
                                ? Target.Fixed.repeat(target, originals.get(m).choices(), trained.spec(), 1) : target;
                        Attribution a = Methods.create(m, net, options);
                        float[] maps = BatchRunner.run(a, net, images, t, batchSize, null).maps();
                        double[][] scores = compareAll(originals.get(m).maps(), maps, images.size(), comparedBoxes(boxes.get(m), position));
                        for (int k = 0; k < MapComparison.METRICS.length; k++) {
                            (isCascade ? cascadeScores : independentScores).get(m)[k][step] = scores[k];
                        }
                        (isCascade ? cascadeZero : independentZero).get(m)[step] = countZeroMaps(maps, images.size());
                        if (isCascade) {
                            strips.get(m).add(first(maps, stripImages, images.size()));
                        }
                        onStep.run();
                    }
                }
            }
        }
        for (String m : methods) {
            cascade.put(m, summarize(cascadeScores.get(m)));
            independent.put(m, summarize(independentScores.get(m)));
        }
        return new Result(target, position, cascadeLabels, independentLabels, cascade, independent, strips,
                Math.min(stripImages, images.size()), images.size(), cascadeZero, independentZero, cascadeInactive,
                independentInactive);
    }

    /** How many of the {@code n} maps (concatenated in {@code maps}) are exactly zero everywhere. */
    static int countZeroMaps(float[] maps, int n) {
        int per = maps.length / n;
        int zero = 0;
        for (int i = 0; i < n; i++) {
            boolean all = true;
            for (int k = i * per; k < (i + 1) * per && all; k++) {
                all = maps[k] == 0f;
            }
            zero += all ? 1 : 0;
        }
        return zero;
    }

    /** On how many images {@code net}'s output of layer {@code layer} at each image's chosen neuron is 0 or less. */
    private int inactive(Network net, CifarImages images, int layer, NeuronChoice[] choices) {
        long[] dims = net.spec().outputShape(layer);
        int h = dims.length == 3 ? (int) dims[1] : 1;
        int w = dims.length == 3 ? (int) dims[2] : 1;
        int count = 0;
        for (int from = 0; from < images.size(); from += batchSize) {
            int to = Math.min(images.size(), from + batchSize);
            try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                float[] a = net.forwardTo(net.preprocess(net.manager(), images, from, to), layer).toFloatArray();
                int per = a.length / (to - from);
                for (int i = from; i < to; i++) {
                    count += a[(i - from) * per + choices[i].flatIndex(h, w)] <= 0f ? 1 : 0;
                }
            }
        }
        return count;
    }

    /**
     * What "position" means for {@code target}: whether the randomised networks explain the neuron (or
     * class) chosen on the trained network, or choose their own.
     *
     * @param target the target explained
     * @param position the position
     * @return one sentence
     */
    public static String positionDescription(Target target, Position position) {
        boolean neuron = target.isNeuronTarget();
        if (position == Position.FROZEN) {
            return neuron
                    ? "neuron frozen: every randomised network is explained at the neuron (channel, y, x) chosen on the trained network"
                    : "class frozen: every randomised network is explained for the class chosen on the trained network"
                            + " (for 'predicted', the trained network's prediction), not for its own prediction";
        }
        return neuron
                ? "neuron re-chosen: each randomised network is explained at the neuron it picks itself for '" + target.spec() + "'"
                : "class re-chosen: each randomised network is explained for the class it picks itself for '" + target.spec()
                        + "' (for 'predicted', its own prediction)";
    }

    private static float[][] first(float[] maps, int k, int n) {
        int per = maps.length / n;
        float[][] out = new float[Math.min(k, n)][];
        for (int i = 0; i < out.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(maps, i * per, (i + 1) * per);
        }
        return out;
    }

    /**
     * The boxes to compare inside: the trained network's receptive fields when the neuron is frozen;
     * when it is re-chosen the map may move, so both maps are compared over the whole image.
     */
    private static int[][] comparedBoxes(int[][] boxes, Position position) {
        return position == Position.FROZEN ? boxes : new int[boxes.length][];
    }

    /** Per metric, per image. */
    private double[][] compareAll(float[] a, float[] b, int n, int[][] boxes) {
        int per = a.length / n;
        double[][] out = new double[MapComparison.METRICS.length][n];
        for (int i = 0; i < n; i++) {
            double[] s = MapComparison.compare(java.util.Arrays.copyOfRange(a, i * per, (i + 1) * per),
                    java.util.Arrays.copyOfRange(b, i * per, (i + 1) * per), trained.spec().input()[0], trained.spec().input()[1], trained.spec().input()[2], boxes[i]);
            for (int k = 0; k < s.length; k++) {
                out[k][i] = s[k];
            }
        }
        return out;
    }

    private static Map<String, Series> summarize(double[][][] scores) {
        Map<String, Series> out = new LinkedHashMap<>();
        for (int k = 0; k < MapComparison.METRICS.length; k++) {
            int steps = scores[k].length;
            double[] mean = new double[steps];
            double[] std = new double[steps];
            double[] p25 = new double[steps];
            double[] median = new double[steps];
            double[] p75 = new double[steps];
            for (int s = 0; s < steps; s++) {
                mean[s] = Stats.mean(scores[k][s]);
                std[s] = Stats.std(scores[k][s]);
                p25[s] = Stats.quantile(scores[k][s], 0.25);
                median[s] = Stats.quantile(scores[k][s], 0.5);
                p75[s] = Stats.quantile(scores[k][s], 0.75);
            }
            out.put(MapComparison.METRICS[k], new Series(mean, std, p25, median, p75));
        }
        return out;
    }
}
