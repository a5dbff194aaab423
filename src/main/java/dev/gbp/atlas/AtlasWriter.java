package dev.gbp.atlas;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gbp.io.AtlasLayout;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Writes an atlas into a folder: {@code atlas.json} (format {@value #FORMAT}), the Parquet table
 * {@value #TABLE}/ (one row per channel and rank, with the crops), the patches as PNG files under
 * {@value #PATCHES}/ and {@code atlas.html}, which shows them per channel as Zeiler and Fergus did.
 */
public final class AtlasWriter {
    /** The format name in {@code atlas.json}. */
    public static final String FORMAT = AtlasLayout.FORMAT;
    /** The Parquet table's folder. */
    public static final String TABLE = "atlas.parquet";
    /** The folder of patch pictures: {@code c<channel>-r<rank>-image.png} and {@code -map.png}. */
    public static final String PATCHES = AtlasLayout.PATCHES;
    /** Patches are drawn about this many pixels across. */
    static final int PATCH_SIZE = 64;

    private AtlasWriter() {}

    /** Writes everything into {@code dir} (which exists and is empty). */
    public static void write(Path dir, SparkSession spark, AtlasJob.Result r, AtlasSource source, String model)
            throws IOException {
        writeJson(dir.resolve(AtlasLayout.JSON), r, source, model);
        writeTable(dir.resolve(TABLE), spark, r, source);
        writePatches(dir, r);
        Files.writeString(dir.resolve("atlas.html"), html(r, source, model), StandardCharsets.UTF_8);
    }

    /** {@code atlas.json}: per channel its ranked images, positions and activations. */
    static void writeJson(Path file, AtlasJob.Result r, AtlasSource source, String model) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("model", model);
        root.put("layer", r.spec().layer(r.layer()).name());
        root.put("split", source.split());
        root.put("images", source.size());
        root.put("top", r.ranking().k());
        List<Object> channels = new ArrayList<>();
        for (int c = 0; c < r.ranking().channels(); c++) {
            List<Object> top = new ArrayList<>();
            for (TopK.Entry e : r.ranking().channel(c)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("image", source.id(e.image()));
                m.put("y", e.y());
                m.put("x", e.x());
                m.put("activation", e.activation());
                top.add(m);
            }
            Map<String, Object> ch = new LinkedHashMap<>();
            ch.put("channel", c);
            ch.put("top", top);
            channels.add(ch);
        }
        root.put("channels", channels);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }

    /** The Parquet table, written by Spark: one row per (channel, rank). */
    static void writeTable(Path dir, SparkSession spark, AtlasJob.Result r, AtlasSource source) {
        boolean named = source instanceof AtlasSource.Pictures;
        DataType imageType = named ? DataTypes.StringType : DataTypes.LongType;
        StructType schema = new StructType()
                .add("channel", DataTypes.IntegerType, false)
                .add("rank", DataTypes.IntegerType, false)
                .add("image", imageType, false)
                .add("y", DataTypes.IntegerType, false)
                .add("x", DataTypes.IntegerType, false)
                .add("activation", DataTypes.FloatType, false)
                .add("box_x0", DataTypes.IntegerType, false)
                .add("box_y0", DataTypes.IntegerType, false)
                .add("box_x1", DataTypes.IntegerType, false)
                .add("box_y1", DataTypes.IntegerType, false)
                .add("crop_channels", DataTypes.IntegerType, false)
                .add("crop_height", DataTypes.IntegerType, false)
                .add("crop_width", DataTypes.IntegerType, false)
                .add("map_crop", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("image_crop", DataTypes.BinaryType, false);
        List<Row> rows = new ArrayList<>(r.patches().size());
        for (Patch p : r.patches()) {
            Winner w = p.winner();
            Float[] map = new Float[p.map().length];
            for (int i = 0; i < map.length; i++) {
                map[i] = p.map()[i];
            }
            rows.add(RowFactory.create(w.channel(), w.rank(), source.id(w.image()), w.y(), w.x(), w.activation(),
                    p.box()[0], p.box()[1], p.box()[2], p.box()[3], p.channels(), p.height(), p.width(), map, p.pixels()));
        }
        Dataset<Row> table = spark.createDataFrame(rows, schema);
        table.coalesce(1).write().parquet(dir.toUri().toString());
    }

    /** Each winner's image crop and map crop as PNG files. */
    static void writePatches(Path atlas, AtlasJob.Result r) throws IOException {
        Files.createDirectories(atlas.resolve(PATCHES));
        for (Patch p : r.patches()) {
            Pictures.writePng(imagePatch(p), atlas.resolve(AtlasLayout.patch(p.winner().channel(), p.winner().rank(), false)));
            Pictures.writePng(mapPatch(p), atlas.resolve(AtlasLayout.patch(p.winner().channel(), p.winner().rank(), true)));
        }
    }

    /** The image crop, enlarged by nearest neighbour to about {@link #PATCH_SIZE} pixels. */
    static BufferedImage imagePatch(Patch p) {
        int scale = Math.max(1, PATCH_SIZE / Math.max(p.width(), p.height()));
        BufferedImage out = new BufferedImage(p.width() * scale, p.height() * scale, BufferedImage.TYPE_INT_RGB);
        int plane = p.width() * p.height();
        for (int y = 0; y < p.height(); y++) {
            for (int x = 0; x < p.width(); x++) {
                int k = y * p.width() + x;
                int r = p.pixels()[k] & 0xff;
                int g = p.channels() >= 3 ? p.pixels()[plane + k] & 0xff : r;
                int b = p.channels() >= 3 ? p.pixels()[2 * plane + k] & 0xff : r;
                int rgb = r << 16 | g << 8 | b;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        out.setRGB(x * scale + dx, y * scale + dy, rgb);
                    }
                }
            }
        }
        return out;
    }

    /** The map crop in the seed's colours (signed RGB min-max scaled on the crop), enlarged as the image crop. */
    static BufferedImage mapPatch(Patch p) {
        int scale = Math.max(1, PATCH_SIZE / Math.max(p.width(), p.height()));
        return Pictures.map(p.map(), p.channels(), p.height(), p.width(), Normalization.COLOR, scale);
    }

    /** The page: per channel its k image patches beside their reconstructions, channels sortable. */
    static String html(AtlasJob.Result r, AtlasSource source, String model) {
        String layer = r.spec().layer(r.layer()).name();
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Neuron atlas: ")
                .append(esc(layer)).append("</title>\n<style>\n")
                .append("body{font:14px system-ui,sans-serif;margin:24px;color:#1e1e1e;background:#fafafa}")
                .append("h1{font-size:20px;margin:0 0 4px}.sub{color:#555;margin-bottom:14px}")
                .append(".ch{display:inline-block;vertical-align:top;margin:0 14px 18px 0;padding:8px;background:#fff;")
                .append("border:1px solid #ddd;border-radius:6px}.ch h2{font-size:13px;margin:0 0 6px;font-weight:600}")
                .append(".grid{display:grid;grid-template-columns:repeat(3,").append(PATCH_SIZE).append("px);gap:2px}")
                .append(".pair{display:flex;gap:8px}.grid img{width:").append(PATCH_SIZE).append("px;height:")
                .append(PATCH_SIZE).append("px;image-rendering:pixelated;display:block}")
                .append("label{margin-right:8px}.cap{font-size:11px;color:#666;margin-top:4px}\n</style></head><body>\n");
        b.append("<h1>Neuron atlas of ").append(esc(layer)).append("</h1>\n<div class=\"sub\">")
                .append(esc(model)).append(" &middot; ").append(esc(source.describe())).append(" &middot; top ")
                .append(r.ranking().k()).append(" images per channel, ranked by the channel's maximum; left: the image")
                .append(" inside the winning neuron's receptive field, right: its guided backpropagation (signed RGB,")
                .append(" scaled per patch)</div>\n");
        b.append("<div class=\"sub\"><label for=\"sort\">Sort channels by</label><select id=\"sort\">")
                .append("<option value=\"channel\">channel</option><option value=\"top\">top activation</option>")
                .append("</select></div>\n<div id=\"channels\">\n");
        Map<Integer, List<Patch>> byChannel = new LinkedHashMap<>();
        for (Patch p : r.patches()) {
            byChannel.computeIfAbsent(p.winner().channel(), k -> new ArrayList<>()).add(p);
        }
        for (var e : byChannel.entrySet()) {
            int c = e.getKey();
            float best = e.getValue().get(0).winner().activation();
            b.append("<div class=\"ch\" data-channel=\"").append(c).append("\" data-top=\"")
                    .append(String.format(Locale.ROOT, "%.6g", best)).append("\"><h2>channel ").append(c)
                    .append(" &middot; top ").append(String.format(Locale.ROOT, "%.3g", best)).append("</h2>")
                    .append("<div class=\"pair\"><div class=\"grid\">");
            for (Patch p : e.getValue()) {
                b.append("<img src=\"").append(AtlasLayout.patch(c, p.winner().rank(), false))
                        .append("\" alt=\"\" title=\"").append(esc(title(p, source))).append("\">");
            }
            b.append("</div><div class=\"grid\">");
            for (Patch p : e.getValue()) {
                b.append("<img src=\"").append(AtlasLayout.patch(c, p.winner().rank(), true))
                        .append("\" alt=\"\" title=\"").append(esc(title(p, source))).append("\">");
            }
            b.append("</div></div></div>\n");
        }
        b.append("</div>\n<script>\ndocument.getElementById('sort').addEventListener('change', function () {\n")
                .append("  var box = document.getElementById('channels');\n")
                .append("  var items = Array.prototype.slice.call(box.children);\n")
                .append("  var byTop = this.value === 'top';\n")
                .append("  items.sort(function (a, b) { return byTop ? b.dataset.top - a.dataset.top")
                .append(" || a.dataset.channel - b.dataset.channel : a.dataset.channel - b.dataset.channel; });\n")
                .append("  items.forEach(function (el) { box.appendChild(el); });\n});\n</script>\n</body></html>\n");
        return b.toString();
    }

    private static String title(Patch p, AtlasSource source) {
        Winner w = p.winner();
        return String.format(Locale.ROOT, "rank %d: image %s, neuron (%d, %d, %d), activation %.4g", w.rank() + 1,
                source.id(w.image()), w.channel(), w.y(), w.x(), w.activation());
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
