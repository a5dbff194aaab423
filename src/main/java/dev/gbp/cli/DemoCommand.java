package dev.gbp.cli;

import ai.djl.ndarray.NDManager;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.BatchRunner;
import dev.gbp.attr.GuidedBackprop;
import dev.gbp.attr.NeuronChoice;
import dev.gbp.model.ReceptiveField;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gbp demo}: the seed experiment on the seed network in one command. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the seed experiment on the seed network and write a page of guided backpropagation maps.",
            "",
            "On the first 100 CIFAR-10 test images, the most active neuron of the ReLU after the third conv",
            "layer is back-propagated with guided backpropagation, next to the gradient and deconvnet maps. Runs",
            "on the shipped seed network models/cifar10-seed (three conv layers, each with a ReLU and a pooling",
            "step). Writes everything 'explain' writes, an index.html with a section per class, contact-sheet.png,",
            "a top 25 chosen by a stated rule, and which chosen neurons sit on the border (their receptive field",
            "partly in the zero padding) with what --interior picks instead.", ""})
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
    @Range(min = 1)
    Integer first;

    @Option(names = "--layer", paramLabel = "LAYER",
            description = "Layer of interest, a name or 0-based index (default: the ReLU after the model's third conv layer).")
    String layer;

    @Option(names = "--interior",
            description = "Choose the most active neuron only among those whose receptive field lies at least half inside"
                    + " the image (default: any neuron, as in the seed experiment).")
    boolean interior;

    @Option(names = "--force", description = "Replace the output folder even if it is not a previous demo.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        PrintWriter err = Main.messages(spec);
        options.startEngine();
        try (NDManager root = NDManager.newBaseManager(); Network net = model.load(root)) {
            String modelDir = model.name();
            String layerRef = layerOption(net.spec(), layer);
            Target.MaxNeuron plain = (Target.MaxNeuron) Target.parse("max-neuron:" + layerRef, net.spec());
            Target.MaxNeuron inner = plain.toInterior();
            inner.layer(net.spec()); // a layer without interior neurons is refused before any work
            Target target = interior ? inner : plain;
            Selected sel = Selected.fromData(net.spec(), false, data, CifarReader.Split.TEST, err).range(0, first, 100);
            CifarImages images = sel.images();
            // The output folder is checked last, after every other option and input.
            boolean replace = force || Files.isRegularFile(out.resolve(MARKER));
            if (Files.exists(out) && !replace) {
                throw new UsageException(out + " exists and is not a previous demo output (use --force to replace it)");
            }
            UsageException.requireCreatable(out);
            int batch = 100;
            AttributionResult guided = BatchRunner.run(GuidedBackprop.of(net), net, images, target, batch, null);
            AttributionResult gradient = BatchRunner.run(GuidedBackprop.gradient(net), net, images, target, batch, null);
            AttributionResult deconvnet = BatchRunner.run(GuidedBackprop.deconvnet(net), net, images, target, batch, null);
            AttributionResult alternative = BatchRunner.run(GuidedBackprop.of(net), net, images,
                    interior ? plain : inner, batch, null);
            Normalization norm = Normalization.COLOR;
            ExplainRun run = new ExplainRun(modelDir, net.spec(), images, sel.sources(), sel.indices(), guided, norm, 4);
            try (AtomicDirectory dir = AtomicDirectory.create(out, replace)) {
                Path d = dir.path();
                ExplainWriter.write(d, run, false);
                Npy.write(d.resolve("maps-gradient.npy"), gradient.shape(), gradient.maps());
                Npy.write(d.resolve("maps-deconvnet.npy"), deconvnet.shape(), deconvnet.maps());
                List<String[]> tiles = writeTiles(d, run, gradient, deconvnet);
                Map<Integer, String[]> border = writeBorderTiles(d, run, alternative);
                Pictures.writePng(contactSheet(run), d.resolve("contact-sheet.png"));
                int[] top = top25(guided);
                double seconds = (System.nanoTime() - start) / 1e9;
                Files.writeString(d.resolve("index.html"), DemoPage.render(run, gradient, deconvnet, top, tiles,
                        new DemoPage.Border(alternative, border), reportLink(), seconds), StandardCharsets.UTF_8);
                Files.writeString(d.resolve(MARKER), "written by gbp demo; this folder is replaced by the next demo run\n");
                dir.commit();
            }
            ExplainCommand.report(err, guided);
            spec.commandLine().getOut().printf(Locale.ROOT, "demo written to %s (open %s) in %.1f s%n", out,
                    out.resolve("index.html"), (System.nanoTime() - start) / 1e9);
        }
        return Main.EXIT_OK;
    }

    /** {@code --layer} of the seed experiment, checked against the model: the layer given, else the model's seed layer. */
    static String layerOption(dev.gbp.model.ModelSpec spec, String layer) {
        String layerRef = layer != null ? layer : spec.seedLayerRef();
        try {
            spec.resolveLayer(layerRef);
        } catch (dev.gbp.model.ModelException e) {
            throw new UsageException("--layer: " + e.getMessage());
        }
        return layerRef;
    }

    /** Pixels of the large pictures: the image and its map side by side at 128 px for CIFAR-10. */
    static final int LARGE = 128;
    /** Pixels of the small pictures of a card: the zooms on the field and the other methods' maps. */
    static final int SMALL = 64;

    /**
     * Per image: the image and the guided map, large and with the receptive field outlined; both zoomed on
     * the receptive field (the map normalised on the crop); and the gradient and deconvnet maps.
     */
    private static List<String[]> writeTiles(Path dir, ExplainRun run, AttributionResult gradient, AttributionResult deconvnet)
            throws java.io.IOException {
        Files.createDirectories(dir.resolve("tiles"));
        List<String[]> names = new ArrayList<>();
        AttributionResult guided = run.result();
        for (int i = 0; i < guided.size(); i++) {
            int[] box = field(run, guided.choice(i));
            String stem = String.format(Locale.ROOT, "tiles/%04d-", i);
            String[] files = {stem + "image.png", stem + "guided.png", stem + "image-rf.png", stem + "guided-rf.png",
                stem + "gradient.png", stem + "deconvnet.png"};
            pair(dir, run, guided, i, box, files[0], files[1]);
            Pictures.writePng(Pictures.zoom(Pictures.image(run.images(), i, 1), box, SMALL), dir.resolve(files[2]));
            Pictures.writePng(mapZoom(run, guided, i, box), dir.resolve(files[3]));
            Pictures.writePng(map(run, gradient, i, scale(run, SMALL)), dir.resolve(files[4]));
            Pictures.writePng(map(run, deconvnet, i, scale(run, SMALL)), dir.resolve(files[5]));
            names.add(files);
        }
        return names;
    }

    /**
     * For each image whose neuron under the other rule (interior or not) differs from the main run's, the
     * image and guided map of that other neuron, large, with its field outlined.
     */
    private static Map<Integer, String[]> writeBorderTiles(Path dir, ExplainRun run, AttributionResult alternative)
            throws java.io.IOException {
        Map<Integer, String[]> out = new TreeMap<>();
        AttributionResult guided = run.result();
        for (int i = 0; i < guided.size(); i++) {
            NeuronChoice a = guided.choice(i);
            NeuronChoice b = alternative.choice(i);
            if (a.c() == b.c() && a.y() == b.y() && a.x() == b.x()) {
                continue;
            }
            String stem = String.format(Locale.ROOT, "tiles/%04d-other-", i);
            String[] files = {stem + "image.png", stem + "guided.png"};
            pair(dir, run, alternative, i, field(run, b), files[0], files[1]);
            out.put(i, files);
        }
        return out;
    }

    private static void pair(Path dir, ExplainRun run, AttributionResult r, int i, int[] box, String image, String map)
            throws java.io.IOException {
        int scale = scale(run, LARGE);
        Pictures.writePng(Pictures.imageWithField(run.images(), i, box, scale), dir.resolve(image));
        Pictures.writePng(Pictures.outline(map(run, r, i, scale), box, scale, Pictures.FIELD), dir.resolve(map));
    }

    private static int[] field(ExplainRun run, NeuronChoice c) {
        return ReceptiveField.of(run.spec(), c.layer(), c.y(), c.x());
    }

    /** The smallest whole factor that draws the model's input at least {@code pixels} wide. */
    static int scale(ExplainRun run, int pixels) {
        int side = Math.max(run.spec().input()[1], run.spec().input()[2]);
        return Math.max(1, (pixels + side - 1) / side);
    }

    private static BufferedImage map(ExplainRun run, AttributionResult r, int i, int scale) {
        int[] in = run.spec().input();
        return Pictures.map(r.map(i), in[0], in[1], in[2], run.normalization(), scale);
    }

    private static BufferedImage mapZoom(ExplainRun run, AttributionResult r, int i, int[] box) {
        int[] in = run.spec().input();
        return Pictures.mapZoom(r.map(i), in[0], in[1], in[2], box, run.normalization(), SMALL);
    }

    /** All images, each beside its guided map, ten to a row. */
    private static BufferedImage contactSheet(ExplainRun run) {
        List<BufferedImage> tiles = new ArrayList<>();
        AttributionResult r = run.result();
        for (int i = 0; i < r.size(); i++) {
            BufferedImage img = Pictures.image(run.images(), i, 2);
            BufferedImage map = map(run, r, i, 2);
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
