package dev.gbp.report;

import ai.djl.ndarray.NDManager;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.BatchRunner;
import dev.gbp.attr.Methods;
import dev.gbp.attr.NeuronChoice;
import dev.gbp.model.ReceptiveField;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.eval.Faithfulness;
import dev.gbp.eval.MapComparison;
import dev.gbp.eval.Randomizer;
import dev.gbp.eval.SanityCheck;
import dev.gbp.metrics.Stats;
import dev.gbp.model.Classifier;
import dev.gbp.model.Network;
import dev.gbp.render.Normalization;
import dev.gbp.render.Pictures;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code gbp report}: one self-contained page (with its image files) holding the seed gallery, the
 * methods side by side, the controls, the sanity-check charts and the faithfulness table.
 */
public final class FullReport {
    /** Methods of the comparison, sanity and faithfulness sections. */
    public static final List<String> CLASS_METHODS = List.of("guided", "gradient", "deconvnet", "gradcam", "guided-gradcam",
            "smoothgrad", "integrated-gradients", "input-x-gradient");
    public static final List<String> NEURON_METHODS = List.of("guided", "gradient", "deconvnet", "gradcam", "smoothgrad",
            "integrated-gradients", "input-x-gradient");
    /**
     * The most SmoothGrad samples and integrated-gradients steps of the sanity checks and faithfulness (each
     * runs every method many times); the methods side by side use the options as given.
     */
    public static final int LIGHT_SAMPLES = 10;
    public static final int LIGHT_STEPS = 16;

    private final Network net;
    private final NDManager manager;
    private final String modelPath;
    private final CifarImages images;
    private final List<String> sources;
    private final int[] indices;
    private final String description;
    private final String neuronLayer;
    private final Methods.Options options;
    private final boolean controls;
    private final Progress progress;
    private Classifier.Predictions predictions;

    /**
     * Where the report says how far it has got: each phase with the number of units of work it holds,
     * then one {@link #advance} per unit done (a method's maps, one randomised network's maps of one
     * method, one image's curves of one ranking, one picture), so that a caller can show a bar with an
     * estimate of the time left inside every phase.
     */
    public interface Progress {
        /** A new phase ({@code index} of {@code phases}) of {@code units} units begins. */
        void phase(String name, int index, int phases, long units);

        /** One unit of the current phase is done. */
        void advance();
    }

    /**
     * @param images the images (labels -1 where unknown: the galleries then group them by predicted class)
     * @param sources a display name per image (e.g. {@code test_batch.bin#17} or a file name)
     * @param indices per image, its index in the data set, or -1 for an image file
     * @param description what the images are, for the page's header (e.g. "the first 100 images of test_batch.bin")
     */
    public FullReport(Network net, NDManager manager, String modelPath, CifarImages images, List<String> sources, int[] indices,
            String description, String neuronLayer, Methods.Options options, boolean controls, Progress progress) {
        this.net = net;
        this.manager = manager;
        this.modelPath = modelPath;
        this.images = images;
        this.sources = sources;
        this.indices = indices;
        this.description = description;
        this.neuronLayer = neuronLayer;
        this.options = options;
        this.controls = controls;
        this.progress = progress;
    }

