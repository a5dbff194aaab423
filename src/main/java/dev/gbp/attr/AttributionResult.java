package dev.gbp.attr;

import dev.gbp.GbpInputException;

/**
 * Maps with the input's shape (N x C x H x W, float32, the gradient with respect to the normalised
 * input) and, per image, the resolved target and the network's prediction.
 */
public final class AttributionResult {
    private final String method;
    private final Target target;
    private final float[] maps;
    private final long[] shape;
    private final NeuronChoice[] choices;
    private final int[] predicted;
    private final float[] probability;
    private final int reluSitesApplied;
    private final int reluSitesOnPath;
    private final java.util.Map<String, float[]> extras = new java.util.LinkedHashMap<>();

    AttributionResult(String method, Target target, float[] maps, long[] shape, NeuronChoice[] choices, int[] predicted,
            float[] probability, int reluSitesApplied, int reluSitesOnPath) {
        this.method = method;
        this.target = target;
        this.maps = maps;
        this.shape = shape;
        this.choices = choices;
        this.predicted = predicted;
        this.probability = probability;
        this.reluSitesApplied = reluSitesApplied;
        this.reluSitesOnPath = reluSitesOnPath;
    }

    /**
     * The method that computed the maps.
     *
     * @return its name, e.g. {@code guided}
     */
    public String method() {
        return method;
    }

    /**
     * What the maps explain, as it was asked for; {@link #choice(int)} says what it resolved to per image.
     *
     * @return the target
     */
    public Target target() {
        return target;
    }

    /**
     * The number of images.
     *
     * @return N
     */
    public int size() {
        return choices.length;
    }

    /**
     * All maps, N x C x H x W in row-major order (not a copy).
     *
     * @return the maps; do not change them
     */
    public float[] maps() {
        return maps;
    }

    /**
     * The shape of {@link #maps()}.
     *
     * @return {N, C, H, W}, a copy
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * The map of image {@code i} (C x H x W), copied.
     *
     * @param i the image, 0 to {@link #size()} - 1
     * @return its map, C x H x W in row-major order
     */
    public float[] map(int i) {
        if (maps.length == 0 && choices.length > 0) {
            throw new IllegalStateException("this result holds no maps (withoutMaps)");
        }
        int per = maps.length / choices.length;
        float[] m = new float[per];
        System.arraycopy(maps, i * per, m, 0, per);
        return m;
    }

    /**
     * What the target resolved to for image {@code i}.
     *
     * @param i the image, 0 to {@link #size()} - 1
     * @return the chosen neuron or logit, its value and its lead over the runner-up
     */
    public NeuronChoice choice(int i) {
        return choices[i];
    }

    /**
     * Maps that are all zero although their chosen activation is not: a ReLU6 neuron at its ceiling of 6, for example,
     * passes no gradient.
     *
     * @return how many images have such a map
     */
    public int flatMaps() {
        int per = maps.length / Math.max(1, choices.length);
        int flat = 0;
        for (int i = 0; i < choices.length; i++) {
            boolean zero = true;
            for (int k = i * per; k < (i + 1) * per && zero; k++) {
                zero = maps[k] == 0f;
            }
            flat += zero && !choices[i].isZero() ? 1 : 0;
        }
        return flat;
    }

    /**
     * This result, checked: a map that holds NaN or an infinity comes from a network that computes non-finite values
     * on the image (weights too large or not finite), which no later step can draw or compare.
     *
     * @return this
     * @throws GbpInputException naming the first image whose map is not finite
     */
    public AttributionResult requireFinite() {
        for (int k = 0; k < maps.length; k++) {
            if (!Float.isFinite(maps[k])) {
                throw new GbpInputException("the " + method + " map of image " + k / (maps.length / choices.length)
                        + " holds " + maps[k] + ": the network computes values that are not finite on it (are its"
                        + " weights finite and of a sane size?)");
            }
        }
        return this;
    }

    /**
     * The chosen neuron or logit of every image, copied.
     *
     * @return one choice per image
     */
    public NeuronChoice[] choices() {
        return choices.clone();
    }

    /**
     * Whether the predicted classes are known (class targets, or after {@link #withPredictions}).
     *
     * @return true when {@link #predicted(int)} and {@link #probability(int)} may be called
     */
    public boolean hasPredictions() {
        return predicted != null;
    }

    /**
     * The class the network predicts for image {@code i}.
     *
     * @param i the image, 0 to {@link #size()} - 1
     * @return the arg-max class index
     * @throws IllegalStateException when the predictions are not known ({@link #hasPredictions()})
     */
    public int predicted(int i) {
        requirePredictions();
        return predicted[i];
    }

    /**
     * The softmax probability of the predicted class of image {@code i}.
     *
     * @param i the image, 0 to {@link #size()} - 1
     * @return the probability, 0 to 1
     * @throws IllegalStateException when the predictions are not known ({@link #hasPredictions()})
     */
    public float probability(int i) {
        requirePredictions();
        return probability[i];
    }

