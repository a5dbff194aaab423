package dev.gbp.attr;

import ai.djl.ndarray.NDArray;
import dev.gbp.engine.ChannelsLast;
import dev.gbp.engine.HostCopy;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.metrics.Stats;
import dev.gbp.model.Network;
import dev.gbp.model.ReceptiveField;
import java.nio.FloatBuffer;

/** A target resolved on one batch: the chosen neurons, the seed, and the network's predictions. */
final class Selection {
    final NeuronChoice[] choices;
    final int[] predicted;
    final float[] probability;
    /** Whether each image's seed holds its neuron's activation (neuron targets), not 1 (classes, unit seeds). */
    private final boolean activationSeeds;
    private final NDArray out;
    private NDArray seed;

    private Selection(NeuronChoice[] choices, boolean activationSeeds, NDArray out, int[] predicted,
            float[] probability) {
        this.choices = choices;
        this.activationSeeds = activationSeeds;
        this.out = out;
        this.predicted = predicted;
        this.probability = probability;
    }

    /**
     * Image {@code i}'s seed value at its chosen neuron; the seed is zero everywhere else. (The value
     * {@link TargetSelector} writes into a seed array.)
     */
    float seedValue(int i) {
        return activationSeeds ? choices[i].activation() : 1f;
    }

    /**
     * The seed as an array shaped like the seeded node's output, made on first use (a walk on cones never needs the
     * whole array: {@link Cone#cropSeed} reads {@link #seedValue}).
     */
    NDArray seed() {
        if (seed == null) {
            long[] dims = out.getShape().getShape();
            int n = (int) dims[0];
            int per = (int) (out.getShape().size() / n);
            int h = dims.length == 4 ? (int) dims[2] : 1;
            int w = dims.length == 4 ? (int) dims[3] : 1;
            float[] values = new float[n * per];
            for (int i = 0; i < n; i++) {
                values[i * per + choices[i].flatIndex(h, w)] = seedValue(i);
            }
            seed = out.getManager().create(values, out.getShape());
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
        long[] dims = net.spec().outputShape(seeded);
        NeuronChoice[] choices;
        if (target instanceof Target.MaxNeuron mn && !mn.interior() && dims.length == 3 && dims[1] * dims[2] >= 256) {
            // Maps of 16 x 16 positions or more are read in place in the layer's own channels-last order, images split
            // over the engine's threads: on MobileNet-v2's features.2 (16 x 96 x 112 x 112) 16 ms, against 29 ms to copy
            // it into c, y, x order and scan that. On smaller maps each channel's running maximum changes too often
            // for its branches to be predicted: the seed network's 8 x 8 conv3_relu took 4.3 ms so, against 1.9
            // (docs/BENCHMARKS.md).
            try (NDArray laid = ChannelsLast.of(out); NDArray yxc = laid.transpose(0, 2, 3, 1)) {
                return new Selection(TargetSelector.maxNeuronChannelsLast(seeded, HostCopy.view(yxc), (int) dims[0],
                        (int) dims[1], (int) dims[2], n, TorchRuntime.threads()), true, out, predicted, probability);
            }
        }
        // Read through a view, never copied into a Java array (a channels-last layer is first made contiguous by the
        // engine).
        FloatBuffer values = HostCopy.view(out);
        if (target instanceof Target.Predicted) {
            // The predicted class, per image: the arg-max of the logits (as the probabilities).
            choices = new NeuronChoice[n];
            for (int i = 0; i < n; i++) {
                choices[i] = TargetSelector.select(new Target.ClassLogit(predicted[i]), seeded,
                        values.slice(i * k, k), new long[] {k}, 1)[0];
            }
        } else {
            boolean[] allowed = target instanceof Target.MaxNeuron mn && mn.interior()
                    ? ReceptiveField.interior(net.spec(), seeded) : null;
            choices = TargetSelector.select(target, seeded, values, dims, n, allowed);
        }
        boolean unit = target instanceof Target.Fixed f && f.unitSeed();
        return new Selection(choices, target.isNeuronTarget() && !unit, out, predicted, probability);
    }
}