    public void write(Path dir) throws IOException {
        long start = System.nanoTime();
        Target neuron = Target.parse("max-neuron:" + neuronLayer, net.spec());
        Target predicted = Target.predicted();
        int n = images.size();
        StringBuilder body = new StringBuilder();
        body.append("<nav><a href=\"#seed\">seed gallery</a><a href=\"#methods\">methods side by side</a>")
                .append("<a href=\"#controls\">controls</a><a href=\"#sanity\">sanity checks</a><a href=\"#faithfulness\">faithfulness</a></nav>");

        int phases = controls ? 7 : 6;
        int phase = 0;
        progress.phase("seed gallery", ++phase, phases, 1 + n);
        AttributionResult seedGuided = run("guided", net, neuron);
        progress.advance();
        body.append(seedSection(dir, seedGuided));

        progress.phase("methods side by side", ++phase, phases, CLASS_METHODS.size());
        body.append(methodsSection(dir, predicted));

        if (controls) {
            progress.phase("controls", ++phase, phases, CONTROL_RUNS + n);
            body.append(controlsSection(dir, seedGuided));
        }

        Methods.Options light = new Methods.Options(options.camLayer(), Math.min(options.samples(), LIGHT_SAMPLES), options.noise(),
                Math.min(options.steps(), LIGHT_STEPS), options.baseline(), options.seed(), options.internalBatch());
        SanityCheck sanity = new SanityCheck(net, manager, options.seed(), 100).onStep(progress::advance);
        progress.phase("sanity checks, class target", ++phase, phases,
                CLASS_METHODS.size() + sanity.steps(predicted, CLASS_METHODS.size()));
        // Each method's maps on the trained network serve both the sanity checks and faithfulness.
        Map<String, AttributionResult> classMaps = runAll(CLASS_METHODS, predicted, light);
        SanityCheck.Result sc = sanity.run(images, predicted, classMaps, light, SanityCheck.Position.FROZEN, 2);
        progress.phase("sanity checks, neuron target", ++phase, phases,
                NEURON_METHODS.size() + sanity.steps(neuron, NEURON_METHODS.size()));
        Map<String, AttributionResult> neuronMaps = runAll(NEURON_METHODS, neuron, light);
        SanityCheck.Result sn = sanity.run(images, neuron, neuronMaps, light, SanityCheck.Position.FROZEN, 2);
        EvaluationPages.writeSanityJson(dir.resolve("sanity-class.json"), sc);
        EvaluationPages.writeSanityJson(dir.resolve("sanity-neuron.json"), sn);
        List<BufferedImage> thumbs = EvaluationPages.thumbnails(images, 2);
        body.append("<h2 id=sanity>Sanity checks: model-parameter randomisation</h2>")
                .append("<p class=note>Adebayo et al. (2018) randomise a trained network's weights block by block and ask whether the")
                .append(" map changes. They found guided backpropagation's maps change little: it reconstructs the image rather than")
                .append(" explaining the upper layers. The charts and the verdict below say how much it changes here. SmoothGrad and")
                .append(" integrated gradients here use ").append(light.samples()).append(" samples and ")
                .append(light.steps()).append(" steps to keep the report fast.</p>");
        body.append("<h3>Class target (predicted class), cascade from the logits</h3>")
                .append(EvaluationPages.sanitySection(dir, "sanity-class", sc, thumbs, images.dims()));
        body.append("<h3>Neuron target (").append(Html.esc(neuron.spec())).append(")</h3>")
                .append(EvaluationPages.sanitySection(dir, "sanity-neuron", sn, thumbs, images.dims()));
        body.append(sanityVerdict(sc));

        int step = Faithfulness.defaultStep(images.height(), images.width());
        progress.phase("faithfulness, class target", ++phase, phases, (long) (CLASS_METHODS.size() + 1) * n);
        List<Faithfulness.Curve> fc = Faithfulness.compare(net, images, classMaps, step, light.seed(), progress::advance);
        progress.phase("faithfulness, neuron target", ++phase, phases, (long) (NEURON_METHODS.size() + 1) * n);
        List<Faithfulness.Curve> fn = Faithfulness.compare(net, images, neuronMaps, step, light.seed(), progress::advance);
        EvaluationPages.writeFaithfulnessJson(dir.resolve("faithfulness-class.json"), predicted, n, step, fc);
        EvaluationPages.writeFaithfulnessJson(dir.resolve("faithfulness-neuron.json"), neuron, n, step, fn);
        body.append("<h2 id=faithfulness>Faithfulness: deletion and insertion</h2><h3>Class target</h3>")
                .append(EvaluationPages.faithfulnessSection(dir, "faithfulness-class", predicted, n, step, fc))
                .append("<h3>Neuron target</h3>")
                .append(EvaluationPages.faithfulnessSection(dir, "faithfulness-neuron", neuron, n, step, fn));
        double seconds = (System.nanoTime() - start) / 1e9;
        String header = String.format(Locale.ROOT, "model %s, %s, computed in %.0f s. Maps are gradients"
                + " with respect to the normalised input; every picture names its normalisation.", modelPath, description, seconds);
        Files.writeString(dir.resolve("index.html"), EvaluationPages.page("gbp report: guided backpropagation and its controls",
                header, body.toString()), StandardCharsets.UTF_8);
    }

