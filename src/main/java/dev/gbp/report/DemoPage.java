package dev.gbp.report;

import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.NeuronChoice;
import dev.gbp.model.ReceptiveField;
import dev.gbp.attr.Target;
import dev.gbp.model.LayerType;
import dev.gbp.model.ModelSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's {@code index.html}: the seed experiment laid out like its figures, a section per class
 * (ships, aeroplanes, trucks, horses, dogs, deer, frogs, birds, cars, cats), each card showing the image
 * and its guided reconstruction side by side, large, with the neuron's receptive field outlined; below
 * them the zooms on the field and the gradient and deconvnet maps of the same neuron. A section on
 * border neurons shows what choosing only interior neurons changes.
 */
public final class DemoPage {
    /** The seed's figure order, as class indices of CIFAR-10. */
    public static final int[] SEED_ORDER = {8, 0, 9, 7, 5, 4, 6, 2, 1, 3};

    /**
     * The neurons the other rule picks (interior when the main run took any neuron, and the reverse),
     * with the tile files (image, guided map) of each image where it picks another neuron.
     */
    public record Border(AttributionResult alternative, Map<Integer, String[]> tiles) {}

    private DemoPage() {}

    /** The rule that picks the top 25, as the page states it. */
    public static String topCriterion(String layer) {
        return "the 25 images whose chosen " + layer + " neuron has the largest activation (ties: lower image index first)";
    }

    /**
     * @param guided the main run (guided backprop)
     * @param top positions of the top-25 images, in rank order
     * @param tiles per image, the tile file names: image, guided, image field, guided field, gradient, deconvnet
     */
    public static String render(ExplainRun guided, AttributionResult gradient, AttributionResult deconvnet, int[] top,
            List<String[]> tiles, Border border, String reportLink, double seconds) {
        AttributionResult r = guided.result();
        ModelSpec spec = guided.spec();
        String layer = Target.layerLabel(spec, r.choice(0).layer());
        boolean interior = r.target() instanceof Target.MaxNeuron mn && mn.interior();
        StringBuilder h = new StringBuilder();
        h.append("<h1>What the most active ").append(Html.esc(layer)).append(" neuron sees</h1>")
                .append("<p>Network <b>").append(Html.esc(networkName(guided.modelPath()))).append("</b> (")
                .append(Html.esc(guided.modelPath())).append("): ").append(Html.esc(describe(spec))).append(".</p>")
                .append("<p>").append(Html.esc(fieldSentence(spec, r.choice(0).layer(), layer))).append("</p>")
                .append("<p>Guided backpropagation on the first ").append(r.size())
                .append(" CIFAR-10 test images. Per image the neuron with the largest activation in <code>")
                .append(Html.esc(layer)).append("</code> (after its ReLU)")
                .append(interior ? ", among the neurons whose receptive field lies at least half inside the image," : "")
                .append(" is kept, every other neuron of that layer is set to zero, and its activation is propagated back to")
                .append(" the pixels; every ReLU passes a gradient only where the incoming gradient and the forward input are")
                .append(" both positive.</p>")
                .append("<p>Normalisation <b>").append(guided.normalization().id()).append("</b> (")
                .append(Html.esc(guided.normalization().description())).append(") on every map. The gold box is the neuron's")
                .append(" receptive field. ").append(String.format(Locale.ROOT, "Computed in %.1f s.", seconds)).append("</p>");
        StringBuilder b = new StringBuilder();
        b.append("<nav>");
        for (int k : SEED_ORDER) {
            b.append("<a href=\"#class-").append(k).append("\">").append(Html.esc(plural(spec.classes().get(k)))).append("</a>");
        }
        b.append("<a href=\"#top25\">top 25</a><a href=\"#border\">border neurons</a>")
                .append("<a href=\"contact-sheet.png\">contact sheet</a><a href=\"index.json\">index.json</a>")
                .append("<a href=\"maps.npy\">maps.npy</a>");
        if (reportLink != null) {
            b.append("<a href=\"").append(Html.esc(reportLink)).append("\">full report</a>");
        }
        b.append("</nav>");
        if (reportLink == null) {
            b.append("<p class=muted>The full report (other methods, controls, sanity checks, faithfulness) is made by")
                    .append(" <code>./gbp report</code>; when it sits beside this folder, this page links to it.</p>");
        }
        b.append("<p class=note><b>How to read a card.</b> The image with the chosen neuron's receptive field (the gold box)")
                .append(" and, beside it, the guided backpropagation map: what in the image drives that neuron. Below, both")
                .append(" zoomed on the field (the map normalised on the crop alone), then the plain gradient and the deconvnet")
                .append(" map of the same neuron. Guided maps are sharp because two masks stack up at every ReLU; the plain")
                .append(" gradient is noisier, deconvnet ignores the forward mask. A sharp picture is not proof of what the")
                .append(" network uses for its decision: guided backprop is known to be nearly blind to the class and to the")
                .append(" upper layers' weights (Adebayo et al. 2018), which the full report tests.</p>");
        for (int k : SEED_ORDER) {
            b.append("<h2 id=\"class-").append(k).append("\">").append(Html.esc(plural(spec.classes().get(k))))
                    .append("</h2><div class=grid>");
            int count = 0;
            for (int i = 0; i < r.size(); i++) {
                if (guided.images().label(i) == k) {
                    card(b, guided, i, tiles.get(i));
                    count++;
                }
            }
            if (count == 0) {
                b.append("<p class=muted>none among these images</p>");
            }
            b.append("</div>");
        }
        b.append("<h2 id=top25>Top 25</h2><p class=note>Picked by a fixed rule, not by hand: ")
                .append(Html.esc(topCriterion(layer))).append(".</p><div class=grid>");
        for (int i : top) {
            card(b, guided, i, tiles.get(i));
        }
        b.append("</div>");
        borderSection(b, guided, border, interior);
        return Html.page("gbp demo: guided backpropagation of the most active " + layer + " neuron", h.toString(), b.toString());
    }

