package dev.gbp.cli;

import dev.gbp.data.CifarImages;
import dev.gbp.model.ModelSpec;
import java.nio.file.Path;
import java.util.Arrays;

/** Checks that a model takes CIFAR-10's 3 x 32 x 32 images. */
final class ModelInput {
    private ModelInput() {}

    static void requireCifarShape(ModelSpec spec, Path model) {
        int[] in = spec.input();
        if (in[0] != CifarImages.CHANNELS || in[1] != CifarImages.SIDE || in[2] != CifarImages.SIDE) {
            throw new UsageException("model " + model + " expects input " + Arrays.toString(in)
                    + " but CIFAR-10 images are [3, 32, 32]");
        }
    }
}
