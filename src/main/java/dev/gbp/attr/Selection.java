package dev.gbp.attr;

import dev.gbp.model.ReceptiveField;
import ai.djl.ndarray.NDArray;
import dev.gbp.metrics.Stats;
import dev.gbp.model.Network;

/** A target resolved on one batch: the chosen neurons, the seed, and the network's predictions. */
final class Selection {
    final NeuronChoice[] choices;
    /** The seed's values, laid out as the seeded node's output (N x ...): one-hot per image for the targets there are. */
    final float[] seedValues;
    final int[] predicted;
    final float[] probability;
    private final NDArray out;
    private NDArray seed;

    private Selection(NeuronChoice[] choices, float[] seedValues, NDArray out, int[] predicted, float[] probability) {
        this.choices = choices;
        this.seedValues = seedValues;
        this.out = out;
        this.predicted = predicted;
        this.probability = probability;
    }

    /**
     * The seed as an array shaped like the seeded node's output, made on first use (a walk on cones never needs the
     * whole array: {@link Cone#cropSeed} reads {@link #seedValues}).
     */
    NDArray seed() {
        if (seed == null) {
            seed = out.getManager().create(seedValues, out.getShape());
        }
        return seed;
    }

    /**
     * Resolves {@code target} from the seeded layer's output {@code out}. Only class targets, whose
     * seeded layer is the logits, also yield the prediction; for neuron targets the layers above the
     * target are not evaluated (predictions are then null).
     */
    static Selection resolve(Network net, Target target, int seeded, NDArray out, int n) {
        boolean logits = seeded == net.size() - 1;
        int k = net.spec().classes().size();
        int[] predicted = null;
        float[] probability = null;
        if (logits) {
            float[] probs = out.stopGradient().softmax(1).toFloatArray();
            predicted = new int[n];
            probability = new float[n];
            for (int i = 0; i < n; i++) {
                predicted[i] = Stats.argMax(probs, i * k, (i + 1) * k) - i * k;
                probability[i] = probs[i * k + predicted[i]];
            }
        }
        float[] values = out.toFloatArray();
        float[] seed = new float[values.length];
        Target effective = target;
        NeuronChoice[] choices;
        if (target instanceof Target.Predicted) {
            // The predicted class, per image: the arg-max of the logits (as the probabilities).
            choices = new NeuronChoice[n];
            for (int i = 0; i < n; i++) {
                NeuronChoice[] one = TargetSelector.select(new Target.ClassLogit(predicted[i]), seeded,
                        slice(values, i, k), new long[] {k}, 1, new float[k]);
                choices[i] = one[0];
                seed[i * k + predicted[i]] = 1f;
            }
        } else {
            long[] dims = net.spec().outputShape(seeded);
            boolean[] allowed = target instanceof Target.MaxNeuron mn && mn.interior()
                    ? ReceptiveField.interior(net.spec(), seeded) : null;
            choices = TargetSelector.select(effective, seeded, values, dims, n, seed, allowed);
        }
        return new Selection(choices, seed, out, predicted, probability);
    }

    private static float[] slice(float[] a, int i, int k) {
        float[] s = new float[k];
        System.arraycopy(a, i * k, s, 0, k);
        return s;
    }
}
