package dev.gbp.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

/**
 * Back-propagates a given gradient through an autograd graph: PyTorch's {@code out.backward(g)}.
 *
 * <p>DJL's {@link GradientCollector#backward} always seeds with ones, so the portable way to seed with
 * {@code g} is to back-propagate {@code sum(out * g)}: two more passes over the array and two more
 * allocations on every call. On the PyTorch engine the seed goes in directly.
 *
 * <p>Internal: public only because {@link dev.gbp.attr} calls it from another package.
 */
public final class SeededBackward {
    private SeededBackward() {}

    /**
     * Adds {@code d<g, out>/dx} to the gradient of every array {@code x} that {@code out} was computed from.
     *
     * @param collector the gradient collector that recorded {@code out}'s graph
     * @param out the graph's output
     * @param g the seed, of {@code out}'s shape
     */
    public static void backward(GradientCollector collector, NDArray out, NDArray g) {
        if (out instanceof PtNDArray && g instanceof PtNDArray) {
            JniUtils.backward((PtNDArray) out, (PtNDArray) g, false, false);
        } else {
            try (NDArray product = out.mul(g); NDArray sum = product.sum()) {
                collector.backward(sum);
            }
        }
    }
}
