package dev.gbp.report;

import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.NeuronChoice;
import java.util.List;
import java.util.Locale;

/**
 * The demo's {@code index.html}: the seed experiment laid out like its figures, a section per class
 * (ships, aeroplanes, trucks, horses, dogs, deer, frogs, birds, cars, cats), each card showing the
 * image with the neuron's receptive field, the guided map, and the gradient and deconvnet maps.
 */
public final class DemoPage {
    /** The seed's figure order, as class indices of CIFAR-10. */
    public static final int[] SEED_ORDER = {8, 0, 9, 7, 5, 4, 6, 2, 1, 3};
    public static final String TOP_CRITERION = "the 25 images whose chosen conv3 neuron has the largest activation "
            + "(ties: lower image index first)";

    private DemoPage() {}

    /**
     * @param guided the main run (guided backprop)
     * @param top positions of the top-25 images, in rank order
     * @param tiles per image, the tile file names: image, guided, gradient, deconvnet
     */
    public static String render(ExplainRun guided, AttributionResult gradient, AttributionResult deconvnet, int[] top,
            List<String[]> tiles, String reportLink, double seconds) {
        AttributionResult r = guided.result();
        StringBuilder h = new StringBuilder();
        h.append("<h1>What the most active conv3 neuron sees</h1>")
                .append("<p>Guided backpropagation on ").append(Html.esc(guided.modelPath())).append(", first ").append(r.size())
                .append(" CIFAR-10 test images. Per image the neuron with the largest activation in <code>")
                .append(Html.esc(r.target().spec().replace("max-neuron:", ""))).append("</code> (after its ReLU) is kept, every other neuron of")
                .append(" that layer is set to zero, and its activation is propagated back to the pixels; every ReLU passes a")
                .append(" gradient only where the incoming gradient and the forward input are both positive.</p>")
                .append("<p>Normalisation <b>").append(guided.normalization().id()).append("</b> (")
                .append(Html.esc(guided.normalization().description())).append(") on every map. The box on each image is the neuron's")
                .append(" receptive field. ").append(String.format(Locale.ROOT, "Computed in %.1f s.", seconds)).append("</p>");
        StringBuilder b = new StringBuilder();
        b.append("<nav><a href=\"#top25\">top 25</a>");
        for (int k : SEED_ORDER) {
            b.append("<a href=\"#class-").append(k).append("\">").append(Html.esc(guided.spec().classes().get(k))).append("</a>");
        }
        b.append("<a href=\"contact-sheet.png\">contact sheet</a><a href=\"index.json\">index.json</a><a href=\"maps.npy\">maps.npy</a>");
        if (reportLink != null) {
            b.append("<a href=\"").append(Html.esc(reportLink)).append("\">full report</a>");
        }
        b.append("</nav>");
        if (reportLink == null) {
            b.append("<p class=muted>The full report (other methods, controls, sanity checks, faithfulness) is made by")
                    .append(" <code>./gbp report</code>; when it sits beside this folder, this page links to it.</p>");
        }
        b.append("<p class=note><b>How to read a card.</b> Left, the image with the chosen neuron's receptive field (the box);")
                .append(" the guided backpropagation map; both zoomed on the receptive field (\"field\", the map normalised on the")
                .append(" crop alone), which is all the neuron can see; then the plain gradient and the deconvnet map for the same neuron. Guided maps are sharp")
                .append(" because two masks stack up at every ReLU; the plain gradient is noisier, deconvnet ignores the forward")
                .append(" mask. A sharp picture is not proof of what the network uses for its decision: guided backprop is known to")
                .append(" be nearly blind to the class and to the upper layers' weights (Adebayo et al. 2018), which the full report")
                .append(" tests.</p>");
        b.append("<h2 id=top25>Top 25</h2><p class=note>Picked by a fixed rule, not by hand: ").append(Html.esc(TOP_CRITERION))
                .append(".</p><div class=grid>");
        for (int i : top) {
            card(b, guided, gradient, deconvnet, i, tiles.get(i));
        }
        b.append("</div>");
        for (int k : SEED_ORDER) {
            b.append("<h2 id=\"class-").append(k).append("\">").append(Html.esc(plural(guided.spec().classes().get(k)))).append("</h2><div class=grid>");
            int count = 0;
            for (int i = 0; i < r.size(); i++) {
                if (guided.images().label(i) == k) {
                    card(b, guided, gradient, deconvnet, i, tiles.get(i));
                    count++;
                }
            }
            if (count == 0) {
                b.append("<p class=muted>none among these images</p>");
            }
            b.append("</div>");
        }
        return Html.page("gbp demo: guided backpropagation of the most active conv3 neuron", h.toString(), b.toString());
    }

    private static void card(StringBuilder b, ExplainRun run, AttributionResult gradient, AttributionResult deconvnet, int i,
            String[] tile) {
        AttributionResult r = run.result();
        NeuronChoice c = r.choice(i);
        boolean right = run.images().label(i) == r.predicted(i);
        b.append("<div class=card><div class=tiles>");
        String[] captions = {"image", "guided", "image, field", "guided, field", "gradient", "deconvnet"};
        for (int t = 0; t < tile.length; t++) {
            b.append("<figure><img src=\"").append(tile[t]).append("\" height=96 alt=\"").append(captions[t])
                    .append("\"><figcaption>").append(captions[t]).append("</figcaption></figure>");
        }
        b.append("</div><div>#").append(run.datasetIndex()[i]).append(" ").append(Html.esc(run.labelName(i)))
                .append(" &rarr; <span class=").append(right ? "ok" : "bad").append(">").append(Html.esc(run.predictedName(i)))
                .append(String.format(Locale.ROOT, " %.2f", r.probability(i))).append("</span></div><div class=muted>")
                .append(String.format(Locale.ROOT, "neuron (c=%d, y=%d, x=%d), activation %.3g, gap %.3g", c.c(), c.y(), c.x(),
                        c.activation(), c.gap()))
                .append(c.isZero() ? " &middot; <b>zero activation</b>" : "").append("</div></div>");
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
