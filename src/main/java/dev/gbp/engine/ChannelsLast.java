package dev.gbp.engine;

import ai.djl.ndarray.NDArray;

/**
 * Image batches laid out channels-last in the engine's memory. An N x C x H x W array keeps its shape and its
 * values; only the order they are stored in becomes N x H x W x C. libtorch's convolutions then skip the layout
 * reorders they make around an N x C x H x W array and give channels-last outputs, and the element-wise steps,
 * BatchNorm and pooling after them keep that layout. Measured on this project's machines (docs/BENCHMARKS.md,
 * "2026-12-01 (later): channels-last"): convolutions 8-20 % faster, max-pooling about ten times as fast; but a
 * max-pool's backward step is five to twenty times as slow when its signal is laid out otherwise than its input, so the
 * walk lays out every signal as the activations.
 *
 * <p>Internal: public only because {@link dev.gbp.model} and {@link dev.gbp.attr} call it.
 */
public final class ChannelsLast {
    private ChannelsLast() {}

    /**
     * {@code x} laid out channels-last: one copy when it is laid out otherwise (an image batch made from Java arrays,
     * a signal made by a step that does not keep the layout), else a view of the same memory.
     *
     * @param x an array of four dimensions, N x C x H x W
     * @return a new array of {@code x}'s shape and values; {@code x} is left open. Close it as soon as it is used:
     *     while it is open, so is the memory it shares with {@code x}
     */
    public static NDArray of(NDArray x) {
        if (x.getShape().dimension() != 4) {
            throw new IllegalArgumentException("channels-last needs N x C x H x W, not " + x.getShape());
        }
        long[] s = x.getShape().getShape();
        // N x H x W x C order; the reshape to a matrix copies unless that order is already the memory's.
        try (NDArray nhwc = x.transpose(0, 2, 3, 1);
                NDArray rows = nhwc.reshape(s[0] * s[2] * s[3], s[1]);
                NDArray dense = rows.reshape(s[0], s[2], s[3], s[1])) {
            return dense.transpose(0, 3, 1, 2);
        }
    }
}
