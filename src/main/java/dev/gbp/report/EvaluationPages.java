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
        o.put("neuron_position", r.position().name().toLowerCase(Locale.ROOT));
        o.put("images", r.images());
        o.put("note", r.target().isNeuronTarget()
                ? "neuron target: only the blocks at or below the target's layer are randomised (the layers above cannot change its map)"
                : "class target: the cascade starts at the logits");
        o.putPOJO("cascade_steps", r.cascadeLabels());
        o.putPOJO("independent_steps", r.independentLabels());
        ObjectNode cascade = o.putObject("cascading");
        ObjectNode independent = o.putObject("independent");
        fill(cascade, r.cascade());
        fill(independent, r.independent());
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), o);
    }

    private static void fill(ObjectNode node, Map<String, Map<String, SanityCheck.Series>> data) {
        data.forEach((method, metrics) -> {
            ObjectNode m = node.putObject(method);
            metrics.forEach((metric, s) -> {
                ObjectNode x = m.putObject(metric);
                ArrayNode mean = x.putArray("mean");
                ArrayNode std = x.putArray("std");
                for (int i = 0; i < s.mean().length; i++) {
                    mean.add(s.mean()[i]);
                    std.add(s.std()[i]);
                }
            });
        });
    }

    /** Charts (one per metric and mode) and strips; returns the HTML section. Files go under {@code dir/prefix}. */
    /** The first {@code k} images at twice their size: the left column of the strips of maps along the cascade. */
    public static List<BufferedImage> thumbnails(CifarImages images, int k) {
        List<BufferedImage> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, images.size()); i++) {
            out.add(Pictures.image(images, i, 2));
        }
        return out;
    }

    public static String sanitySection(Path dir, String prefix, SanityCheck.Result r, List<BufferedImage> stripImages)
            throws IOException {
        Files.createDirectories(dir.resolve(prefix));
        StringBuilder b = new StringBuilder();
        b.append("<p class=note><b>How to read it.</b> Each line is a method; x counts the blocks randomised so far from the top")
                .append(" (cascading) or the single block randomised (independent); y is how similar the map stays to the trained")
                .append(" network's map. A method that explains the model should fall towards 0 as weights are randomised;")
                .append(" a line that stays high means the map does not depend on those weights.</p>");
        b.append("<p class=muted>Target <code>").append(Html.esc(r.target().spec())).append("</code>, ").append(r.images())
                .append(" images, neuron position ").append(r.position().name().toLowerCase(Locale.ROOT)).append(". ")
                .append(r.target().isNeuronTarget()
                        ? "Only the blocks at or below the target's layer are randomised: the layers above cannot change a neuron's map, so testing them would prove nothing."
                                + (r.position() == SanityCheck.Position.FROZEN ? " Both Spearman correlations are taken inside the neuron's receptive"
                                + " field: outside it every map of the neuron is exactly zero, and that shared empty surround would make any two maps"
                                + " look alike. SSIM and HOG are computed on the whole image and are inflated by it." : "")
                        : "The cascade starts at the logits.")
                .append("</p><div class=grid>");
        for (String mode : List.of("cascading", "independent")) {
            Map<String, Map<String, SanityCheck.Series>> data = mode.equals("cascading") ? r.cascade() : r.independent();
            List<String> labels = mode.equals("cascading") ? r.cascadeLabels() : r.independentLabels();
            for (int k = 0; k < MapComparison.METRICS.length; k++) {
                String metric = MapComparison.METRICS[k];
                LineChart.Builder chart = LineChart.builder()
                        .title(mode + " randomisation: " + MapComparison.METRIC_TITLES[k])
                        .xLabel(mode.equals("cascading") ? "randomised from the top down to" : "block randomised alone")
                        .yLabel("similarity to the trained map").xTicks(labels).yRange(metric.equals("ssim") ? 0 : -0.2, 1.05)
                        .size(560, 360);
                data.forEach((method, metrics) -> chart.series(method, metrics.get(metric).mean(), metrics.get(metric).std()));
                String file = prefix + "/" + mode + "-" + metric + ".png";
                chart.write(dir.resolve(file));
                b.append("<img src=\"").append(file).append("\" width=560 height=360 alt=\"").append(Html.esc(mode + " " + metric))
                        .append("\">");
            }
        }
        b.append("</div>");
        // Strips: per method, the maps of the first images at every cascade step.
        b.append("<h3>Maps along the cascade</h3><p class=note>Rows: methods; columns: the trained network, then each cascade")
                .append(" step. Normalisation <b>gray</b> (").append(Html.esc(Normalization.GRAY.description())).append(").</p>");
        for (int img = 0; img < r.stripImages(); img++) {
            List<BufferedImage> rows = new ArrayList<>();
            for (Map.Entry<String, List<float[][]>> e : r.strips().entrySet()) {
                List<BufferedImage> tiles = new ArrayList<>();
                List<String> captions = new ArrayList<>();
                if (stripImages != null && img < stripImages.size()) {
                    tiles.add(stripImages.get(img));
                    captions.add("image");
                }
                for (int s = 0; s < e.getValue().size(); s++) {
                    tiles.add(Pictures.map(e.getValue().get(s)[img], 3, 32, 32, Normalization.GRAY, 2));
                    captions.add(s == 0 ? e.getKey() : shortLabel(r.cascadeLabels().get(s)));
                }
                rows.add(Pictures.row(tiles, captions, List.of()));
            }
            String file = prefix + "/strip-" + img + ".png";
            Pictures.writePng(Pictures.grid(rows, 1, 2), dir.resolve(file));
            b.append("<img src=\"").append(file).append("\" alt=\"maps along the cascade, image ").append(img).append("\"><br>");
        }
        return b.toString();
    }

    private static String shortLabel(String s) {
        return s.length() > 8 ? s.substring(0, 8) : s;
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
        for (Faithfulness.Curve c : curves) {
            ObjectNode m = list.addObject();
            m.put("method", c.name());
            m.put("deletion_auc", c.deletionAuc());
            m.put("deletion_auc_std", c.deletionAucStd());
            m.put("insertion_auc", c.insertionAuc());
            m.put("insertion_auc_std", c.insertionAucStd());
            ArrayNode d = m.putArray("deletion_curve");
            for (double v : c.deletion()) {
                d.add(v);
            }
            ArrayNode in = m.putArray("insertion_curve");
            for (double v : c.insertion()) {
                in.add(v);
            }
        }
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), o);
    }

    public static String faithfulnessSection(Path dir, String prefix, Target target, int images, int step,
            List<Faithfulness.Curve> curves) throws IOException {
        Files.createDirectories(dir.resolve(prefix));
        StringBuilder b = new StringBuilder();
        b.append("<p class=note><b>How to read it.</b> Deletion removes the pixels a map ranks highest first (")
                .append(step).append(" per step, replaced by the mean colour): a faithful map makes the score fall fast, so lower")
                .append(" deletion AUC is better. Insertion puts them back into a blurred copy: the score should rise fast, so higher")
                .append(" insertion AUC is better. The random ranking is the floor to beat.</p>");
        b.append("<p class=muted>Target <code>").append(Html.esc(target.spec())).append("</code>, ").append(images)
                .append(" images; score: ").append(Html.esc(Faithfulness.scoreDescription(target))).append(".</p>");
        b.append("<table><tr><th style=\"text-align:left\">method</th><th>deletion AUC (lower is better)</th><th>insertion AUC (higher is better)</th></tr>");
        for (Faithfulness.Curve c : curves) {
            b.append(String.format(Locale.ROOT, "<tr><td style=\"text-align:left\">%s</td><td>%.4f &plusmn; %.4f</td><td>%.4f &plusmn; %.4f</td></tr>",
                    Html.esc(c.name()), c.deletionAuc(), c.deletionAucStd(), c.insertionAuc(), c.insertionAucStd()));
        }
        b.append("</table><div class=grid>");
        int points = curves.get(0).deletion().length;
        List<String> ticks = new ArrayList<>();
        for (int p = 0; p < points; p++) {
            ticks.add(p % 8 == 0 ? String.format(Locale.ROOT, "%.0f%%", 100.0 * Math.min(1024, p * step) / 1024) : "");
        }
        for (String kind : List.of("deletion", "insertion")) {
            double max = 0;
            for (Faithfulness.Curve c : curves) {
                for (double v : kind.equals("deletion") ? c.deletion() : c.insertion()) {
                    max = Math.max(max, v);
                }
            }
            LineChart.Builder chart = LineChart.builder().title(kind + " curves (mean over images)")
                    .xLabel("fraction of pixels " + (kind.equals("deletion") ? "deleted" : "inserted")).yLabel("score")
                    .xTicks(ticks).yRange(0, max * 1.05 + 1e-9).size(560, 360);
            for (Faithfulness.Curve c : curves) {
                chart.series(c.name(), kind.equals("deletion") ? c.deletion() : c.insertion(), null);
            }
            String file = prefix + "/" + kind + ".png";
            chart.write(dir.resolve(file));
            b.append("<img src=\"").append(file).append("\" width=560 height=360 alt=\"").append(kind).append(" curves\">");
        }
        b.append("</div>");
        return b.toString();
    }

    /** A whole standalone page around one section. */
    public static String page(String title, String subtitle, String body) {
        return Html.page(title, "<h1>" + Html.esc(title) + "</h1><p>" + Html.esc(subtitle) + "</p>", body);
    }
}