    /** The bundle's folder name, e.g. {@code cifar10-seed}. */
    static String networkName(String modelPath) {
        Path p = Path.of(modelPath).toAbsolutePath().normalize().getFileName();
        return p == null ? modelPath : p.toString();
    }

    /** "3 conv layers, 3 ReLUs, 3 max-pools, 14 layers, input 3 x 32 x 32". */
    static String describe(ModelSpec spec) {
        int convs = 0;
        int relus = 0;
        int pools = 0;
        for (var l : spec.layers()) {
            convs += l.type() == LayerType.CONV2D ? 1 : 0;
            relus += l.type() == LayerType.RELU ? 1 : 0;
            pools += l.type() == LayerType.MAXPOOL2D || l.type() == LayerType.AVGPOOL2D ? 1 : 0;
        }
        int[] in = spec.input();
        return String.format(Locale.ROOT, "%d conv layers, %d ReLUs, %d pooling layers, %d layers in all; input %d x %d x %d",
                convs, relus, pools, spec.layers().size(), in[0], in[1], in[2]);
    }

    /** What a neuron of the layer sees: its receptive field, in pixels, at the centre of the image. */
    static String fieldSentence(ModelSpec spec, int layerIndex, String layer) {
        long[] s = spec.outputShape(layerIndex);
        int h = s.length == 3 ? (int) s[1] : 1;
        int w = s.length == 3 ? (int) s[2] : 1;
        ReceptiveField.Field f = ReceptiveField.field(spec, layerIndex, h / 2, w / 2);
        int[] in = spec.input();
        int interior = 0;
        for (boolean ok : ReceptiveField.interior(spec, layerIndex)) {
            interior += ok ? 1 : 0;
        }
        return String.format(Locale.ROOT, "Each neuron of %s sees %d x %d px of the %d x %d image (its receptive field); the"
                + " layer's output is %d x %d positions. Near the border part of a field lies in the zero padding: %d of the"
                + " %d positions have at least half of their field inside the image.", layer, f.fieldWidth(), f.fieldHeight(),
                in[2], in[1], h, w, interior, h * w);
    }

    private static void card(StringBuilder b, ExplainRun run, int i, String[] tile) {
        AttributionResult r = run.result();
        NeuronChoice c = r.choice(i);
        boolean right = run.images().label(i) == r.predicted(i);
        b.append("<div class=card><div class=tiles>");
        figure(b, tile[0], "image", 128);
        figure(b, tile[1], "guided", 128);
        b.append("</div><div class=tiles>");
        String[] captions = {"field", "guided, field", "gradient", "deconvnet"};
        for (int t = 0; t < captions.length; t++) {
            figure(b, tile[2 + t], captions[t], 64);
        }
        b.append("</div><div>#").append(run.datasetIndex()[i]).append(" ").append(Html.esc(run.labelName(i)))
                .append(" &rarr; <span class=").append(right ? "ok" : "bad").append(">").append(Html.esc(run.predictedName(i)))
                .append(String.format(Locale.ROOT, " %.2f", r.probability(i))).append("</span></div><div class=muted>")
                .append(String.format(Locale.ROOT, "neuron (c=%d, y=%d, x=%d), activation %.3g, gap %.3g", c.c(), c.y(), c.x(),
                        c.activation(), c.gap()))
                .append(c.isZero() ? " &middot; <b>zero activation</b>" : "").append("<br>")
                .append(Html.esc(fieldNote(run.spec(), c))).append("</div></div>");
    }

