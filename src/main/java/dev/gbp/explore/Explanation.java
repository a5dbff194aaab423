package dev.gbp.explore;

import java.util.List;

/**
 * One map and what its target resolved to.
 *
 * @param zero whether the chosen activation is 0 (its map is then all zero)
 * @param flat whether the map is all zero although the activation is not (a ReLU6 neuron at its ceiling of 6 passes no
 *     gradient)
 * @param receptiveField {x0, y0, x1, y1}, inclusive, in input pixels
 * @param mapPng the map, drawn with the request's normalisation, as a data URI
 */
public record Explanation(Request request, String method, String target, int layer, String layerName, boolean spatial,
        int c, int y, int x, float activation, float gap, boolean zero, boolean flat, int[] receptiveField, int label, int predicted,
        float probability, List<ClassScore> top, String mapPng, String normalization, double millis) {

    /** What the page asks for. */
    public record Request(int image, String method, String target, String normalize) {}

    /** A class and its softmax probability. */
    public record ClassScore(int index, String name, float probability) {}
}
