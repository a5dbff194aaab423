package dev.gbp.attr;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.gbp.model.Network;

/**
 * The plain gradient by DJL's own autograd through the whole network in one graph: the independent
 * reference the layer-wise {@code gradient} method is tested against, and the speed baseline of
 * {@code gbp bench}.
 */
public final class AutogradGradient implements Attribution {
    private final Network net;

    /**
     * The gradient of {@code net}'s targets; freezes its parameters.
     *
     * @param net the network to explain
     */
    public AutogradGradient(Network net) {
        this.net = net;
        net.freeze(true);
    }

    @Override
    public String name() {
        return "autograd-gradient";
    }

    @Override
    public AttributionResult attribute(NDArray input, Target target) {
        int seeded = target.layer(net.spec());
        int n = (int) input.getShape().get(0);
        try (NDScope scope = new NDScope()) {
            NDArray x = input.stopGradient();
            x.setRequiresGradient(true);
            Selection sel;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray h = net.forwardTo(x, seeded);
                sel = Selection.resolve(net, target, seeded, h, n);
                gc.backward(h.mul(sel.seed()).sum());
            }
            int relus = net.spec().rectifiersFeeding(seeded);
            return new AttributionResult(name(), target, x.getGradient().toFloatArray(), input.getShape().getShape(),
                    sel.choices, sel.predicted, sel.probability, relus, relus);
        }
    }
}
