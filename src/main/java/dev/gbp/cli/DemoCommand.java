package dev.gbp.cli;

import ai.djl.ndarray.NDManager;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.BatchRunner;
import dev.gbp.attr.GuidedBackprop;
import dev.gbp.attr.ReceptiveField;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.data.CifarReader;
import dev.gbp.io.AtomicDirectory;
import dev.gbp.model.Network;
import dev.gbp.model.Npy;
import dev.gbp.render.Normalization;
import dev.gbp.render.Pictures;
import dev.gbp.report.DemoPage;
import dev.gbp.report.ExplainRun;
import dev.gbp.report.ExplainWriter;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gbp demo}: the seed experiment on the shipped model in one command. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the seed experiment on the shipped model and write a page of guided backpropagation maps.",
            "",
            "On the first 100 CIFAR-10 test images, the most active neuron of conv3 (after its ReLU) is",
            "back-propagated with guided backpropagation, next to the gradient and deconvnet maps. Writes",
            "everything 'explain' writes, an index.html with a section per class, contact-sheet.png and a top 25",
            "chosen by a stated rule.", ""})
final class DemoCommand implements Callable<Integer> {
    static final String MARKER = ".gbp-demo";

    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Mixin
    Options options;

    @Mixin
    ModelOption model;

    @Option(names = "--out", defaultValue = "gbp-demo", paramLabel = "DIR",
            description = "Output folder (default: ${DEFAULT-VALUE}); a previous demo there is replaced.")
    Path out;

    @Option(names = "--first", paramLabel = "N", description = "Images (default: 100, or all when there are fewer).")
    Integer first;

    @Option(names = "--layer", defaultValue = "conv3_relu", description = "Target layer (default: ${DEFAULT-VALUE}).")
    String layer;

    @Option(names = "--force", description = "Replace the output folder even if it is not a previous demo.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        PrintWriter err = Main.messages(spec);
        Selected.checkRange(0, first);
        options.startEngine();
        try (NDManager root = NDManager.newBaseManager(); Network net = model.load(root)) {
            Path modelDir = model.path();
            Target target = Target.parse("max-neuron:" + layer, net.spec());
            Selected sel = Selected.fromData(data, CifarReader.Split.TEST, err).range(0, first, 100);
            CifarImages images = sel.images();
            // The output folder is checked last, after every other option and input.
            boolean replace = force || Files.isRegularFile(out.resolve(MARKER));
            if (Files.exists(out) && !replace) {
                throw new UsageException(out + " exists and is not a previous demo output (use --force to replace it)");
            }
            int batch = 100;
            AttributionResult guided = BatchRunner.run(GuidedBackprop.of(net), net, images, target, batch, null);
            AttributionResult gradient = BatchRunner.run(GuidedBackprop.gradient(net), net, images, target, batch, null);
            AttributionResult deconvnet = BatchRunner.run(GuidedBackprop.deconvnet(net), net, images, target, batch, null);
            Normalization norm = Normalization.COLOR;
            ExplainRun run = new ExplainRun(modelDir.toString(), net.spec(), images, sel.sources(), sel.indices(), guided, norm, 4);
            try (AtomicDirectory dir = AtomicDirectory.create(out, replace)) {
                Path d = dir.path();
                ExplainWriter.write(d, run, false);
                Npy.write(d.resolve("maps-gradient.npy"), gradient.shape(), gradient.maps());
                Npy.write(d.resolve("maps-deconvnet.npy"), deconvnet.shape(), deconvnet.maps());
                List<String[]> tiles = writeTiles(d, run, gradient, deconvnet);
                Pictures.writePng(contactSheet(run), d.resolve("contact-sheet.png"));
                int[] top = top25(guided);
                double seconds = (System.nanoTime() - start) / 1e9;
                Files.writeString(d.resolve("index.html"),
                        DemoPage.render(run, gradient, deconvnet, top, tiles, reportLink(), seconds), StandardCharsets.UTF_8);
                Files.writeString(d.resolve(MARKER), "written by gbp demo; this folder is replaced by the next demo run\n");
                dir.commit();
            }
            ExplainCommand.report(err, guided);
            spec.commandLine().getOut().printf(Locale.ROOT, "demo written to %s (open %s) in %.1f s%n", out,
                    out.resolve("index.html"), (System.nanoTime() - start) / 1e9);
        }
        return Main.EXIT_OK;
    }

    /**
     * Per image: the image with the receptive field, the guided map, both zoomed on the receptive field
     * (the map normalised on the crop), and the gradient and deconvnet maps, 3x upscaled.
     */
    private static List<String[]> writeTiles(Path dir, ExplainRun run, AttributionResult gradient, AttributionResult deconvnet)
            throws java.io.IOException {
        Files.createDirectories(dir.resolve("tiles"));
        List<String[]> names = new ArrayList<>();
        AttributionResult guided = run.result();
        int scale = 3;
        for (int i = 0; i < guided.size(); i++) {
            var c = guided.choice(i);
            int[] box = ReceptiveField.of(run.spec(), c.layer(), c.y(), c.x());
            String stem = String.format(Locale.ROOT, "tiles/%04d-", i);
            String[] files = {stem + "image.png", stem + "guided.png", stem + "image-rf.png", stem + "guided-rf.png",
                stem + "gradient.png", stem + "deconvnet.png"};
            Pictures.writePng(Pictures.imageWithField(run.images(), i, box, scale),
                    dir.resolve(files[0]));
            Pictures.writePng(Pictures.map(guided.map(i), 3, 32, 32, run.normalization(), scale), dir.resolve(files[1]));
            Pictures.writePng(Pictures.zoom(Pictures.image(run.images(), i, 1), box, 96), dir.resolve(files[2]));
            Pictures.writePng(Pictures.mapZoom(guided.map(i), 3, 32, 32, box, run.normalization(), 96), dir.resolve(files[3]));
            Pictures.writePng(Pictures.map(gradient.map(i), 3, 32, 32, run.normalization(), scale), dir.resolve(files[4]));
            Pictures.writePng(Pictures.map(deconvnet.map(i), 3, 32, 32, run.normalization(), scale), dir.resolve(files[5]));
            names.add(files);
        }
        return names;
    }

    /** All images, each beside its guided map, ten to a row. */
    private static BufferedImage contactSheet(ExplainRun run) {
        List<BufferedImage> tiles = new ArrayList<>();
        AttributionResult r = run.result();
        for (int i = 0; i < r.size(); i++) {
            BufferedImage img = Pictures.image(run.images(), i, 2);
            BufferedImage map = Pictures.map(r.map(i), 3, 32, 32, run.normalization(), 2);
            tiles.add(Pictures.row(List.of(img, map), List.of("#" + run.datasetIndex()[i] + " " + run.labelName(i)), List.of()));
        }
        return Pictures.grid(tiles, 10, 4);
    }

    /** The full report's page when it sits beside the demo (both default folders), else null. */
    private String reportLink() {
        Path parent = out.toAbsolutePath().getParent();
        return parent != null && Files.isRegularFile(parent.resolve("gbp-report/index.html")) ? "../gbp-report/index.html" : null;
    }

    /** Positions of the 25 largest chosen activations, ties by position. */
    static int[] top25(AttributionResult r) {
        return IntStream.range(0, r.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -r.choice(i).activation()).thenComparingInt(i -> i))
                .limit(25).mapToInt(Integer::intValue).toArray();
    }
}