    /** "field 26 x 26 px, 58% inside the image" or "field inside the image". */
    static String fieldNote(ModelSpec spec, NeuronChoice c) {
        ReceptiveField.Field f = ReceptiveField.field(spec, c.layer(), c.y(), c.x());
        if (!f.isClipped()) {
            return String.format(Locale.ROOT, "field %d x %d px, inside the image", f.fieldWidth(), f.fieldHeight());
        }
        return String.format(Locale.ROOT, "field %d x %d px, clipped: %.0f%% inside the image", f.fieldWidth(), f.fieldHeight(),
                100 * f.insideFraction());
    }

    private static void figure(StringBuilder b, String file, String caption, int height) {
        b.append("<figure><img src=\"").append(file).append("\" height=").append(height).append(" alt=\"").append(caption)
                .append("\" loading=lazy><figcaption>").append(caption).append("</figcaption></figure>");
    }

    private static void borderSection(StringBuilder b, ExplainRun run, Border border, boolean interior) {
        AttributionResult r = run.result();
        AttributionResult plain = interior ? border.alternative() : r;
        int clipped = 0;
        int mostlyOutside = 0;
        for (int i = 0; i < plain.size(); i++) {
            ReceptiveField.Field f = ReceptiveField.field(run.spec(), plain.choice(i).layer(), plain.choice(i).y(), plain.choice(i).x());
            clipped += f.isClipped() ? 1 : 0;
            mostlyOutside += f.insideFraction() < ReceptiveField.INTERIOR_FRACTION ? 1 : 0;
        }
        b.append("<h2 id=border>Border neurons and <code>--interior</code></h2><p class=note>")
                .append(String.format(Locale.ROOT, "Taking any neuron, as the seed experiment does, %d of the %d chosen neurons have a"
                        + " receptive field clipped by the image border, and %d of them see more zero padding than image (less than"
                        + " half of the field inside). Such a neuron can respond to the frame rather than to the object."
                        + " <code>gbp demo --interior</code> (and the target <code>max-interior-neuron:&lt;layer&gt;</code>) chooses"
                        + " only among neurons whose field lies at least half inside the image. ", clipped, plain.size(), mostlyOutside))
                .append(interior ? "This demo ran with <code>--interior</code>; below, left the interior neuron it chose, right the"
                        + " neuron the seed's rule would have taken." : "Below, left the neuron chosen here, right the interior neuron"
                        + " <code>--interior</code> takes instead.")
                .append(" Every other image keeps the same neuron either way.</p>");
        if (border.tiles().isEmpty()) {
            b.append("<p class=muted>No image changes its neuron.</p>");
            return;
        }
        b.append("<div class=grid>");
        for (var e : border.tiles().entrySet()) {
            int i = e.getKey();
            NeuronChoice a = r.choice(i);
            NeuronChoice o = border.alternative().choice(i);
            b.append("<div class=card><div class=tiles>");
            figure(b, String.format(Locale.ROOT, "tiles/%04d-image.png", i), interior ? "interior" : "any", 96);
            figure(b, String.format(Locale.ROOT, "tiles/%04d-guided.png", i), "guided", 96);
            figure(b, e.getValue()[0], interior ? "any" : "interior", 96);
            figure(b, e.getValue()[1], "guided", 96);
            b.append("</div><div>#").append(run.datasetIndex()[i]).append(" ").append(Html.esc(run.labelName(i)))
                    .append("</div><div class=muted>")
                    .append(String.format(Locale.ROOT, "(%d, %d, %d) act %.3g, %s | (%d, %d, %d) act %.3g, %s", a.c(), a.y(), a.x(),
                            a.activation(), insidePercent(run.spec(), a), o.c(), o.y(), o.x(), o.activation(),
                            insidePercent(run.spec(), o)))
                    .append("</div></div>");
        }
        b.append("</div>");
    }

    private static String insidePercent(ModelSpec spec, NeuronChoice c) {
        return String.format(Locale.ROOT, "%.0f%% inside",
                100 * ReceptiveField.field(spec, c.layer(), c.y(), c.x()).insideFraction());
    }

    private static String plural(String cls) {
        switch (cls) {
            case "airplane":
                return "Aeroplanes";
            case "automobile":
                return "Cars";
            case "deer":
                return "Deer";
            default:
                return Character.toUpperCase(cls.charAt(0)) + cls.substring(1) + (cls.endsWith("s") ? "es" : "s");
        }
    }
}
