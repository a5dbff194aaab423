package dev.gbp.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.gbp.metrics.Stats;

/** Runs a network in inference mode over an image set, in batches, and keeps the softmax outputs. */
public final class Classifier {
    private Classifier() {}

    /**
     * Predictions for every image: arg-max class and its probability.
     *
     * @param net the network
     * @param images the images, of the network's input size
     * @param batchSize images per forward pass
     * @return the softmax outputs of every image
     */
    public static Predictions predict(Network net, Pixels images, int batchSize) {
        int n = images.size();
        int k = net.spec().classes().size();
        float[] probs = new float[n * k];
        NDManager m = net.manager();
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            try (NDScope scope = new NDScope()) {
                NDArray x = net.preprocess(m, images, from, to);
                NDArray p = net.forward(x, false).softmax(1);
                System.arraycopy(p.toFloatArray(), 0, probs, from * k, (to - from) * k);
            }
        }
        return new Predictions(probs, k);
    }

    /**
     * Predictions for a batch that is already preprocessed.
     *
     * @param net the network
     * @param input normalised images, N x C x H x W ({@link Network#preprocess})
     * @return the softmax outputs of every image
     */
    public static Predictions predict(Network net, NDArray input) {
        try (NDScope scope = new NDScope()) {
            return ofLogits(net.forward(input, false));
        }
    }

    /**
     * Predictions from a batch's logits.
     *
     * @param logits N x classes
     * @return the softmax outputs of every image
     */
    public static Predictions ofLogits(NDArray logits) {
        try (NDScope scope = new NDScope()) {
            return new Predictions(logits.softmax(1).toFloatArray(), (int) logits.getShape().get(1));
        }
    }

    /** Softmax outputs of a batch, with the arg-max per image. */
    public static final class Predictions {
        private final float[] probs;
        private final int classes;

        Predictions(float[] probs, int classes) {
            this.probs = probs;
            this.classes = classes;
        }

        /**
         * The number of images.
         *
         * @return the count
         */
        public int size() {
            return probs.length / classes;
        }

        /**
         * The class with the largest probability for image {@code i} (the first on ties).
         *
         * @param i the image
         * @return the class index
         */
        public int predicted(int i) {
            return Stats.argMax(probs, i * classes, (i + 1) * classes) - i * classes;
        }

        /**
         * The softmax probability of class {@code c} for image {@code i}.
         *
         * @param i the image
         * @param c the class
         * @return the probability, 0 to 1
         */
        public float probability(int i, int c) {
            return probs[i * classes + c];
        }

        /**
         * The arg-max class of every image.
         *
         * @return one class index per image
         */
        public int[] classes() {
            int[] out = new int[size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = predicted(i);
            }
            return out;
        }

        /**
         * The probability of the arg-max class of every image.
         *
         * @return one probability per image
         */
        public float[] probabilities() {
            float[] out = new float[size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = probability(i, predicted(i));
            }
            return out;
        }
    }
}
