package dev.gbp.cli;

import ai.djl.ndarray.NDManager;
import dev.gbp.GbpInputException;
import dev.gbp.atlas.AtlasJob;
import dev.gbp.atlas.AtlasSource;
import dev.gbp.atlas.ExplainJob;
import dev.gbp.atlas.Sparks;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.BatchRunner;
import dev.gbp.attr.Methods;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.io.AtomicDirectory;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import dev.gbp.render.Normalization;
import dev.gbp.render.Pictures;
import dev.gbp.report.ActivationDump;
import dev.gbp.report.ExplainWriter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.apache.spark.sql.SparkSession;
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

    @Option(names = "--format", defaultValue = "png", paramLabel = "FORMAT",
            description = {"png (default): a PNG per image, maps.npy and the index pages; parquet: one row per image",
                "(the image, the chosen neuron, its activation, the prediction and the map as a float array) in",
                ExplainJob.TABLE + "/, written by a Spark job, for data sets too large for a folder of pictures."})
    String format;

    /** With --format parquet only. */
    @Mixin
    SparkOptions spark;

    @Option(names = "--dump-activations",
            description = "Also write activations.npz: the normalised input, every layer's output and the logits.")
    boolean dumpActivations;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = Main.messages(spec);
        boolean parquet = switch (format.toLowerCase(Locale.ROOT)) {
            case "png" -> false;
            case "parquet" -> true;
            default -> throw new UsageException("--format must be png or parquet, got " + GbpInputException.quote(format));
        };
        if (parquet) {
            return parquet(err);
        }
        if (spark.given()) {
            throw new UsageException((spark.master != null ? "--master" : "--partitions") + " runs a Spark job and applies to"
                    + " --format parquet only");
        }
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
            int scaled = scale != null ? scale : Pictures.scaleFor(chosen.height(), chosen.width(), DEFAULT_SIZE);
            int n = chosen.size();
            AttributionResult result;
            int flat;
            long t0 = System.nanoTime();
            long attributing = 0;
            long drawing;
            // Batch by batch: each batch's maps go to maps.npy and its pictures are drawn while the next is explained,
            // so memory does not grow with the run (--format parquet for runs too large for a folder of pictures).
            try (AtomicDirectory dir = AtomicDirectory.create(output.out, output.force);
                    ProgressBar bar = n > batchSize ? ProgressBars.create("explain", n, "img") : null;
                    ExplainWriter.Stream w = ExplainWriter.stream(dir.path(), model.name(), net.spec(), chosen,
                            sel.sources(), sel.indices(), norm, scaled, true, bar == null ? null : bar::step)) {
                for (int from = 0; from < n; from += batchSize) {
                    int to = Math.min(n, from + batchSize);
                    long a = System.nanoTime();
                    AttributionResult part = BatchRunner.run(attribution, net, chosen.slice(from, to), t, batchSize, null);
                    attributing += System.nanoTime() - a;
                    w.add(part);
                }
                result = w.finish();
                flat = w.flatMaps();
                drawing = w.drawNanos();
                if (dumpActivations) {
                    ActivationDump.write(dir.path().resolve("activations.npz"), net, chosen, batchSize);
                }
                dir.commit();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            report(err, result, flat);
            if (n > batchSize) {
                err.printf(Locale.ROOT, "%s in %.1f s: attribution %.1f s (%.0f images/s) while the pictures were drawn and"
                        + " encoded alongside (%.1f s of CPU time, %.2f ms per picture)%n", Counts.of(n, "image"), secs,
                        attributing / 1e9, n / (attributing / 1e9), drawing / 1e9, drawing / 1e6 / n);
            }
            spec.commandLine().getOut().printf(Locale.ROOT, "%s (%s, %s) written to %s%n", Counts.of(result.size(), "map"),
                    result.method(), t.spec(), output.out);
        }
        return Main.EXIT_OK;
    }

    /** {@code --format parquet}: the same maps as rows of a Parquet table, computed by a Spark job. */
    private int parquet(PrintWriter err) throws Exception {
        for (String drawing : List.of("--normalize", "--scale", "--dump-activations")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(drawing)) {
                throw new UsageException(drawing + " applies to --format png (parquet holds the maps, not pictures)");
            }
        }
        MethodNames.check("--method", List.of(method));
        Methods.Options mo = methodOptions.toOptions();
        source.check();
        String url = spark.master();
        int slots = spark.localSlots();
        ModelSpec modelSpec = ModelSpec.read(model.path().resolve(Network.MODEL_FILE));
        AtlasSource images = source.spark(modelSpec, err);
        long skip = source.skip;
        if (skip >= images.size()) {
            throw new UsageException("--skip " + skip + " leaves none of the " + images.size() + " images");
        }
        long count = first == null ? images.size() - skip : Math.min(first, images.size() - skip);
        // Explanations of one process take turns (one gradient collector), so each gets every core in local mode.
        int threads = options.threads();
        options.startEngine();
        String targetSpec;
        try (NDManager root = NDManager.newBaseManager(); Network net = model.load(root)) {
            Target t = target.resolve(net.spec());
            methodOptions.checkLayer(net.spec());
            Methods.create(method, net, mo);
            targetSpec = t.spec();
        }
        output.check();
        int parts = spark.partitions(slots);
        err.printf(Locale.ROOT, "explaining %s of %s (%s, %s) on Spark %s, %d partitions%n", Counts.of(count, "image"),
                images.describe(), method, targetSpec, url, parts);
        err.println("Spark's log (warnings and errors): " + Logs.file());
        err.flush();
        AtlasJob.Bundle bundle = AtlasJob.Bundle.read(model.path());
        SparkSession session = Sparks.session(url, false);
        try (AtomicDirectory dir = AtomicDirectory.create(output.out, output.force)) {
            long t0 = System.nanoTime();
            ExplainJob.Request req = new ExplainJob.Request(method, mo, targetSpec, skip, count, parts, batchSize, threads);
            ExplainJob.write(dir.path(), session, modelSpec, bundle, images, req, model.name());
            dir.commit();
            double secs = (System.nanoTime() - t0) / 1e9;
            err.printf(Locale.ROOT, "explained %s in %.1f s (%.0f images/s)%n", Counts.of(count, "image"), secs, count / secs);
            spec.commandLine().getOut().printf(Locale.ROOT, "%s (%s, %s) written to %s%n", Counts.of(count, "map"), method,
                    targetSpec, output.out.resolve(ExplainJob.TABLE));
        } finally {
            session.stop();
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
        report(err, result, result.flatMaps());
    }

    /** Notes on maps that are all zero: {@code flat} of them although their chosen activation is not 0. */
    static void report(PrintWriter err, AttributionResult result, int flat) {
        int zero = 0;
        for (int i = 0; i < result.size(); i++) {
            zero += result.choice(i).isZero() ? 1 : 0;
        }
        if (zero > 0) {
            err.printf(Locale.ROOT, "note: %s had a chosen activation of 0; %s%n", Counts.of(zero, "image"),
                    zero == 1 ? "its map is all zero" : "their maps are all zero");
        }
        // A ReLU6 neuron at its ceiling of 6 passes no gradient: max-neuron on a ReLU6 layer often picks one.
        if (flat > 0) {
            err.printf(Locale.ROOT, "note: %s got an all-zero map although the chosen activation is not 0 (a ReLU6 neuron"
                    + " saturated at 6, for example, passes no gradient: try a neuron: or channel-max: target, or the layer"
                    + " before the ReLU6)%n", Counts.of(flat, "image"));
        }
    }
}
