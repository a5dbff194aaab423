package dev.gbp.attr;

import ai.djl.ndarray.NDArray;
import dev.gbp.model.Classifier;
import dev.gbp.model.Network;

/** An attribution method: maps with the input's shape, for a target chosen per image. */
public interface Attribution {
    /**
     * Explains a batch.
     *
     * @param input normalised images, N x C x H x W
     * @param target what to explain, resolved per image
     * @return one map per image, N x C x H x W, and what the target resolved to
     */
    AttributionResult attribute(NDArray input, Target target);

    /**
     * Explains a batch and attaches {@code net}'s predictions: class targets bring them with the maps; for neuron
     * targets, which stop at their layer, one more forward pass computes them, unless the method shares one pass
     * between choosing its neurons and predicting.
     *
     * @param input normalised images, N x C x H x W
     * @param target what to explain, resolved per image
     * @param net the network whose predictions are attached (the method's own)
     * @return the maps, what the target resolved to and the predictions
     */
    default AttributionResult attributeWithPredictions(NDArray input, Target target, Network net) {
        AttributionResult r = attribute(input, target);
        if (r.hasPredictions()) {
            return r;
        }
        Classifier.Predictions p = Classifier.predict(net, input);
        return r.withPredictions(p.classes(), p.probabilities());
    }

    /**
     * The method's name in outputs.
     *
     * @return the name, e.g. {@code guided} (as {@link Methods#NAMES} spells it)
     */
    String name();
}
