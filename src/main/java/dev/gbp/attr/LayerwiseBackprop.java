package dev.gbp.attr;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;

/**
 * The engine behind {@code gradient}, {@code deconvnet} and {@code guided}: back-propagation layer
 * by layer, with a {@link ReluRule} at every ReLU call site and the exact vector-Jacobian product of
 * every other layer.
 *
 * <p>DJL has no backward hooks, so the forward pass runs each layer on a detached copy of its input
 * inside one gradient collector: every layer becomes its own small autograd graph. The backward walk
 * then seeds each graph with {@code sum(out * g)} to get that layer's input gradient (convolution,
 * BatchNorm, max-pool with PyTorch's first-maximum routing...), and replaces autograd at ReLU call
 * sites by the rule, computed from the stored ReLU input. Rules are keyed by layer position (the call
 * site), not by block instance.
 */
public final class LayerwiseBackprop implements Attribution {
    private final Network net;
    private final ReluRule rule;

    public LayerwiseBackprop(Network net, ReluRule rule) {
        this.net = net;
        this.rule = rule;
        net.freeze(true); // only the input path is differentiated; parameters never collect gradients
    }

    public ReluRule rule() {
        return rule;
    }

    @Override
    public String name() {
        return rule.id();
    }

    @Override
    public AttributionResult attribute(NDArray input, Target target) {
        ModelSpec spec = net.spec();
        int seeded = target.layer(spec);
        int n = (int) input.getShape().get(0);
        try (NDScope scope = new NDScope()) {
            NDArray[] ins = new NDArray[seeded + 1];
            NDArray[] outs = new NDArray[seeded + 1];
            NDArray map;
            int applied = 0;
            int onPath = 0;
            Selection sel;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray h = input;
                for (int i = 0; i <= seeded; i++) {
                    NDArray x = h.stopGradient();
                    boolean relu = Target.isRelu(spec, i);
                    if (relu) {
                        onPath++;
                    } else {
                        x.setRequiresGradient(true);
                    }
                    ins[i] = x;
                    outs[i] = net.forwardLayer(i, x, false);
                    h = outs[i];
                }
                sel = Selection.resolve(net, target, seeded, outs[seeded], n);
                NDArray g = sel.seed;
                for (int i = seeded; i >= 0; i--) {
                    if (Target.isRelu(spec, i)) {
                        g = rule.apply(g, ins[i]);
                        applied++;
                    } else {
                        gc.backward(outs[i].mul(g).sum());
                        g = ins[i].getGradient();
                    }
                }
                map = g;
            }
            if (applied != onPath) {
                throw new IllegalStateException("the " + rule + " rule reached " + applied + " of the " + onPath
                        + " ReLU call sites on the path: the backward pass is broken");
            }
            Shape shape = input.getShape();
            return new AttributionResult(rule.id(), target, map.toFloatArray(), shape.getShape(), sel.choices,
                    sel.predicted, sel.probability, applied, onPath);
        }
    }
}