    private AttributionResult run(String method, Network network, Target target) {
        return BatchRunner.run(Methods.create(method, network, options), network, images, target, 100, null);
    }

    /** Method runs of the controls phase (each one unit of its progress). */
    private static final int CONTROL_RUNS = 8;

    private AttributionResult runCounted(String method, Network network, Target target) {
        AttributionResult r = run(method, network, target);
        progress.advance();
        return r;
    }

    private String seedSection(Path dir, AttributionResult guided) throws IOException {
        Files.createDirectories(dir.resolve("seed"));
        int scale = Pictures.scaleFor(images.height(), images.width(), LARGE);
        StringBuilder b = new StringBuilder("<h2 id=seed>Seed experiment: the most active ").append(Html.esc(neuronLayer))
                .append(" neuron</h2><p class=note><b>How to read it.</b> Each tile is an image (box: the neuron's receptive field)")
                .append(" and the guided backpropagation of its most active neuron in ").append(Html.esc(neuronLayer))
                .append(", every other neuron of the layer set to zero. Normalisation <b>color</b> (")
                .append(Html.esc(Normalization.COLOR.description())).append(").")
                .append(byLabel() ? "" : " The images have no labels, so they are grouped by the class the network predicts.")
                .append("</p>");
        int[] group = groups(guided.predictedAll());
        for (int k : classOrder()) {
            if (!contains(group, k)) {
                continue;
            }
            b.append("<h3>").append(byLabel() ? "" : "predicted ").append(Html.esc(net.spec().classes().get(k)))
                    .append("</h3><div class=grid>");
            for (int i = 0; i < images.size(); i++) {
                if (group[i] != k) {
                    continue;
                }
                NeuronChoice c = guided.choice(i);
                int[] box = ReceptiveField.of(net.spec(), c.layer(), c.y(), c.x());
                BufferedImage tile = Pictures.row(List.of(
                        Pictures.imageWithField(images, i, box, scale),
                        Pictures.map(guided.map(i), images.channels(), images.height(), images.width(), Normalization.COLOR, scale)),
                        List.of(caption(i), "guided"), List.of());
                String file = String.format(Locale.ROOT, "seed/%04d.png", i);
                Pictures.writePng(tile, dir.resolve(file));
                progress.advance();
                b.append("<img src=\"").append(file).append("\" alt=\"").append(Html.esc(altName(i))).append("\">");
            }
            b.append("</div>");
        }
        return b.toString();
    }

    /** Pixels on the longer side of the seed gallery's and the methods' pictures (three times a 32 x 32 image). */
    private static final int LARGE = 96;
    /** Pixels on the longer side of the controls' pictures. */
    private static final int SMALL = 64;
    /** The most rows of the methods side by side (one per class, in the classes' order). */
    private static final int METHOD_ROWS = 10;

