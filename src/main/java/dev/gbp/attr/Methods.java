package dev.gbp.attr;

import dev.gbp.GbpInputException;
import dev.gbp.model.Network;
import java.util.List;
import java.util.Locale;

/** Every attribution method by name, with the options the many-pass methods take. */
public final class Methods {
    /** The names, as the command line takes them. */
    public static final List<String> NAMES = List.of("guided", "gradient", "deconvnet", "gradcam", "guided-gradcam",
            "smoothgrad", "smoothgrad-sq", "vargrad", "integrated-gradients", "input-x-gradient");

    private Methods() {}

    /**
     * Options of the methods that need them.
     *
     * @param camLayer Grad-CAM's layer (null: the default, see {@link GradCam})
     * @param samples SmoothGrad samples
     * @param noise SmoothGrad noise, as a fraction of each image's value range
     * @param steps integrated-gradients steps
     * @param baseline integrated-gradients baseline
     * @param seed SmoothGrad noise seed
     * @param internalBatch rows per internal batch of the many-pass methods
     */
    public record Options(String camLayer, int samples, double noise, int steps, Baseline baseline, long seed,
            int internalBatch) {
        /**
         * Defaults: 50 samples at 15 % noise (as Adebayo et al.'s notebooks), 64 steps from zero, 256 rows.
         *
         * @return the default options
         */
        public static Options defaults() {
            return new Options(null, 50, 0.15, 64, Baseline.ZERO, 0, 256);
        }
    }

    /**
     * The method called {@code name}.
     *
     * @param name one of {@link #NAMES}, in any case
     * @param net the network to explain
     * @param o the options of the methods that take them (the others ignore them)
     * @return the method
     * @throws IllegalArgumentException for an unknown name
     * @throws GbpInputException for an unknown name, or an option the method cannot use
     */
    public static Attribution create(String name, Network net, Options o) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "guided":
            case "gradient":
            case "deconvnet":
                return new LayerwiseBackprop(net, ReluRule.parse(name));
            case "gradcam":
                return new GradCam(net, o.camLayer(), false);
            case "guided-gradcam":
                return new GradCam(net, o.camLayer(), true);
            case "smoothgrad":
                return new SmoothGrad(net, SmoothGrad.Kind.SMOOTHGRAD, ReluRule.GRADIENT, o.samples(), o.noise(), o.seed(),
                        o.internalBatch());
            case "smoothgrad-sq":
                return new SmoothGrad(net, SmoothGrad.Kind.SQUARED, ReluRule.GRADIENT, o.samples(), o.noise(), o.seed(),
                        o.internalBatch());
            case "vargrad":
                return new SmoothGrad(net, SmoothGrad.Kind.VARGRAD, ReluRule.GRADIENT, o.samples(), o.noise(), o.seed(),
                        o.internalBatch());
            case "integrated-gradients":
                return new IntegratedGradients(net, o.steps(), o.baseline(), o.internalBatch());
            case "input-x-gradient":
                return new InputXGradient(net, o.internalBatch());
            default:
                throw new GbpInputException("unknown method " + GbpInputException.quote(name) + " (methods: "
                        + String.join(", ", NAMES) + ")");
        }
    }
}
