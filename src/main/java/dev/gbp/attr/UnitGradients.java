package dev.gbp.attr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.gbp.GbpInputException;
import dev.gbp.model.Network;

/**
 * Shared machinery of the methods built on many gradients (SmoothGrad, integrated gradients,
 * input x gradient): the target is resolved once on the real images, then the same neuron (or logit)
 * is differentiated, seeded with 1, for any number of modified copies, in internal batches of a set
 * size so that memory stays flat.
 */
final class UnitGradients {
    private final LayerwiseBackprop backprop;
    private final int internalBatch;

    /** The most values one Java array holds (a little below {@code Integer.MAX_VALUE} on every JVM). */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    UnitGradients(Network net, ReluRule rule, int internalBatch) {
        if (internalBatch < 1) {
            throw GbpInputException.parameter("internalBatch", "must be at least 1 (got " + internalBatch + ")");
        }
        this.backprop = new LayerwiseBackprop(net, rule);
        this.internalBatch = internalBatch;
    }

    Network network() {
        return backprop.network();
    }

    /**
     * The values of {@code repeat} modified copies of each of {@code images} images of {@code per} values, refused
     * naming {@code parameter} (the repeat's) when one array cannot hold them.
     */
    static int rowValues(int images, int repeat, int per, String parameter) {
        long values = (long) images * repeat * per;
        if (values > MAX_ARRAY) {
            throw GbpInputException.parameter(parameter, "of " + repeat + " for a batch of " + images + " images of " + per
                    + " values needs " + values + " values at once, more than one array holds (" + MAX_ARRAY
                    + "): lower it or the batch size");
        }
        return (int) values;
    }

    /** Resolves the target on the real images: the neuron or logit per image and its value. */
    NeuronChoice[] resolve(NDArray input, Target target) {
        try (NDScope scope = new NDScope()) {
            Network net = network();
            int seeded = target.layer(net.spec());
            NDArray h = net.forwardTo(input, seeded);
            return Selection.resolve(net, target, seeded, h, (int) input.getShape().get(0)).choices;
        }
    }

    /**
     * Gradients (seed 1) of the fixed target for {@code rows} inputs of {@code per} values each, where
     * row {@code r} belongs to image {@code r / repeat}.
     *
     * @param rows the inputs, row-major, {@code rows.length / per} rows
     * @param values receives the target's value for each row (may be null)
     * @return the gradients, same layout as {@code rows}
     */
    float[] gradients(float[] rows, long[] imageShape, Target target, NeuronChoice[] choices, int repeat, float[] values) {
        Network net = network();
        int per = rows.length / (choices.length * repeat);
        int total = choices.length * repeat;
        Target.Fixed fixed = Target.Fixed.repeat(target, choices, net.spec(), repeat);
        float[] out = new float[rows.length];
        NDManager m = net.manager();
        for (int from = 0; from < total; from += internalBatch) {
            int to = Math.min(total, from + internalBatch);
            int[] slice = java.util.Arrays.copyOfRange(fixed.flatIndex(), from, to);
            Target.Fixed part = new Target.Fixed(fixed.spec(), fixed.layerIndex(), slice, true, fixed.neuron());
            try (NDScope scope = new NDScope()) {
                float[] chunk = java.util.Arrays.copyOfRange(rows, from * per, to * per);
                NDArray x = m.create(chunk, new Shape(to - from, imageShape[1], imageShape[2], imageShape[3]));
                LayerwiseBackprop.Pass p = backprop.pass(x, part, dev.gbp.model.ModelSpec.GRAPH_INPUT);
                System.arraycopy(p.values(), 0, out, from * per, (to - from) * per);
                if (values != null) {
                    System.arraycopy(p.targetValues(), 0, values, from, to - from);
                }
            }
        }
        return out;
    }

    /** The target's value at the fixed neurons for each row (forward only). */
    float[] values(float[] rows, long[] imageShape, Target target, NeuronChoice[] choices, int repeat) {
        Network net = network();
        Target.Fixed fixed = Target.Fixed.repeat(target, choices, net.spec(), repeat);
        int per = rows.length / fixed.flatIndex().length;
        float[] out = new float[fixed.flatIndex().length];
        for (int from = 0; from < out.length; from += internalBatch) {
            int to = Math.min(out.length, from + internalBatch);
            try (NDScope scope = new NDScope()) {
                NDArray x = net.manager().create(java.util.Arrays.copyOfRange(rows, from * per, to * per),
                        new Shape(to - from, imageShape[1], imageShape[2], imageShape[3]));
                NDArray h = net.forwardTo(x, fixed.layerIndex());
                float[] v = h.toFloatArray();
                int perOut = v.length / (to - from);
                for (int r = from; r < to; r++) {
                    out[r] = v[(r - from) * perOut + fixed.flatIndex()[r]];
                }
            }
        }
        return out;
    }
}
