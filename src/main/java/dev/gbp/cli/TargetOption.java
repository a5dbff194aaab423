package dev.gbp.cli;

import dev.gbp.GbpInputException;
import dev.gbp.attr.Target;
import dev.gbp.model.ModelSpec;
import picocli.CommandLine.Option;

/** {@code --target}: what to explain, by default the most active neuron of the model's seed layer. */
final class TargetOption {
    @Option(names = "--target", paramLabel = "SPEC",
            description = {"What to explain (default: max-neuron:<seed layer>, the most active neuron of the first ReLU",
                "after the model's third conv: max-neuron:conv3_relu in the shipped networks)."})
    String target;

    /** The target on this model; a bad one is named with the option. */
    Target resolve(ModelSpec spec) {
        String s = target != null ? target : "max-neuron:" + spec.seedLayerRef();
        try {
            return Target.parse(s, spec);
        } catch (GbpInputException | IllegalArgumentException e) {
            // TRANSITIONAL: Target.parse still throws IllegalArgumentException for bad specs (issue 10: readers).
            String m = e.getMessage();
            throw new UsageException(m.startsWith("target ") ? "--" + m : "--target " + GbpInputException.quote(s) + ": " + m);
        }
    }
}
