package dev.gbp.explore;

import java.util.List;

/**
 * What the explorer page needs to build its controls; {@code input} is the model's (C, H, W), {@code scale} the
 * upscaling of the image and map pictures (the page shows them at W x scale by H x scale pixels).
 *
 * @param defaultMethod the method of a request that names none
 * @param defaultLayer the layer the page starts on: the atlas's, else the model's seed layer (name, or index when
 *     unnamed), or null when it has none
 * @param atlas what the atlas shown beside the layer covers, or null without one
 */
public record ModelInfo(int[] input, int scale, List<String> classes, List<Layer> layers, List<Image> images, List<String> methods,
        List<String> normalizations, String defaultMethod, String defaultLayer, AtlasView.Summary atlas) {
    /** A layer by index, with its name, type and output shape (C, H, W or K). */
    public record Layer(int index, String name, String type, long[] shape) {}

    /** An image by index, with where it came from and its label. */
    public record Image(int index, String source, int label) {}
}
