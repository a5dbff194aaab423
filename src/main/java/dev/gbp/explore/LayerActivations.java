package dev.gbp.explore;

import java.util.List;

/** One layer's output for one image, summarised per channel: the channel's maximum and where it is. */
public record LayerActivations(int image, int layer, String layerName, long[] shape, List<Channel> channels) {
    /** Channel {@code c}'s largest value and its first position in row-major order. */
    public record Channel(int c, float max, int y, int x) {}
}
