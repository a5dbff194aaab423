package dev.gbp.attr;

/**
 * The neuron (or logit) a target resolved to for one image.
 *
 * @param layer index of the seeded layer
 * @param c channel (or class index, or feature index for flat layers)
 * @param y row in the layer's output (0 for flat layers)
 * @param x column in the layer's output (0 for flat layers)
 * @param activation the chosen neuron's value (the seed for neuron targets)
 * @param gap the activation minus the largest competitor (other neurons of the candidate set, or other logits)
 */
public record NeuronChoice(int layer, int c, int y, int x, float activation, float gap) {
    /**
     * Whether the chosen activation is 0, so that the map is all zero.
     *
     * @return true when {@code activation} is 0
     */
    public boolean isZero() {
        return activation == 0f;
    }

    /**
     * The neuron's index in its layer's output of one image, flattened in c, y, x order.
     *
     * @param h the layer's output height (1 for flat layers)
     * @param w the layer's output width (1 for flat layers)
     * @return c * h * w + y * w + x
     */
    public int flatIndex(int h, int w) {
        return (c * h + y) * w + x;
    }
}
