package dev.gbp.attr;

import ai.djl.ndarray.NDArray;
import dev.gbp.model.Network;

/** Input times gradient (Shrikumar et al. 2016): the normalised input times the target's gradient, seeded with 1. */
public final class InputXGradient implements Attribution {
    private final UnitGradients gradients;

    /**
     * Input x gradient of {@code net}'s targets.
     *
     * @param net the network to explain
     * @param internalBatch rows per internal batch, at least 1
     */
    public InputXGradient(Network net, int internalBatch) {
        this.gradients = new UnitGradients(net, ReluRule.GRADIENT, internalBatch);
    }

    @Override
    public String name() {
        return "input-x-gradient";
    }

    @Override
    public AttributionResult attribute(NDArray input, Target target) {
        long[] shape = input.getShape().getShape();
        float[] x = input.toFloatArray();
        NeuronChoice[] choices = gradients.resolve(input, target);
        float[] g = gradients.gradients(x, shape, target, choices, 1, null);
        for (int k = 0; k < g.length; k++) {
            g[k] *= x[k];
        }
        return Results.of(name(), target, g, shape, choices, gradients.network());
    }
}
