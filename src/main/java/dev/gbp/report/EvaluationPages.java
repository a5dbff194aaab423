package dev.gbp.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.eval.Faithfulness;
import dev.gbp.eval.MapComparison;
import dev.gbp.eval.SanityCheck;
import dev.gbp.metrics.LineChart;
import dev.gbp.render.Normalization;
import dev.gbp.render.Pictures;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the sanity-check and faithfulness results: JSON, charts as PNG files, and HTML sections that
 * the standalone commands and the full report both use.
 */
public final class EvaluationPages {
    private EvaluationPages() {}

    // ---- sanity checks ----

    public static void writeSanityJson(Path file, SanityCheck.Result r) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        o.put("format", "gbp-sanity/1");
        o.put("target", r.target().spec());
        // The key predates class targets; it holds the position rule for every target ("position_note" says what it means).
        o.put("neuron_position", r.position().name().toLowerCase(Locale.ROOT));
        o.put("position_note", SanityCheck.positionDescription(r.target(), r.position()));
        o.put("images", r.images());
        o.put("note", r.target().isNeuronTarget()
                ? "neuron target: only the blocks at or below the target's layer are randomised (the layers above cannot change its map)"
                : "class target: the cascade starts at the logits");
        o.put("statistics", "per step over the images: mean, std (population), p25, median, p75 (linear interpolation, as numpy)");
        o.putPOJO("cascade_steps", r.cascadeLabels());
        o.putPOJO("independent_steps", r.independentLabels());
        ObjectNode cascade = o.putObject("cascading");
        ObjectNode independent = o.putObject("independent");
        fill(cascade, r.cascade());
        fill(independent, r.independent());
        ObjectNode zero = o.putObject("zero_maps");
        zero.put("note", "per method and step, the number of images whose map is exactly zero everywhere (scored 0 by both Spearman"
                + " correlations and by HOG)");
        zero.putPOJO("cascading", r.cascadeZeroMaps());
        zero.putPOJO("independent", r.independentZeroMaps());
        if (r.cascadeInactive() != null) {
            ObjectNode inactive = o.putObject("target_inactive");
            inactive.put("note", "per step, the number of images on which the neuron chosen on the trained network has an"
                    + " activation of 0 or less on the randomised network");
            inactive.putPOJO("cascading", r.cascadeInactive());
            inactive.putPOJO("independent", r.independentInactive());
        }
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), o);
    }

    private static void fill(ObjectNode node, Map<String, Map<String, SanityCheck.Series>> data) {
        data.forEach((method, metrics) -> {
            ObjectNode m = node.putObject(method);
            metrics.forEach((metric, s) -> {
                ObjectNode x = m.putObject(metric);
                put(x.putArray("mean"), s.mean());
                put(x.putArray("std"), s.std());
                put(x.putArray("p25"), s.p25());
                put(x.putArray("median"), s.median());
                put(x.putArray("p75"), s.p75());
            });
        });
    }

    /** Appends the values; a value that is not finite (an image left out) is written as null, which JSON can hold. */
    private static void put(ArrayNode a, double[] values) {
        for (double v : values) {
            if (Double.isFinite(v)) {
                a.add(v);
            } else {
                a.addNull();
            }
        }
    }

    /** Puts a number, or null when it is not finite. */
    private static void put(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    /**
     * The first {@code k} images at the strips' scale (twice a 32 x 32 image's size, about 64 pixels on the longer
     * side): the left column of the strips of maps along the cascade.
     */
    public static List<BufferedImage> thumbnails(CifarImages images, int k) {
        List<BufferedImage> out = new ArrayList<>();
        int scale = Pictures.scaleFor(images.height(), images.width(), 64);
        for (int i = 0; i < Math.min(k, images.size()); i++) {
            out.add(Pictures.image(images, i, scale));
        }
        return out;
    }

    /**
     * Charts (one per metric and mode, means only), small multiples of the spread, the zero-map counts and
     * the strips of maps along the cascade; returns the HTML section. Files go under {@code dir/prefix}.
     */
    public static String sanitySection(Path dir, String prefix, SanityCheck.Result r, List<BufferedImage> stripImages,
            int[] dims) throws IOException {
        int tileScale = Pictures.scaleFor(dims[1], dims[2], 64);
        Files.createDirectories(dir.resolve(prefix));
        List<String> methods = List.copyOf(r.cascade().keySet());
        StringBuilder b = new StringBuilder();
        b.append("<p class=note><b>How to read it.</b> Each line is a method; x counts the blocks randomised so far from the top")
                .append(" (cascading) or the single block randomised (independent); y is how similar the map stays to the trained")
                .append(" network's map, as the mean over the images. A method that explains the model should fall towards 0 as")
                .append(" weights are randomised; a line that stays high means the map does not depend on those weights. The spread")
                .append(" over the images is drawn per method further down, where it does not hide the other lines.</p>");
        b.append("<p class=muted>Target <code>").append(Html.esc(r.target().spec())).append("</code>, ").append(r.images())
                .append(r.images() == 1 ? " image. " : " images. ").append(Html.esc(capitalise(SanityCheck.positionDescription(r.target(), r.position()))))
                .append(". ")
                .append(r.target().isNeuronTarget()
                        ? "Only the blocks at or below the target's layer are randomised: the layers above cannot change a neuron's map, so testing them would prove nothing."
                                + (r.position() == SanityCheck.Position.FROZEN ? " Both Spearman correlations are taken inside the neuron's receptive"
                                + " field: outside it every map of the neuron is exactly zero, and that shared empty surround would make any two maps"
                                + " look alike. SSIM and HOG are computed on the whole image and are inflated by it." : "")
                        : "The cascade starts at the logits.")
                .append("</p>");
        b.append(MethodStyles.htmlLegend(methods)).append("<div class=grid>");
        for (String mode : List.of("cascading", "independent")) {
            Map<String, Map<String, SanityCheck.Series>> data = mode.equals("cascading") ? r.cascade() : r.independent();
            List<String> labels = mode.equals("cascading") ? r.cascadeLabels() : r.independentLabels();
            for (int k = 0; k < MapComparison.METRICS.length; k++) {
                String metric = MapComparison.METRICS[k];
                double lowest = metric.equals("ssim") ? 0 : -0.2;
                for (Map<String, SanityCheck.Series> metrics : data.values()) {
                    for (double v : metrics.get(metric).mean()) {
                        lowest = Math.min(lowest, Math.floor(v * 10) / 10);
                    }
                }
                LineChart.Builder chart = LineChart.builder()
                        .title(mode + " randomisation: " + MapComparison.METRIC_TITLES[k])
                        .xLabel(mode.equals("cascading") ? "randomised from the top down to" : "block randomised alone")
                        .yLabel("similarity to the trained map (mean)").xTicks(labels).yRange(lowest, 1.05)
                        .size(560, 360);
                data.forEach((method, metrics) -> chart.series(method, metrics.get(metric).mean(), null, MethodStyles.of(method)));
                String file = prefix + "/" + mode + "-" + metric + ".png";
                chart.write(dir.resolve(file));
                b.append("<img src=\"").append(file).append("\" width=560 height=360 alt=\"").append(Html.esc(mode + " " + metric))
                        .append("\">");
            }
        }
        b.append("</div>");
        b.append(spreadSection(dir, prefix, r, "spearman_abs"));
        b.append("<h3>Maps along the cascade</h3><p class=note>One picture per image. Rows: methods; columns: the trained network,")
                .append(" then the network randomised from the top down to the named block. Normalisation <b>gray</b> (")
                .append(Html.esc(Normalization.GRAY.description())).append("). A hatched <b>zero map</b> tile is a map that is exactly")
                .append(" zero everywhere (there is nothing to normalise; it is not a dark map).</p>");
        b.append(zeroMapNote(r));
        for (int img = 0; img < r.stripImages(); img++) {
            List<String> columns = new ArrayList<>();
            columns.add("image");
            columns.add("trained");
            columns.addAll(r.cascadeLabels().subList(1, r.cascadeLabels().size()));
            List<List<BufferedImage>> cells = new ArrayList<>();
            for (Map.Entry<String, List<float[][]>> e : r.strips().entrySet()) {
                List<BufferedImage> row = new ArrayList<>();
                row.add(cells.isEmpty() && stripImages != null && img < stripImages.size() ? stripImages.get(img) : null);
                for (float[][] step : e.getValue()) {
                    float[] map = step[img];
                    row.add(Pictures.isZero(map) ? Pictures.zeroMapTile(dims[2] * tileScale, dims[1] * tileScale)
                            : Pictures.map(map, dims[0], dims[1], dims[2], Normalization.GRAY, tileScale));
                }
                cells.add(row);
            }
            String file = prefix + "/strip-" + img + ".png";
            Pictures.writePng(Pictures.labelledGrid(List.copyOf(r.strips().keySet()), columns, cells), dir.resolve(file));
            b.append("<img src=\"").append(file).append("\" alt=\"maps along the cascade, image ").append(img).append("\"><br>");
        }
        return b.toString();
    }

    /**
     * Small multiples of one metric under cascading randomisation: per method, its mean line with the band
     * between the 25th and 75th percentiles over the images, the other methods' means in grey.
     */
    private static String spreadSection(Path dir, String prefix, SanityCheck.Result r, String metric) throws IOException {
        int k = java.util.Arrays.asList(MapComparison.METRICS).indexOf(metric);
        StringBuilder b = new StringBuilder("<h4>Spread over the images: cascading randomisation, ")
                .append(Html.esc(MapComparison.METRIC_TITLES[k])).append("</h4><p class=note>One panel per method: its mean (line, as")
                .append(" above) and, shaded, the middle half of the images (25th to 75th percentile); the other methods' means in")
                .append(" grey. Where two methods' bands do not overlap, most images agree on which of them stays more similar.")
                .append(" The JSON file holds these quartiles for every metric.</p><div class=grid>");
        double lowest = metric.equals("ssim") ? 0 : -0.2;
        for (Map<String, SanityCheck.Series> metrics : r.cascade().values()) {
            for (double v : metrics.get(metric).p25()) {
                lowest = Math.min(lowest, Math.floor(v * 10) / 10);
            }
        }
        for (String method : r.cascade().keySet()) {
            SanityCheck.Series s = r.cascade().get(method).get(metric);
            LineChart.Builder chart = LineChart.builder().title(method).xTicks(r.cascadeLabels())
                    .yRange(lowest, 1.05).size(330, 240).contextLabel("other methods");
            r.cascade().forEach((other, m) -> {
                if (!other.equals(method)) {
                    chart.context(m.get(metric).mean());
                }
            });
            chart.series("mean, middle half", s.mean(), s.p25(), s.p75(), MethodStyles.of(method));
            String file = prefix + "/spread-cascading-" + metric + "-" + method + ".png";
            chart.write(dir.resolve(file));
            b.append("<img src=\"").append(file).append("\" width=330 height=240 alt=\"").append(Html.esc(method))
                    .append(": mean and interquartile range\">");
        }
        return b.append("</div>").toString();
    }

    /** Counts of all-zero maps along the cascade and, for a frozen neuron, why they are zero; empty if there are none. */
    private static String zeroMapNote(SanityCheck.Result r) {
        boolean any = false;
        for (int[] z : r.cascadeZeroMaps().values()) {
            for (int v : z) {
                any |= v > 0;
            }
        }
        if (!any) {
            return "";
        }
        List<String> steps = r.cascadeLabels();
        StringBuilder t = new StringBuilder("<table><tr><th style=\"text-align:left\">all-zero maps, of ").append(r.images())
                .append(" images</th>");
        for (String step : steps) {
            t.append("<th>").append(Html.esc(step)).append("</th>");
        }
        t.append("</tr>");
        if (r.cascadeInactive() != null) {
            t.append("<tr><td style=\"text-align:left\"><i>neuron inactive (activation &le; 0)</i></td>");
            for (int v : r.cascadeInactive()) {
                t.append("<td>").append(v).append("</td>");
            }
            t.append("</tr>");
        }
        List<String> none = new ArrayList<>();
        r.cascadeZeroMaps().forEach((method, z) -> {
            if (java.util.Arrays.stream(z).allMatch(v -> v == 0)) {
                none.add(method);
                return;
            }
            t.append("<tr><td style=\"text-align:left\">").append(Html.esc(method)).append("</td>");
            for (int v : z) {
                t.append("<td>").append(v).append("</td>");
            }
            t.append("</tr>");
        });
        t.append("</table>");
        if (!none.isEmpty()) {
            t.append("<p class=muted>No zero map at any step: ").append(Html.esc(String.join(", ", none))).append(".</p>");
        }
        StringBuilder b = new StringBuilder("<p class=note><b>Why some maps are zero.</b> ");
        if (r.cascadeInactive() != null) {
            List<String> same = new ArrayList<>();
            r.cascadeZeroMaps().forEach((method, z) -> {
                if (java.util.Arrays.equals(z, r.cascadeInactive())) {
                    same.add(method);
                }
            });
            b.append("The neuron is frozen at the position chosen on the trained network. Once the block that computes it is")
                    .append(" randomised, that neuron's input is often not positive any more, and its ReLU outputs 0 (row \"neuron")
                    .append(" inactive\"). A rule that passes a signal back through a ReLU only where its input is positive (the")
                    .append(" gradient, guided backpropagation, and input x gradient, which multiplies the gradient by the image) then")
                    .append(" has nothing to pass, and the map is exactly zero");
            if (!same.isEmpty()) {
                b.append(": here ").append(Html.esc(String.join(", ", same)))
                        .append(same.size() == 1 ? " has" : " have").append(" a zero map on exactly those images, step by step");
            }
            b.append(". The deconvnet rule ignores the forward input and still draws a map; SmoothGrad and integrated gradients")
                    .append(" differentiate noisy or scaled copies of the image and are zero only when the neuron is inactive on every")
                    .append(" copy. ");
        }
        if (r.cascadeZeroMaps().containsKey("gradcam") && java.util.Arrays.stream(r.cascadeZeroMaps().get("gradcam")).anyMatch(v -> v > 0)) {
            b.append("Grad-CAM's map is the ReLU of its weighted channel sum, so it is zero wherever that sum is negative everywhere;")
                    .append(" guided Grad-CAM multiplies guided backpropagation by it and is zero with it. ");
        }
        b.append("Both Spearman correlations and the HOG measure score a zero map 0 against the trained map (a correlation with")
                .append(" a constant is undefined; gbp reports 0), so these images pull the means above towards 0; SSIM compares")
                .append(" it with the trained map's empty surround and stays high.</p>");
        return b.append(t).toString();
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    // ---- faithfulness ----

    public static void writeFaithfulnessJson(Path file, Target target, int images, int step, List<Faithfulness.Curve> curves)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        o.put("format", "gbp-faithfulness/1");
        o.put("target", target.spec());
        o.put("images", images);
        o.put("pixels_per_step", step);
        o.put("score", Faithfulness.scoreDescription(target));
        ArrayNode list = o.putArray("methods");
        Faithfulness.Curve random = randomCurve(curves);
        for (Faithfulness.Curve c : curves) {
            ObjectNode m = list.addObject();
            m.put("method", c.name());
            put(m, "deletion_auc", c.deletionAuc());
            put(m, "deletion_auc_std", c.deletionAucStd());
            put(m, "insertion_auc", c.insertionAuc());
            put(m, "insertion_auc_std", c.insertionAucStd());
            m.put("images_excluded", c.excluded());
            if (random != null && c != random) {
                FaithfulnessVerdict.Comparison d = FaithfulnessVerdict.compare(c.deletionAucs(), random.deletionAucs(), false);
                FaithfulnessVerdict.Comparison in = FaithfulnessVerdict.compare(c.insertionAucs(), random.insertionAucs(), true);
                ObjectNode v = m.putObject("versus_random");
                v.put("deletion", d.word());
                put(v, "deletion_difference", d.meanDifference());
                put(v, "deletion_difference_se", d.standardError());
                v.put("deletion_images_better", d.imagesBetter());
                v.put("insertion", in.word());
                put(v, "insertion_difference", in.meanDifference());
                put(v, "insertion_difference_se", in.standardError());
                v.put("insertion_images_better", in.imagesBetter());
                v.put("images_compared", d.images());
            }
            put(m.putArray("deletion_curve"), c.deletion());
            put(m.putArray("insertion_curve"), c.insertion());
            put(m.putArray("deletion_auc_per_image"), c.deletionAucs());
            put(m.putArray("insertion_auc_per_image"), c.insertionAucs());
        }
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), o);
    }

    /** The random ranking's curve (named "random"), or null. */
    private static Faithfulness.Curve randomCurve(List<Faithfulness.Curve> curves) {
        for (Faithfulness.Curve c : curves) {
            if (c.name().equals("random")) {
                return c;
            }
        }
        return null;
    }

    /**
     * Tick labels of a curve with {@code points} points, {@code step} of 1024 pixels per point: the
     * points nearest to 0, 25, 50, 75 and 100 % of the pixels, labelled with their exact share; the
     * others blank.
     */
    static List<String> percentTicks(int points, int step) {
        List<String> ticks = new ArrayList<>(java.util.Collections.nCopies(points, ""));
        for (int q = 0; q <= 4; q++) {
            int best = 0;
            for (int p = 1; p < points; p++) {
                if (Math.abs(Math.min(1024, p * step) - 256 * q) < Math.abs(Math.min(1024, best * step) - 256 * q)) {
                    best = p;
                }
            }
            ticks.set(best, String.format(Locale.ROOT, "%.0f%%", 100.0 * Math.min(1024, best * step) / 1024));
        }
        return ticks;
    }

    public static String faithfulnessSection(Path dir, String prefix, Target target, int images, int step,
            List<Faithfulness.Curve> curves) throws IOException {
        Files.createDirectories(dir.resolve(prefix));
        boolean neuron = target.isNeuronTarget();
        StringBuilder b = new StringBuilder();
        b.append("<p class=note><b>How to read it.</b> Deletion removes the pixels a map ranks highest first (")
                .append(step).append(" per step, replaced by the mean colour): a faithful map makes the score fall fast, so lower")
                .append(" deletion AUC is better. Insertion puts them back into a blurred copy: the score should rise fast, so higher")
                .append(" insertion AUC is better. The random ranking is the floor to beat. ")
                .append(neuron ? "<b>Unit:</b> the score is the neuron's activation divided by f(x), its activation on the whole original"
                        + " image, so 1 means &ldquo;as active as on the original&rdquo;; deletion starts at 1, insertion ends at 1,"
                        + " and an AUC is a fraction of f(x)."
                        : "<b>Unit:</b> the score is the softmax probability of the class, so an AUC lies between 0 and 1.")
                .append("</p>");
        int excluded = curves.isEmpty() ? 0 : curves.get(0).excluded();
        b.append("<p class=muted>Target <code>").append(Html.esc(target.spec())).append("</code>, ").append(images)
                .append(" images; score: ").append(Html.esc(Faithfulness.scoreDescription(target))).append(".")
                .append(excluded > 0 ? " " + excluded + " image(s) left out: the neuron is not active on the original image, so"
                        + " there is no activation to divide by." : "")
                .append("</p>");
        b.append("<table><tr><th style=\"text-align:left\">method</th><th>deletion AUC (lower is better)</th><th>insertion AUC (higher is better)</th></tr>");
        for (Faithfulness.Curve c : curves) {
            b.append(String.format(Locale.ROOT, "<tr><td style=\"text-align:left\">%s</td><td>%.4f &plusmn; %.4f</td><td>%.4f &plusmn; %.4f</td></tr>",
                    Html.esc(c.name()), c.deletionAuc(), c.deletionAucStd(), c.insertionAuc(), c.insertionAucStd()));
        }
        b.append("</table>");
        b.append(verdict(curves));
        b.append(MethodStyles.htmlLegend(curves.stream().map(Faithfulness.Curve::name).toList())).append("<div class=grid>");
        int points = curves.get(0).deletion().length;
        List<String> ticks = percentTicks(points, step);
        for (String kind : List.of("deletion", "insertion")) {
            double max = neuron ? 1 : 0;
            double min = 0;
            for (Faithfulness.Curve c : curves) {
                for (double v : kind.equals("deletion") ? c.deletion() : c.insertion()) {
                    if (Double.isFinite(v)) {
                        max = Math.max(max, v);
                        min = Math.min(min, v);
                    }
                }
            }
            LineChart.Builder chart = LineChart.builder().title(kind + " curves (mean over images)")
                    .xLabel(kind.equals("deletion") ? "pixels deleted, most salient first (% of the image)"
                            : "pixels inserted into the blurred image, most salient first (% of the image)")
                    .yLabel(Faithfulness.scoreUnit(target))
                    .xTicks(ticks).yRange(min * 1.05, max * 1.05 + 1e-9).size(560, 360);
            for (Faithfulness.Curve c : curves) {
                chart.series(c.name(), kind.equals("deletion") ? c.deletion() : c.insertion(), null, MethodStyles.of(c.name()));
            }
            String file = prefix + "/" + kind + ".png";
            chart.write(dir.resolve(file));
            b.append("<img src=\"").append(file).append("\" width=560 height=360 alt=\"").append(kind).append(" curves\">");
        }
        b.append("</div>");
        return b.toString();
    }

    /** Per method, in words: better or worse than the random ranking at deletion and at insertion, with the numbers. */
    private static String verdict(List<Faithfulness.Curve> curves) {
        Faithfulness.Curve random = randomCurve(curves);
        if (random == null) {
            return "";
        }
        List<String> worseDel = new ArrayList<>();
        List<String> worseIns = new ArrayList<>();
        StringBuilder rows = new StringBuilder("<table class=verdict><tr><th style=\"text-align:left\">method</th>")
                .append("<th style=\"text-align:left\">deletion, against random</th><th style=\"text-align:left\">insertion, against random</th></tr>");
        int methods = 0;
        for (Faithfulness.Curve c : curves) {
            if (c == random) {
                continue;
            }
            methods++;
            FaithfulnessVerdict.Comparison d = FaithfulnessVerdict.compare(c.deletionAucs(), random.deletionAucs(), false);
            FaithfulnessVerdict.Comparison in = FaithfulnessVerdict.compare(c.insertionAucs(), random.insertionAucs(), true);
            if (d.word().equals("worse")) {
                worseDel.add(c.name());
            }
            if (in.word().equals("worse")) {
                worseIns.add(c.name());
            }
            rows.append("<tr><td style=\"text-align:left\">").append(Html.esc(c.name())).append("</td><td style=\"text-align:left\">")
                    .append(FaithfulnessVerdict.cell(c.deletionAuc(), random.deletionAuc(), d))
                    .append("</td><td style=\"text-align:left\">")
                    .append(FaithfulnessVerdict.cell(c.insertionAuc(), random.insertionAuc(), in)).append("</td></tr>");
        }
        rows.append("</table>");
        StringBuilder b = new StringBuilder("<p class=note><b>Verdict against the random ranking.</b> ");
        b.append(summary("deletion", worseDel, methods)).append(' ').append(summary("insertion", worseIns, methods))
                .append(" Each cell: the method's mean AUC against the random ranking's, then, image by image, on how many images")
                .append(" it does better and the mean difference with its standard error; <i>within noise</i> means the difference")
                .append(" is less than twice its standard error, so these images do not tell the method from random.</p>");
        return b.append(rows).toString();
    }

    private static String summary(String kind, List<String> worse, int methods) {
        if (worse.isEmpty()) {
            return "At " + kind + ", every method does better than the random ranking.";
        }
        return "At " + kind + ", " + worse.size() + " of " + methods + " methods do <b>worse than the random ranking</b> ("
                + Html.esc(String.join(", ", worse)) + ").";
    }

    /** A whole standalone page around one section. */
    public static String page(String title, String subtitle, String body) {
        return Html.page(title, "<h1>" + Html.esc(title) + "</h1><p>" + Html.esc(subtitle) + "</p>", body);
    }
}
