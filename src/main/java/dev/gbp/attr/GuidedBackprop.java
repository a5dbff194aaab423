package dev.gbp.attr;

import dev.gbp.model.Network;

/**
 * Entry points in the spirit of Captum: {@code GuidedBackprop.of(net).attribute(images,
 * Target.maxNeuron("conv3_relu"))}.
 */
public final class GuidedBackprop {
    private GuidedBackprop() {}

    /**
     * Guided backpropagation (Springenberg et al. 2014).
     *
     * @param net the network to explain
     * @return the method
     */
    public static LayerwiseBackprop of(Network net) {
        return new LayerwiseBackprop(net, ReluRule.GUIDED);
    }

    /**
     * Zeiler and Fergus's deconvnet.
     *
     * @param net the network to explain
     * @return the method
     */
    public static LayerwiseBackprop deconvnet(Network net) {
        return new LayerwiseBackprop(net, ReluRule.DECONVNET);
    }

    /**
     * The plain gradient (saliency), computed layer by layer.
     *
     * @param net the network to explain
     * @return the method
     */
    public static LayerwiseBackprop gradient(Network net) {
        return new LayerwiseBackprop(net, ReluRule.GRADIENT);
    }
}
