package dev.gbp.report;

import dev.gbp.attr.AttributionResult;
import java.util.Locale;

/** The {@code index.html} gallery of {@code gbp explain}: one card per image, self-contained. */
final class GalleryPage {
    private GalleryPage() {}

    static String render(ExplainRun run) {
        AttributionResult r = run.result();
        StringBuilder h = new StringBuilder();
        h.append("<h1>").append(Html.esc(r.method())).append(" &middot; ").append(Html.esc(r.target().spec())).append("</h1><p>model ")
                .append(Html.esc(run.modelPath())).append(" &middot; ").append(r.size()).append(" images &middot; normalisation <b>")
                .append(run.normalization().id()).append("</b>: ").append(Html.esc(run.normalization().description()))
                .append("</p><p>Maps: ").append(Html.esc(ExplainWriter.MAP_MEANING)).append(" (maps.npy); metadata in index.json and index.csv.</p>");
        StringBuilder b = new StringBuilder("<div class=grid>");
        boolean anyLabel = false;
        for (int i = 0; i < r.size(); i++) {
            boolean known = run.images().label(i) >= 0;
            anyLabel |= known;
            boolean right = known && run.images().label(i) == r.predicted(i);
            // The picture itself names the image, its label, the prediction and the neuron; the page adds only the
            // verdict (the card's edge) and a zero activation's warning, and says the rest in the tooltip and alt text.
            String about = run.sources().get(i) + " \u00b7 " + run.labelName(i) + " \u2192 " + run.predictedName(i)
                    + String.format(Locale.ROOT, " %.2f", r.probability(i)) + " \u00b7 "
                    + ExplainWriter.describeChoice(run, r.choice(i)).trim();
            b.append("<div class=\"card ").append(known ? (right ? "right" : "wrong") : "unlabelled").append("\" title=\"")
                    .append(Html.esc(about)).append("\"><img loading=lazy src=\"").append(run.pictureFile(i))
                    .append("\" alt=\"").append(Html.esc(about)).append("\">")
                    .append(r.choice(i).isZero() ? "<div><b>zero activation: empty map</b></div>" : "").append("</div>");
        }
        if (anyLabel) {
            h.append("<p>Each picture names its image, label, prediction and neuron; a card's left edge is green where the "
                    + "prediction is right, red where it is wrong.</p>");
        }
        b.append("</div>");
        return Html.page("gbp explain: " + r.method() + " " + r.target().spec(), h.toString(), b.toString());
    }
}
