package dev.gbp.attr;

import dev.gbp.metrics.Stats;

/**
 * Resolves a {@link Target} to one neuron per image from the seeded layer's output, and builds the
 * seed: zero everywhere except the chosen neuron, which holds its activation (neuron targets) or 1
 * (class targets). Done on plain Java arrays so that ties follow the documented rule exactly: the
 * first maximum in row-major c, y, x order.
 */
final class TargetSelector {
    private TargetSelector() {}

    /**
     * @param values the layer output, {@code n} images of {@code perImage} values in c, y, x order
     * @param dims the per-image shape: {C, H, W} or {F}
     * @param seed receives the seed, same layout as {@code values}
     */
    static NeuronChoice[] select(Target target, int layer, float[] values, long[] dims, int n, float[] seed) {
        int per = values.length / n;
        int channels = (int) dims[0];
        int plane = per / channels;
        int width = dims.length == 3 ? (int) dims[2] : 1;
        NeuronChoice[] out = new NeuronChoice[n];
        for (int i = 0; i < n; i++) {
            int base = i * per;
            int from = 0;
            int to = per;
            int chosen;
            if (target instanceof Target.ChannelMax cm) {
                from = cm.c() * plane;
                to = from + plane;
                chosen = Stats.argMax(values, base + from, base + to) - base;
            } else if (target instanceof Target.Neuron nt) {
                chosen = (nt.c() * (dims.length == 3 ? (int) dims[1] : 1) + nt.y()) * width + nt.x();
            } else if (target instanceof Target.Fixed f) {
                chosen = f.flatIndex()[i];
            } else if (target instanceof Target.ClassLogit cl) {
                chosen = cl.k();
            } else {
                // MaxNeuron and Predicted: the arg-max over the whole layer.
                chosen = Stats.argMax(values, base, base + per) - base;
            }
            float v = values[base + chosen];
            float competitor = Float.NEGATIVE_INFINITY;
            for (int k = from; k < to; k++) {
                if (k != chosen && values[base + k] > competitor) {
                    competitor = values[base + k];
                }
            }
            float gap = competitor == Float.NEGATIVE_INFINITY ? 0f : v - competitor;
            int c = chosen / plane;
            int rem = chosen % plane;
            out[i] = new NeuronChoice(layer, c, rem / width, rem % width, v, gap);
            boolean unit = target instanceof Target.Fixed f && f.unitSeed();
            seed[base + chosen] = target.isNeuronTarget() && !unit ? v : 1f;
        }
        return out;
    }
}
