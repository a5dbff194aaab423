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
        for (int i = 0; i < r.size(); i++) {
            boolean known = run.images().label(i) >= 0;
            boolean right = known && run.images().label(i) == r.predicted(i);
            b.append("<div class=card><img loading=lazy src=\"").append(run.pictureFile(i)).append("\" alt=\"image ").append(i)
                    .append("\"><div>").append(Html.esc(run.sources().get(i))).append(" &middot; ")
                    .append(Html.esc(run.labelName(i))).append(" &rarr; <span class=").append(known ? (right ? "ok" : "bad") : "muted")
                    .append(">").append(Html.esc(run.predictedName(i)))
                    .append(String.format(Locale.ROOT, " %.2f", r.probability(i))).append("</span></div><div class=muted>")
                    .append(Html.esc(ExplainWriter.describeChoice(run, r.choice(i)).trim()))
                    .append(r.choice(i).isZero() ? " &middot; <b>zero activation: empty map</b>" : "").append("</div></div>");
        }
        b.append("</div>");
        return Html.page("gbp explain: " + r.method() + " " + r.target().spec(), h.toString(), b.toString());
    }
}
