package dev.gbp.cli;

import dev.gbp.data.CifarImages;
import dev.gbp.model.ModelSpec;

/** Checks that a model can read CIFAR-10 data, whose records are 3 x 32 x 32 images. */
final class ModelInput {
    private ModelInput() {}

    /** The model's input size, e.g. "3 x 224 x 224". */
    static String describe(ModelSpec spec) {
        int[] in = spec.input();
        return in[0] + " x " + in[1] + " x " + in[2];
    }

    /**
     * Refuses CIFAR-10 {@code .bin} data for a model of another input size (before anything is read or
     * downloaded); {@code imagesHere} says whether the command itself takes {@code --images}.
     */
    static void requireCifarData(ModelSpec spec, boolean imagesHere) {
        int[] in = spec.input();
        if (in[0] != CifarImages.CHANNELS || in[1] != CifarImages.SIDE || in[2] != CifarImages.SIDE) {
            throw new UsageException("the model takes " + describe(spec) + " images but CIFAR-10 .bin data (--data) holds"
                    + " 3 x 32 x 32 images; " + (imagesHere
                            ? "give pictures with --images FILE... instead (they are resized to the model's input)"
                            : "this command reads only CIFAR-10 data: explain, explore and predict take pictures with --images"));
        }
    }
}
