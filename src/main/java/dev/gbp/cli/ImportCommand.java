package dev.gbp.cli;

import dev.gbp.io.AtomicDirectory;
import dev.gbp.onnx.ImportedModel;
import dev.gbp.onnx.OnnxImporter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gbp import}: an ONNX model as a gbp-model/2 bundle. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Convert an ONNX model into a gbp model bundle (model.json and weights.npz).",
            "",
            "Reads CNNs made of Conv, BatchNormalization, Relu, Clip (ReLU6), MaxPool, AveragePool,",
            "GlobalAveragePool, ReduceMean (over H and W), Add, Concat, Pad, Flatten/Reshape, Gemm/MatMul, Dropout and",
            "Identity, opsets 11-17;",
            "shape computations are folded with the input size. See docs/ONNX.md.", ""})
final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.onnx", description = "The ONNX model.")
    Path file;

    @Mixin
    OutputOptions output;

    @Option(names = "--mean", required = true, split = ",", paramLabel = "M",
            description = "Per-channel mean the network's input was normalised with (pixels in 0..1), e.g. 0.485,0.456,0.406;"
                    + " each -1000..1000.")
    @Range(min = -1000, max = 1000)
    double[] mean;

    @Option(names = "--std", required = true, split = ",", paramLabel = "S",
            description = "Per-channel standard deviation, e.g. 0.229,0.224,0.225; each 0.000001..1000.")
    @Range(min = 1e-6, max = 1000)
    double[] std;

    @Option(names = "--classes", paramLabel = "FILE", description = "Class names, one per line (default: 0, 1, ...).")
    Path classes;

    @Override
    public Integer call() throws IOException {
        ImportedModel model = read(file, mean, std);
        List<String> names = classes == null ? model.defaultClasses() : readClasses(classes, model.outputs());
        output.check();
        write(model, mean, std, names, output.out, output.force);
        int[] in = model.input();
        spec.commandLine().getOut().printf(Locale.ROOT, "imported %s: input %d x %d x %d, %s, %s -> %s%n", file, in[0], in[1], in[2],
                Counts.of(model.outputs(), "class", "classes"), Counts.of(model.nodes().size(), "node"), output.out);
        return Main.EXIT_OK;
    }

    /**
     * Reads ONNX file {@code file}, checking that {@code mean} and {@code std} have one value per input channel.
     *
     * @throws UsageException when they do not
     */
    static ImportedModel read(Path file, double[] mean, double[] std) throws IOException {
        ImportedModel model = OnnxImporter.read(file);
        int c = model.input()[0];
        if (mean.length != c || std.length != c) {
            throw new UsageException("the model takes " + Counts.of(c, "channel") + ": --mean and --std need " + c
                    + " values each, got " + mean.length + " and " + std.length);
        }
        return model;
    }

    /** Writes {@code model} as a bundle in folder {@code out}, whole or not at all ({@code replace}: an existing one). */
    static void write(ImportedModel model, double[] mean, double[] std, List<String> classes, Path out, boolean replace)
            throws IOException {
        try (AtomicDirectory dir = AtomicDirectory.create(out, replace)) {
            model.write(dir.path(), mean, std, classes);
            dir.commit();
        }
    }

    /** Largest --classes file read, in bytes (ImageNet-21k's 21,841 names take about 0.5 MB). */
    static final long MAX_CLASSES_BYTES = 4L << 20;

    private static List<String> readClasses(Path path, int outputs) throws IOException {
        if (!Files.exists(path)) {
            throw new UsageException("--classes " + path + " does not exist");
        }
        // Not a folder, and not a device or pipe, which could be read forever.
        if (!Files.isRegularFile(path)) {
            throw new UsageException("--classes " + path + " is not a file");
        }
        List<String> lines;
        try {
            if (Files.size(path) > MAX_CLASSES_BYTES) {
                throw new UsageException("--classes " + path + " is " + Files.size(path) + " bytes; a file of class names may"
                        + " be at most " + MAX_CLASSES_BYTES + " (4 MiB)");
            }
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new UsageException("--classes " + path + " is not UTF-8 text");
        }
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (!l.isBlank()) {
                out.add(l.strip());
            }
        }
        if (out.size() != outputs) {
            throw new UsageException("--classes " + path + " names " + Counts.of(out.size(), "class", "classes")
                    + " but the model has " + outputs + " outputs");
        }
        return out;
    }
}
