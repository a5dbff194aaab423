package dev.gbp.cli;

import ai.djl.ndarray.NDManager;
import dev.gbp.io.AtomicDirectory;
import dev.gbp.model.Network;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --model} of every command that runs a trained network: a bundle folder, by default the shipped one, or an ONNX
 * file with {@code --mean} and {@code --std}, imported for the command's run into a temporary bundle.
 */
final class ModelOption {
    @Option(names = "--model", paramLabel = "DIR",
            description = {"Model bundle folder (default: models/" + ShippedModel.DEFAULT + ", the shipped network), or an",
                "ONNX file (with --mean and --std), imported for this run as gbp import would."})
    Path model;

    @Option(names = "--mean", split = ",", paramLabel = "M",
            description = "With an ONNX --model: the per-channel mean its input was normalised with (pixels in 0..1).")
    @Range(min = -1000, max = 1000)
    double[] mean;

    @Option(names = "--std", split = ",", paramLabel = "S",
            description = "With an ONNX --model: the per-channel standard deviation.")
    @Range(min = 1e-6, max = 1000)
    double[] std;

    /** The bundle an ONNX --model was imported into, once. */
    private Path imported;

    /** Whether --model names an ONNX file rather than a bundle folder. */
    boolean isOnnx() {
        return model != null && !Files.isDirectory(model)
                && model.getFileName() != null && model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /**
     * The bundle folder: the option's, the shipped model, or the temporary bundle an ONNX file was imported into
     * (deleted when the command ends).
     *
     * @throws UsageException when --mean and --std are missing for an ONNX file, or given for a bundle
     */
    Path path() {
        if (isOnnx()) {
            if (imported == null) {
                imported = importOnnx();
            }
            return imported;
        }
        if (mean != null || std != null) {
            throw new UsageException((mean != null ? "--mean" : "--std") + " applies to an ONNX file given as --model; "
                    + (model == null ? "the shipped model" : model.toString()) + " is a bundle, which holds its normalisation");
        }
        return model != null ? model : ShippedModel.path();
    }

    /** The model as the user named it, for pages and messages: the folder or the ONNX file. */
    String name() {
        return model != null ? model.toString() : ShippedModel.path().toString();
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

    private Path importOnnx() {
        if (mean == null || std == null) {
            throw new UsageException("--model " + model + " is an ONNX file: give the per-channel --mean and --std its input"
                    + " was normalised with (pixels in 0..1), e.g. --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225,"
                    + " or import it once with gbp import");
        }
        try {
            Path dir = Files.createTempDirectory("gbp-onnx-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> AtomicDirectory.deleteTree(dir)));
            Path bundle = dir.resolve("model");
            dev.gbp.onnx.ImportedModel m = ImportCommand.read(model, mean, std);
            ImportCommand.write(m, mean, std, m.defaultClasses(), bundle, false);
            return bundle;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
