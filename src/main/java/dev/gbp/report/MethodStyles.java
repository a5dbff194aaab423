package dev.gbp.report;

import dev.gbp.metrics.LineChart;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One colour and dash per method, the same in every chart gbp draws (sanity checks, faithfulness, the
 * report), so that a method never changes colour between charts. Colours are the Okabe-Ito palette
 * (distinguishable with the common colour-vision deficiencies); methods of one family share a colour
 * and differ by dash (SmoothGrad and its variants), and the random ranking is grey and dashed.
 */
public final class MethodStyles {
    private static final Map<String, LineChart.Style> STYLES = new LinkedHashMap<>();

    static {
        STYLES.put("guided", LineChart.Style.solid(0x0072B2));
        STYLES.put("gradient", LineChart.Style.solid(0xD55E00));
        STYLES.put("deconvnet", LineChart.Style.solid(0x009E73));
        STYLES.put("gradcam", LineChart.Style.solid(0xE69F00));
        STYLES.put("guided-gradcam", LineChart.Style.solid(0xCC79A7));
        STYLES.put("smoothgrad", LineChart.Style.solid(0x56B4E9));
        STYLES.put("smoothgrad-sq", LineChart.Style.dashed(0x56B4E9));
        STYLES.put("vargrad", LineChart.Style.dotted(0x56B4E9));
        STYLES.put("integrated-gradients", LineChart.Style.solid(0x000000));
        // Dashed: its curves often lie on integrated gradients' (both multiply by the image), and the dash shows both.
        STYLES.put("input-x-gradient", LineChart.Style.dashed(0x882255));
        STYLES.put("random", LineChart.Style.dashed(0x7F7F7F));
    }

    /** Colours for names outside the list above, dashed so they are not taken for one of its methods. */
    private static final int[] SPARE = {0x0072B2, 0xD55E00, 0x009E73, 0xE69F00, 0xCC79A7, 0x000000};

    private MethodStyles() {}

    /** The style of {@code method}; a name gbp does not know gets a dashed spare colour picked by its hash. */
    public static LineChart.Style of(String method) {
        LineChart.Style s = STYLES.get(method.toLowerCase(Locale.ROOT));
        return s != null ? s : LineChart.Style.dashed(SPARE[Math.floorMod(method.hashCode(), SPARE.length)]);
    }

    /** "#rrggbb" of a method's colour, for HTML. */
    public static String hex(String method) {
        return String.format(Locale.ROOT, "#%06X", of(method).color().getRGB() & 0xFFFFFF);
    }

    /**
     * An HTML legend of {@code methods}: a short line in each one's colour and dash, drawn as inline
     * SVG so that the page stays self-contained.
     */
    public static String htmlLegend(List<String> methods) {
        StringBuilder b = new StringBuilder("<p class=legend><span class=muted>Colours, the same in every chart:</span>");
        for (String m : methods) {
            LineChart.Style s = of(m);
            String dash = "";
            if (s.dash() != null) {
                StringBuilder d = new StringBuilder();
                for (float v : s.dash()) {
                    d.append(d.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f", v));
                }
                dash = " stroke-dasharray=\"" + d + "\"";
            }
            b.append("<span class=key><svg width=26 height=10 aria-hidden=true><line x1=1 y1=5 x2=25 y2=5 stroke=\"")
                    .append(hex(m)).append("\" stroke-width=2.5").append(dash).append(" stroke-linecap=")
                    .append(s.dash() != null && s.dash()[0] < 2 ? "round" : "butt").append("/></svg>")
                    .append(Html.esc(m)).append("</span>");
        }
        return b.append("</p>").toString();
    }
}
