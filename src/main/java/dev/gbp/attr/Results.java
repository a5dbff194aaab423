package dev.gbp.attr;

import dev.gbp.model.Network;

/** Builds results for methods that compute their maps outside a single layer-wise pass. */
final class Results {
    private Results() {}

    static AttributionResult of(String method, Target target, float[] maps, long[] shape, NeuronChoice[] choices,
            Network net) {
        int seeded = target.layer(net.spec());
        int relus = net.spec().rectifiersFeeding(seeded);
        // The layer-wise engine checks on every pass that each ReLU on the path received its rule.
        return new AttributionResult(method, target, maps, shape, choices, null, null, relus, relus);
    }
}
