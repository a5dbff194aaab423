package dev.gbp.cli;

import ai.djl.ndarray.NDManager;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.BatchRunner;
import dev.gbp.attr.Methods;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.io.AtomicDirectory;
import dev.gbp.model.Network;
import dev.gbp.render.Normalization;
import dev.gbp.report.ActivationDump;
import dev.gbp.report.ExplainRun;
import dev.gbp.report.ExplainWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
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
        description = {"Back-propagate a target to the input pixels with guided backpropagation, deconvnet, the",
            "plain gradient or one of the methods compared with them, and write a PNG per image,",
            "maps.npy (N x 3 x 32 x 32 float32, the gradient with",
            "respect to the normalised input), index.json, index.csv and an index.html gallery.",
            "",
            "Targets: max-neuron:<layer> (the most active neuron of the layer, per image; every other neuron",
            "of the layer is set to zero and the seed is its activation), neuron:<layer>:<c>,<y>,<x>,",
            "channel-max:<layer>:<c>, class:<k or name>, predicted (a pre-softmax logit, seed 1).",
            "<layer> is a layer name (e.g. conv3_relu) or a 0-based index.", ""})
final class ExplainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ImageSource source;

    @Mixin
    Options options;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model bundle folder.")
    Path model;

    @Option(names = "--first", paramLabel = "N", description = "Explain N images (after --skip). Default: all.")
    Integer first;

    @Option(names = "--method", defaultValue = "guided",
            description = {"guided, deconvnet, gradient, gradcam, guided-gradcam, smoothgrad, smoothgrad-sq,",
                "vargrad, integrated-gradients or input-x-gradient (default: ${DEFAULT-VALUE})."})
    String method;

    @Mixin
    MethodOptions methodOptions;

    @Option(names = "--target", required = true, paramLabel = "SPEC", description = "What to explain, e.g. max-neuron:conv3_relu.")
    String target;

    @Option(names = "--normalize", defaultValue = "color",
            description = "How maps are drawn: color, gray, positive, negative, diverging (default: ${DEFAULT-VALUE}).")
    String normalize;

    @Option(names = "--batch-size", defaultValue = "100", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--scale", defaultValue = "4", description = "Nearest-neighbour upscaling of pictures (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (written atomically).")
    Path out;

    @Option(names = "--force", description = "Replace an existing output folder.")
    boolean force;

    @Option(names = "--dump-activations",
            description = "Also write activations.npz: the normalised input, every layer's output and the logits.")
    boolean dumpActivations;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Normalization norm = Normalization.parse(normalize);
        if (batchSize < 1) {
            throw new UsageException("--batch-size must be at least 1, got " + batchSize);
        }
        if (scale < 1 || scale > 32) {
            throw new UsageException("--scale must be 1..32, got " + scale);
        }
        UsageException.requireNewOrForced(out, force);
        Selected sel = source.load(first, err);
        CifarImages chosen = sel.images();
        options.startEngine();
        try (NDManager root = NDManager.newBaseManager(); Network net = Network.load(model, root)) {
            ModelInput.requireCifarShape(net.spec(), model);
            Target t = Target.parse(target, net.spec());
            var attribution = Methods.create(method, net, methodOptions.toOptions());
            AttributionResult result;
            try (ProgressBar bar = chosen.size() > batchSize ? ProgressBars.create("explain", chosen.size(), "img") : null) {
                result = BatchRunner.run(attribution, net, chosen, t, batchSize, done -> {
                    if (bar != null) {
                        bar.stepTo(done);
                    }
                });
            }
            ExplainRun run = new ExplainRun(model.toString(), net.spec(), chosen, sel.sources(), sel.indices(), result, norm, scale);
            try (AtomicDirectory dir = AtomicDirectory.create(out, force)) {
                try (ProgressBar bar = chosen.size() > batchSize ? ProgressBars.create("pictures", chosen.size(), "img") : null) {
                    ExplainWriter.write(dir.path(), run, true, bar == null ? null : () -> bar.step());
                }
                if (dumpActivations) {
                    ActivationDump.write(dir.path().resolve("activations.npz"), net, chosen, batchSize);
                }
                dir.commit();
            }
            report(err, result);
            spec.commandLine().getOut().printf(Locale.ROOT, "%d maps (%s, %s) written to %s%n", result.size(),
                    result.method(), t.spec(), out);
        }
        return Main.EXIT_OK;
    }

    static void report(PrintWriter err, AttributionResult result) {
        int zero = 0;
        for (int i = 0; i < result.size(); i++) {
            zero += result.choice(i).isZero() ? 1 : 0;
        }
        if (zero > 0) {
            err.printf(Locale.ROOT, "gbp: note: %d image(s) had a chosen activation of 0; their maps are all zero%n", zero);
        }
    }
}