    /**
     * The predicted class of every image.
     *
     * @return one class index per image, a copy
     * @throws IllegalStateException when the predictions are not known ({@link #hasPredictions()})
     */
    public int[] predictedAll() {
        requirePredictions();
        return predicted.clone();
    }

    /**
     * The same maps with the network's predictions for the images attached.
     *
     * @param classes the predicted class of each image
     * @param probabilities the probability of each image's predicted class
     * @return a new result; this one is unchanged
     */
    public AttributionResult withPredictions(int[] classes, float[] probabilities) {
        if (classes.length != size() || probabilities.length != size()) {
            throw new IllegalArgumentException("one prediction per image is needed");
        }
        AttributionResult r = new AttributionResult(method, target, maps, shape, choices, classes.clone(),
                probabilities.clone(), reluSitesApplied, reluSitesOnPath);
        r.extras.putAll(extras);
        return r;
    }

    /**
     * Adds a per-image quantity a method reports (e.g. integrated gradients' completeness gap).
     *
     * @param name the quantity's name in outputs, e.g. {@code completeness_gap}
     * @param perImage one value per image (copied)
     * @return this result
     */
    public AttributionResult withExtra(String name, float[] perImage) {
        if (perImage.length != size()) {
            throw new IllegalArgumentException(name + ": one value per image is needed");
        }
        extras.put(name, perImage.clone());
        return this;
    }

    /**
     * Per-image quantities the method reported, by name (insertion order).
     *
     * @return an unmodifiable map from name to one value per image
     */
    public java.util.Map<String, float[]> extras() {
        return java.util.Collections.unmodifiableMap(extras);
    }

    private void requirePredictions() {
        if (predicted == null) {
            throw new IllegalStateException("predictions are not computed for neuron targets: use withPredictions "
                    + "(BatchRunner does) or a class target");
        }
    }

    /**
     * ReLU call sites that received the method's rule in the backward pass.
     *
     * @return the count; it equals {@link #reluSitesOnPath()} for every method
     */
    public int reluSitesApplied() {
        return reluSitesApplied;
    }

    /**
     * ReLU call sites between the input and the seeded layer.
     *
     * @return the count
     */
    public int reluSitesOnPath() {
        return reluSitesOnPath;
    }

    /**
     * This result's per-image metadata without the maps, for writers that stream the maps out batch by batch and keep
     * only what the index files need: {@link #maps()} is then empty and {@link #map(int)} fails.
     *
     * @return a result of the same images, method, target, choices, predictions and extras
     */
    public AttributionResult withoutMaps() {
        long[] s = shape.clone();
        AttributionResult r = new AttributionResult(method, target, new float[0], s, choices, predicted, probability,
                reluSitesApplied, reluSitesOnPath);
        r.extras.putAll(extras);
        return r;
    }

    /**
     * The results of consecutive batches as one, in order: their maps (when every part has them, else none, as
     * {@link #withoutMaps()}), choices, predictions and extras.
     *
     * @param parts results of one method and target on consecutive batches, each with predictions
     * @return their concatenation
     * @throws IllegalArgumentException when there are no parts or they differ in method, map shape or extras
     */
    public static AttributionResult concat(java.util.List<AttributionResult> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no results to concatenate");
        }
        AttributionResult first = parts.get(0);
        int n = 0;
        boolean maps = true;
        for (AttributionResult p : parts) {
            if (!p.method.equals(first.method) || p.shape.length != first.shape.length
                    || !java.util.Arrays.equals(p.shape, 1, p.shape.length, first.shape, 1, first.shape.length)
                    || !p.extras.keySet().equals(first.extras.keySet())) {
                throw new IllegalArgumentException("results of different methods, shapes or extras");
            }
            p.requirePredictions();
            n += p.size();
            maps &= p.maps.length > 0 || p.size() == 0;
        }
        int per = (int) (first.maps.length / Math.max(1, first.size()));
        float[] all = new float[maps ? n * per : 0];
        NeuronChoice[] choices = new NeuronChoice[n];
        int[] predicted = new int[n];
        float[] probability = new float[n];
        java.util.Map<String, float[]> extras = new java.util.LinkedHashMap<>();
        int at = 0;
        for (AttributionResult p : parts) {
            if (maps) {
                System.arraycopy(p.maps, 0, all, at * per, p.size() * per);
            }
            System.arraycopy(p.choices, 0, choices, at, p.size());
            System.arraycopy(p.predicted, 0, predicted, at, p.size());
            System.arraycopy(p.probability, 0, probability, at, p.size());
            for (var e : p.extras.entrySet()) {
                System.arraycopy(e.getValue(), 0, extras.computeIfAbsent(e.getKey(), k -> new float[choices.length]), at,
                        p.size());
            }
            at += p.size();
        }
        long[] shape = first.shape.clone();
        shape[0] = n;
        AttributionResult r = new AttributionResult(first.method, first.target, all, shape, choices, predicted, probability,
                first.reluSitesApplied, first.reluSitesOnPath);
        r.extras.putAll(extras);
        return r;
    }
}
