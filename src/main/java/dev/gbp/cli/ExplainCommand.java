package dev.gbp.cli;

import ai.djl.ndarray.NDManager;
import dev.gbp.GbpInputException;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.BatchRunner;
import dev.gbp.attr.Methods;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.io.AtomicDirectory;
import dev.gbp.model.Network;
import dev.gbp.render.Normalization;
import dev.gbp.render.Pictures;
import dev.gbp.report.ActivationDump;
import dev.gbp.report.ExplainRun;
import dev.gbp.report.ExplainWriter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gbp explain}: maps for a set of images, one target and one method. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Map what a target responds to in each image, with guided backpropagation or another method.",
            "",
            "Back-propagates the target to the input pixels with guided backpropagation, deconvnet, the plain",
            "gradient or one of the methods compared with them, and writes a PNG per image, maps.npy",
            "(N x C x H x W float32, the model's input size; the gradient with respect to the normalised input),",
            "index.json, index.csv",
            "and an index.html gallery.",
            "",
            "Targets: max-neuron:<layer> (the most active neuron of the layer, per image; every other neuron",
            "of the layer is set to zero and the seed is its activation), neuron:<layer>:<c>,<y>,<x>,",
            "channel-max:<layer>:<c>, class:<k or name>, predicted (a pre-softmax logit, seed 1).",
            "<layer> is a layer name (e.g. conv3_relu) or a 0-based index.", ""})
final class ExplainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    ImageSource source;

    @Mixin
    Options options;

    @Option(names = "--first", paramLabel = "N", description = "Explain N images (after --skip). Default: all.")
    @Range(min = 1)
    Integer first;

    @Option(names = "--method", defaultValue = "guided", paramLabel = "NAME",
            completionCandidates = MethodNames.class,
            description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String method;

    @Mixin
    MethodOptions methodOptions;

    @Mixin
    TargetOption target;

    @Option(names = "--normalize", defaultValue = "color", paramLabel = "HOW",
            description = "How maps are drawn: color, gray, positive, negative, diverging (default: ${DEFAULT-VALUE}).")
    String normalize;

    @Option(names = "--batch-size", defaultValue = "100", paramLabel = "N",
            description = "Images per batch, 1.." + Ranges.MAX_BATCH + " (default: ${DEFAULT-VALUE}).")
    @Range(min = 1, max = Ranges.MAX_BATCH)
    int batchSize;

    @Option(names = "--scale", paramLabel = "N",
            description = {"Nearest-neighbour upscaling of pictures, 1..32 (default: about " + DEFAULT_SIZE + " pixels on the",
                "longer side and at least 1: 4 for 32 x 32 images, 1 for 224 x 224, which are drawn at their size)."})
    @Range(min = 1, max = 32)
    Integer scale;

    /** Pixels on the longer side of a picture at the default --scale (when the images are smaller). */
    static final int DEFAULT_SIZE = 128;

    @Mixin
    OutputOptions output;

    @Option(names = "--dump-activations",
            description = "Also write activations.npz: the normalised input, every layer's output and the logits.")
    boolean dumpActivations;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = Main.messages(spec);
        // The options first, then the model, target, method and images; the output folder last.
        Normalization norm = normalization(normalize);
        MethodNames.check("--method", List.of(method));
        Methods.Options mo = methodOptions.toOptions();
        source.check();
        options.startEngine();
        try (NDManager root = NDManager.newBaseManager(); Network net = model.load(root)) {
            Target t = target.resolve(net.spec());
            methodOptions.checkLayer(net.spec());
            var attribution = Methods.create(method, net, mo);
            Selected sel = source.load(net.spec(), first, Selected.ALL, err);
            CifarImages chosen = sel.images();
            output.check();
            AttributionResult result;
            try (ProgressBar bar = chosen.size() > batchSize ? ProgressBars.create("explain", chosen.size(), "img") : null) {
                result = BatchRunner.run(attribution, net, chosen, t, batchSize, done -> {
                    if (bar != null) {
                        bar.stepTo(done);
                    }
                });
            }
            ExplainRun run = new ExplainRun(model.path().toString(), net.spec(), chosen, sel.sources(), sel.indices(), result,
                    norm, scale != null ? scale : Pictures.scaleFor(chosen.height(), chosen.width(), DEFAULT_SIZE));
            try (AtomicDirectory dir = AtomicDirectory.create(output.out, output.force)) {
                try (ProgressBar bar = chosen.size() > batchSize ? ProgressBars.create("pictures", chosen.size(), "img") : null) {
                    ExplainWriter.write(dir.path(), run, true, bar == null ? null : () -> bar.step());
                }
                if (dumpActivations) {
                    ActivationDump.write(dir.path().resolve("activations.npz"), net, chosen, batchSize);
                }
                dir.commit();
            }
            report(err, result);
            spec.commandLine().getOut().printf(Locale.ROOT, "%s (%s, %s) written to %s%n", Counts.of(result.size(), "map"),
                    result.method(), t.spec(), output.out);
        }
        return Main.EXIT_OK;
    }

    /** {@code --normalize}, named in the error. */
    static Normalization normalization(String name) {
        try {
            return Normalization.parse(name);
        } catch (GbpInputException e) {
            throw new UsageException("--normalize: " + e.getMessage());
        }
    }

    static void report(PrintWriter err, AttributionResult result) {
        int zero = 0;
        for (int i = 0; i < result.size(); i++) {
            zero += result.choice(i).isZero() ? 1 : 0;
        }
        if (zero > 0) {
            err.printf(Locale.ROOT, "note: %s had a chosen activation of 0; %s%n", Counts.of(zero, "image"),
                    zero == 1 ? "its map is all zero" : "their maps are all zero");
        }
        // A ReLU6 neuron at its ceiling of 6 passes no gradient: max-neuron on a ReLU6 layer often picks one.
        int flat = 0;
        int per = result.maps().length / Math.max(1, result.size());
        for (int i = 0; i < result.size(); i++) {
            boolean allZero = true;
            for (int k = i * per; k < (i + 1) * per && allZero; k++) {
                allZero = result.maps()[k] == 0f;
            }
            flat += allZero && !result.choice(i).isZero() ? 1 : 0;
        }
        if (flat > 0) {
            err.printf(Locale.ROOT, "note: %s got an all-zero map although the chosen activation is not 0 (a ReLU6 neuron"
                    + " saturated at 6, for example, passes no gradient: try a neuron: or channel-max: target, or the layer"
                    + " before the ReLU6)%n", Counts.of(flat, "image"));
        }
    }
}