    /** Whether every image has a label; else the galleries group by predicted class. */
    private boolean byLabel() {
        for (int i = 0; i < images.size(); i++) {
            if (images.label(i) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Per image, the class it is shown under: its label, or the {@code predicted} class when the images have no labels. */
    private int[] groups(int[] predicted) {
        boolean labels = byLabel();
        int[] out = new int[images.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels ? images.label(i) : predicted[i];
        }
        return out;
    }

    /** The order classes are shown in: the seed's figure order for CIFAR-10's classes, else the model's. */
    private int[] classOrder() {
        List<String> classes = net.spec().classes();
        if (classes.equals(CifarImages.DEFAULT_CLASSES)) {
            return DemoPage.SEED_ORDER.clone();
        }
        int[] order = new int[classes.size()];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        return order;
    }

    private static boolean contains(int[] values, int v) {
        for (int x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** A picture's caption: the image's index in the data set, or its file name (shortened to fit under a tile). */
    private String caption(int i) {
        if (indices[i] >= 0) {
            return "#" + indices[i];
        }
        String name = sources.get(i);
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        return name.length() <= 14 ? name : name.substring(0, 6) + "\u2026" + name.substring(name.length() - 7);
    }

    private String altName(int i) {
        return indices[i] >= 0 ? "image " + indices[i] : sources.get(i);
    }

    private String labelName(int i) {
        return net.spec().labelName(images.label(i));
    }

    private String methodsSection(Path dir, Target target) throws IOException {
        Files.createDirectories(dir.resolve("methods"));
        List<Integer> picks = firstOfEachClass(groups(predictions().classes()));
        int scale = Pictures.scaleFor(images.height(), images.width(), LARGE);
        CifarImages chosen = images.select(picks.stream().mapToInt(Integer::intValue).toArray());
        Map<String, AttributionResult> results = new LinkedHashMap<>();
        for (String m : CLASS_METHODS) {
            results.put(m, BatchRunner.run(Methods.create(m, net, options), net, chosen, target, 100, null));
            progress.advance();
        }
        StringBuilder b = new StringBuilder("<h2 id=methods>Methods side by side</h2><p class=note><b>How to read it.</b> One row")
                .append(byLabel() ? " per image (the first of each class)" : " per image (the first predicted as each class, at most "
                        + METHOD_ROWS + ")").append(", one column per method, all explaining the predicted class's logit;")
                .append(" normalisation <b>gray</b> (").append(Html.esc(Normalization.GRAY.description()))
                .append("). SmoothGrad uses ").append(options.samples()).append(" samples and integrated gradients ")
                .append(options.steps()).append(" steps. Sharp, image-like maps are not necessarily faithful ones: compare with the")
                .append(" checks below.</p>");
        for (int r = 0; r < picks.size(); r++) {
            List<BufferedImage> tiles = new ArrayList<>();
            List<String> captions = new ArrayList<>();
            tiles.add(Pictures.image(chosen, r, scale));
            captions.add(caption(picks.get(r)));
            for (var e : results.entrySet()) {
                tiles.add(Pictures.map(e.getValue().map(r), chosen.channels(), chosen.height(), chosen.width(), Normalization.GRAY, scale));
                captions.add(e.getKey().replace("integrated-gradients", "int. grad.").replace("input-x-gradient", "input x grad"));
            }
            AttributionResult any = results.values().iterator().next();
            String line = labelName(picks.get(r)) + " -> predicted " + net.spec().classes().get(any.predicted(r))
                    + String.format(Locale.ROOT, " (%.2f)", any.probability(r));
            String file = String.format(Locale.ROOT, "methods/%02d.png", r);
            Pictures.writePng(Pictures.row(tiles, captions, List.of(line)), dir.resolve(file));
            b.append("<img src=\"").append(file).append("\" alt=\"methods for ").append(Html.esc(altName(picks.get(r)))).append("\"><br>");
        }
        return b.toString();
    }

    /** The first image of each class ({@code group}: per image, its class), in the classes' order, at most {@link #METHOD_ROWS}. */
    private List<Integer> firstOfEachClass(int[] group) {
        List<Integer> picks = new ArrayList<>();
        for (int k : classOrder()) {
            for (int i = 0; i < images.size() && picks.size() < METHOD_ROWS; i++) {
                if (group[i] == k) {
                    picks.add(i);
                    break;
                }
            }
        }
        return picks;
    }

    /** Per image: trained vs random-weights maps, predicted vs runner-up class, and the three ReLU rules. */
    private String controlsSection(Path dir, AttributionResult seedGuided) throws IOException {
        Files.createDirectories(dir.resolve("controls"));
        int n = images.size();
        int c = images.channels();
        int h = images.height();
        int w = images.width();
        int scale = Pictures.scaleFor(h, w, SMALL);
        Randomizer randomizer = new Randomizer(net, manager, options.seed());
        AttributionResult gbPred = runCounted("guided", net, Target.predicted());
        AttributionResult gradPred = runCounted("gradient", net, Target.predicted());
        int[] runnerUp = runnerUp();
        Target other = new Target.Fixed("runner-up class", net.size() - 1, runnerUp, true, false);
        AttributionResult gbOther = runCounted("guided", net, other);
        AttributionResult gradOther = runCounted("gradient", net, other);
        AttributionResult gbRandom;
        AttributionResult gradRandom;
        try (Network random = randomizer.fullyRandom(manager)) {
            Target fixedPred = new Target.Fixed("predicted class (of the trained network)", net.size() - 1, gbPred.predictedAll(),
                    true, false);
            gbRandom = runCounted("guided", random, fixedPred);
            gradRandom = runCounted("gradient", random, fixedPred);
        }
        AttributionResult gradNeuron = runCounted("gradient", net, seedGuided.target());
        AttributionResult deconvNeuron = runCounted("deconvnet", net, seedGuided.target());
        double[] gbClass = new double[n];
        double[] gradClass = new double[n];
        double[] gbRand = new double[n];
        double[] gradRand = new double[n];
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < n; i++) {
            gbClass[i] = MapComparison.compare(gbPred.map(i), gbOther.map(i), c, h, w)[0];
            gradClass[i] = MapComparison.compare(gradPred.map(i), gradOther.map(i), c, h, w)[0];
            gbRand[i] = MapComparison.compare(gbPred.map(i), gbRandom.map(i), c, h, w)[0];
            gradRand[i] = MapComparison.compare(gradPred.map(i), gradRandom.map(i), c, h, w)[0];
            Normalization g = Normalization.GRAY;
            int s = scale;
            List<BufferedImage> tiles = List.of(Pictures.image(images, i, s), Pictures.map(gbPred.map(i), c, h, w, g, s),
                    Pictures.map(gbRandom.map(i), c, h, w, g, s), Pictures.map(gbOther.map(i), c, h, w, g, s),
                    Pictures.map(gradPred.map(i), c, h, w, g, s), Pictures.map(gradRandom.map(i), c, h, w, g, s),
                    Pictures.map(gradOther.map(i), c, h, w, g, s), Pictures.map(seedGuided.map(i), c, h, w, Normalization.COLOR, s),
                    Pictures.map(gradNeuron.map(i), c, h, w, Normalization.COLOR, s),
                    Pictures.map(deconvNeuron.map(i), c, h, w, Normalization.COLOR, s));
            List<String> captions = List.of(caption(i), "GB", "GB rnd w", "GB 2nd", "grad", "grad rnd w", "grad 2nd",
                    "GB neur.", "grad neur.", "deconv n.");
            String line = String.format(Locale.ROOT, "%s -> %s, 2nd %s | Spearman(|map|): GB pred/2nd %.2f, GB trained/random %.2f;"
                    + " grad pred/2nd %.2f, grad trained/random %.2f", labelName(i),
                    net.spec().classes().get(gbPred.predicted(i)), net.spec().classes().get(runnerUp[i]), gbClass[i], gbRand[i],
                    gradClass[i], gradRand[i]);
            String file = String.format(Locale.ROOT, "controls/%04d.png", i);
            Pictures.writePng(Pictures.row(tiles, captions, List.of(line)), dir.resolve(file));
            progress.advance();
            rows.append("<img src=\"").append(file).append("\" loading=lazy alt=\"controls for ").append(Html.esc(altName(i))).append("\"><br>");
        }
        StringBuilder b = new StringBuilder("<h2 id=controls>Controls</h2><p class=note><b>How to read it.</b> For every image:")
                .append(" guided backprop (GB) and the gradient for the predicted class on the trained network, on the same architecture")
                .append(" with random weights (\"rnd w\", seeded), and for the runner-up class (\"2nd\"); then the three ReLU rules for the")
                .append(" seed experiment's neuron. A map that explains the decision should change when the weights are random and")
                .append(" when the class changes; a high Spearman correlation means it did not.</p>");
        b.append("<table><tr><th style=\"text-align:left\">Spearman rank correlation of |maps|, mean &plusmn; sd over ").append(n)
                .append(" images</th><th>guided backprop</th><th>gradient</th></tr>");
        b.append(String.format(Locale.ROOT, "<tr><td style=\"text-align:left\">predicted class vs runner-up class</td><td>%.3f &plusmn; %.3f</td><td>%.3f &plusmn; %.3f</td></tr>",
                Stats.mean(gbClass), Stats.std(gbClass), Stats.mean(gradClass), Stats.std(gradClass)));
        b.append(String.format(Locale.ROOT, "<tr><td style=\"text-align:left\">trained vs random weights</td><td>%.3f &plusmn; %.3f</td><td>%.3f &plusmn; %.3f</td></tr></table>",
                Stats.mean(gbRand), Stats.std(gbRand), Stats.mean(gradRand), Stats.std(gradRand)));
        b.append("<details><summary>Every image (").append(n).append(")</summary>").append(rows).append("</details>");
        return b.toString();
    }

    /** What the class cascade says about guided backprop and Grad-CAM, in numbers (Spearman of |map|, means over images). */
    private String sanityVerdict(SanityCheck.Result sc) {
        double[] gb = sc.cascade().get("guided").get("spearman_abs").mean();
        List<String> steps = sc.cascadeLabels();
        int highUntil = 0;
        while (highUntil + 1 < gb.length && gb[highUntil + 1] >= 0.9) {
            highUntil++;
        }
        StringBuilder v = new StringBuilder("Under cascading randomisation from the logits, guided backprop's map ");
        if (highUntil >= 1) {
            v.append(String.format(Locale.ROOT, "keeps a Spearman correlation of |map| of 0.90 or more with the trained map until %s"
                    + " is randomised, ", steps.get(highUntil)));
        }
        v.append(String.format(Locale.ROOT, "%sends at %.2f with every block random", highUntil >= 1 ? "and " : "", gb[gb.length - 1]));
        if (sc.cascade().containsKey("gradcam")) {
            double[] cam = sc.cascade().get("gradcam").get("spearman_abs").mean();
            v.append(String.format(Locale.ROOT, "; Grad-CAM's falls to %.2f as soon as %s is random and ends at %.2f",
                    cam[1], steps.get(1), cam[cam.length - 1]));
        }
        v.append(". ");
        double camEnd = sc.cascade().containsKey("gradcam") ? last(sc, "gradcam") : Double.NaN;
        v.append(gb[gb.length - 1] > camEnd
                ? "So guided backprop does depend on the weights, but far less on the upper blocks than Grad-CAM, as Adebayo et al."
                        + " (2018) report: much of its map comes from the image and the lowest layers."
                : "Here guided backprop's map does not stay more similar than Grad-CAM's, unlike the literature: see the strips above.");
        return "<p class=note><b>Verdict.</b> " + Html.esc(v.toString()) + "</p>";
    }

    private static double last(SanityCheck.Result r, String method) {
        double[] m = r.cascade().get(method).get("spearman_abs").mean();
        return m[m.length - 1];
    }

    /** Every method's maps for {@code target} on the trained network, in the batches of 100 the checks use. */
    private Map<String, AttributionResult> runAll(List<String> methods, Target target, Methods.Options o) {
        Map<String, AttributionResult> out = new LinkedHashMap<>();
        for (String m : methods) {
            out.put(m, BatchRunner.run(Methods.create(m, net, o), net, images, target, 100, null));
            progress.advance();
        }
        return out;
    }

    /** The trained network's predictions for the images (one forward pass, kept). */
    private Classifier.Predictions predictions() {
        if (predictions == null) {
            predictions = Classifier.predict(net, images, 100);
        }
        return predictions;
    }

    private int[] runnerUp() {
        // The second most probable class, from the logits of a forward pass.
        Classifier.Predictions p = predictions();
        int k = net.spec().classes().size();
        int[] out = new int[images.size()];
        for (int i = 0; i < out.length; i++) {
            int best = p.predicted(i);
            int second = best == 0 ? 1 : 0;
            for (int c = 0; c < k; c++) {
                if (c != best && p.probability(i, c) > p.probability(i, second)) {
                    second = c;
                }
            }
            out[i] = second;
        }
        return out;
    }
}
