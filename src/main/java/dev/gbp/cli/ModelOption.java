package dev.gbp.cli;

import ai.djl.ndarray.NDManager;
import dev.gbp.model.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model} of every command that runs a trained network: a bundle folder, by default the shipped one. */
final class ModelOption {
    @Option(names = "--model", paramLabel = "DIR",
            description = "Model bundle folder (default: models/" + ShippedModel.DEFAULT + ", the shipped network).")
    Path model;

    /** The bundle folder: the option's, else the shipped model. */
    Path path() {
        return model != null ? model : ShippedModel.path();
    }

    /**
     * Loads the bundle (of any input size; commands that read CIFAR-10 data check it can read them).
     *
     * @throws UsageException when the default model is missing, so the message says how to name one
     */
    Network load(NDManager manager) {
        Path p = path();
        if (model == null && !Files.isDirectory(p)) {
            throw new UsageException("the default model " + p + " is not there (gbp looks in models/ under $GBP_HOME,"
                    + " which ./gbp sets, else under the current folder); pass --model DIR");
        }
        return Network.load(p, manager);
    }
}
