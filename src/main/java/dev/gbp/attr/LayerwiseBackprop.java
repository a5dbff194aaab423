package dev.gbp.attr;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.gbp.engine.SeededBackward;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;

/**
 * The engine behind {@code gradient}, {@code deconvnet} and {@code guided}: back-propagation layer
 * by layer, with a {@link ReluRule} at every ReLU call site and the exact vector-Jacobian product of
 * every other layer.
 *
 * <p>DJL has no backward hooks, so the forward pass runs each layer on a detached copy of its input
 * inside one gradient collector. The backward walk then takes, layer by layer, the exact
 * vector-Jacobian product: in closed form where that is cheaper ({@link ClosedFormVjp}: stride-1
 * convolutions, with a following BatchNorm folded in, BatchNorm, linear, flatten, dropout), otherwise
 * from the layer's own small autograd graph seeded with {@code g} (max-pool with PyTorch's
 * first-maximum routing, pooling, strided convolutions). At ReLU call sites the rule replaces
 * autograd, computed from the stored ReLU output. Rules are keyed by layer position (the call site),
 * not by block instance.
 */
public final class LayerwiseBackprop implements Attribution {
    private final Network net;
    private final ReluRule rule;
    private final ClosedFormVjp closedForm;

    public LayerwiseBackprop(Network net, ReluRule rule) {
        this.net = net;
        this.rule = rule;
        net.freeze(true); // only the input path is differentiated; parameters never collect gradients
        this.closedForm = new ClosedFormVjp(net);
    }

    public ReluRule rule() {
        return rule;
    }

    public Network network() {
        return net;
    }

    @Override
    public String name() {
        return rule.id();
    }

    @Override
    public AttributionResult attribute(NDArray input, Target target) {
        try (NDScope scope = new NDScope()) {
            Pass p = pass(input, target, 0);
            return p.result(rule.id(), target, input, p.signal.toFloatArray());
        }
    }

    /**
     * Runs the forward pass up to the target's layer and the backward walk down to the input of layer
     * {@code downTo} (0: the network's input). Call inside an NDScope: the arrays of the returned pass
     * belong to it.
     */
    Pass pass(NDArray input, Target target, int downTo) {
        ModelSpec spec = net.spec();
        int seeded = target.layer(spec);
        if (downTo < 0 || downTo > seeded + 1) {
            throw new IllegalArgumentException("cannot stop the backward pass at layer " + downTo
                    + ": the target is at layer " + seeded);
        }
        int n = (int) input.getShape().get(0);
        NDArray[] ins = new NDArray[seeded + 1];
        NDArray[] outs = new NDArray[seeded + 1];
        int applied = 0;
        int onPath = 0;
        Selection sel;
        NDArray g;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray h = input;
            for (int i = 0; i <= seeded; i++) {
                NDArray x = h.stopGradient();
                boolean relu = Target.isRelu(spec, i);
                if (relu && i >= downTo) {
                    onPath++;
                }
                if (!relu && i >= downTo && !closedForm.covers(i)) {
                    x.setRequiresGradient(true); // this layer's backward step comes from its own autograd graph
                }
                ins[i] = x;
                outs[i] = net.forwardLayer(i, x, false);
                h = outs[i];
            }
            sel = Selection.resolve(net, target, seeded, outs[seeded], n);
            g = sel.seed;
            // Each array is released as soon as the walk has used it: the engine then reuses that memory
            // for the next one instead of faulting in fresh pages.
            for (int i = seeded; i >= downTo; i--) {
                NDArray next;
                if (Target.isRelu(spec, i)) {
                    next = rule.applyConsuming(g, outs[i]);
                    applied++;
                } else if (closedForm.foldsIntoPrevious(i) && i - 1 >= downTo) {
                    // BatchNorm whose scale is folded into the convolution below: both steps at once.
                    next = closedForm.applyConvAndBatchNorm(i - 1, g);
                    release(outs[i], ins[i]);
                    i--;
                } else if (closedForm.covers(i)) {
                    next = closedForm.apply(i, g, ins[i]);
                } else {
                    SeededBackward.backward(gc, outs[i], g);
                    next = ins[i].getGradient();
                }
                if (next != g) {
                    g.close();
                }
                release(outs[i], ins[i]);
                g = next;
            }
        }
        if (applied != onPath) {
            throw new IllegalStateException("the " + rule + " rule reached " + applied + " of the " + onPath
                    + " ReLU call sites on the path: the backward pass is broken");
        }
        return new Pass(g, downTo > 0 ? outs[downTo - 1] : null, sel, applied, onPath);
    }

    /** Closes arrays the walk has finished with (an array the walk still returns is never among them). */
    private static void release(NDArray... arrays) {
        for (NDArray a : arrays) {
            if (a != null && !a.isReleased()) {
                a.close();
            }
        }
    }

    /** What one forward-and-backward pass left behind. */
    static final class Pass {
        /** The back-propagated signal at the input of the layer the walk stopped at. */
        final NDArray signal;
        /** The output of the layer below the one the walk stopped at (null when it ran to the input). */
        final NDArray activationBelow;
        final Selection selection;
        final int applied;
        final int onPath;

        Pass(NDArray signal, NDArray activationBelow, Selection selection, int applied, int onPath) {
            this.signal = signal;
            this.activationBelow = activationBelow;
            this.selection = selection;
            this.applied = applied;
            this.onPath = onPath;
        }

        AttributionResult result(String method, Target target, NDArray input, float[] maps) {
            return new AttributionResult(method, target, maps, input.getShape().getShape(), selection.choices,
                    selection.predicted, selection.probability, applied, onPath);
        }

        /** The target's scalar per image: the chosen neuron's value or the chosen logit. */
        float[] targetValues() {
            float[] v = new float[selection.choices.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = selection.choices[i].activation();
            }
            return v;
        }
    }
}
