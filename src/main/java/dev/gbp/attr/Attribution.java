package dev.gbp.attr;

import ai.djl.ndarray.NDArray;

/** An attribution method: maps with the input's shape, for a target chosen per image. */
public interface Attribution {
    /**
     * Explains a batch.
     *
     * @param input normalised images, N x C x H x W
     * @param target what to explain, resolved per image
     * @return one map per image, N x C x H x W, and what the target resolved to
     */
    AttributionResult attribute(NDArray input, Target target);

    /**
     * The method's name in outputs.
     *
     * @return the name, e.g. {@code guided} (as {@link Methods#NAMES} spells it)
     */
    String name();
}
