package dev.gbp.atlas;

import java.io.Serializable;

/**
 * A winner's reconstruction: the guided backprop map of its neuron and the image, both cropped to the neuron's
 * receptive field {@code box} ({x0, y0, x1, y1} inclusive, clipped to the image), each {@code channels x height x
 * width}, row-major. {@code seed} is the neuron's value the backward pass started from (its activation, recomputed
 * in the reconstruction pass).
 */
public record Patch(Winner winner, int[] box, int channels, int height, int width, float[] map, byte[] pixels,
        float seed) implements Serializable {}
