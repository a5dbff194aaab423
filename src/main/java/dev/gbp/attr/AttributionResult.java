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

    public String method() {
        return method;
    }

    public Target target() {
        return target;
    }

    public int size() {
        return choices.length;
    }

    /** All maps, N x C x H x W in row-major order (not a copy). */
    public float[] maps() {
        return maps;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** The map of image {@code i} (C x H x W), copied. */
    public float[] map(int i) {
        int per = maps.length / choices.length;
        float[] m = new float[per];
        System.arraycopy(maps, i * per, m, 0, per);
        return m;
    }

    public NeuronChoice choice(int i) {
        return choices[i];
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

    /** The chosen neuron or logit of every image, copied. */
    public NeuronChoice[] choices() {
        return choices.clone();
    }

    /** Whether the predicted classes are known (class targets, or after {@link #withPredictions}). */
    public boolean hasPredictions() {
        return predicted != null;
    }

    public int predicted(int i) {
        requirePredictions();
        return predicted[i];
    }

    public float probability(int i) {
        requirePredictions();
        return probability[i];
    }

    /** The predicted class of every image. */
    public int[] predictedAll() {
        requirePredictions();
        return predicted.clone();
    }

    /** The same maps with the network's predictions for the images attached. */
    public AttributionResult withPredictions(int[] classes, float[] probabilities) {
        if (classes.length != size() || probabilities.length != size()) {
            throw new IllegalArgumentException("one prediction per image is needed");
        }
        AttributionResult r = new AttributionResult(method, target, maps, shape, choices, classes.clone(),
                probabilities.clone(), reluSitesApplied, reluSitesOnPath);
        r.extras.putAll(extras);
        return r;
    }

    /** Adds a per-image quantity a method reports (e.g. integrated gradients' completeness gap). */
    public AttributionResult withExtra(String name, float[] perImage) {
        if (perImage.length != size()) {
            throw new IllegalArgumentException(name + ": one value per image is needed");
        }
        extras.put(name, perImage.clone());
        return this;
    }

    /** Per-image quantities the method reported, by name (insertion order). */
    public java.util.Map<String, float[]> extras() {
        return java.util.Collections.unmodifiableMap(extras);
    }

    private void requirePredictions() {
        if (predicted == null) {
            throw new IllegalStateException("predictions are not computed for neuron targets: use withPredictions "
                    + "(BatchRunner does) or a class target");
        }
    }

    /** ReLU call sites that received the method's rule in the backward pass. */
    public int reluSitesApplied() {
        return reluSitesApplied;
    }

    /** ReLU call sites between the input and the seeded layer. */
    public int reluSitesOnPath() {
        return reluSitesOnPath;
    }
}
