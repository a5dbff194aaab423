package dev.gbp.explore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.GbpInputException;
import dev.gbp.io.AtlasLayout;
import dev.gbp.model.ModelException;
import dev.gbp.model.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A neuron atlas ({@code gbp atlas}'s output folder) as the explorer shows it: per channel of the atlas's layer, the
 * data set's top images with their patches. {@code atlas.json} is checked against the explorer's model (the layer
 * must exist with as many channels, every position inside it); patches are read on demand, by channel and rank only.
 */
public final class AtlasView {
    /** The largest {@code atlas.json} read (a 10,000-channel layer at top 100 takes about 60 MB). */
    static final long MAX_JSON_BYTES = 256L << 20;
    /** The largest patch picture served. */
    static final long MAX_PATCH_BYTES = 16L << 20;
    /** What {@code gbp atlas} writes, and the only format read. */
    static final String FORMAT = AtlasLayout.FORMAT;

    /**
     * What the page needs to know of the atlas.
     *
     * @param layer the layer's name
     * @param layerIndex its index in the model
     * @param model the model the atlas was made with, as its command named it
     * @param split the images it ranked: "test", "train", a file name, or "images" for a folder of pictures
     * @param images how many images it ranked
     * @param top images per channel
     * @param channels the layer's channels
     */
    public record Summary(String layer, int layerIndex, String model, String split, int images, int top, int channels) {}

    /** One of a channel's top images: its index or relative path, the neuron's position and activation, its rank. */
    public record Entry(int rank, Object image, int y, int x, float activation) {}

    /** A channel's top images, best first. */
    public record Channel(int channel, List<Entry> top) {}

    private final Path dir;
    private final Summary summary;
    private final List<Channel> channels;

    private AtlasView(Path dir, Summary summary, List<Channel> channels) {
        this.dir = dir;
        this.summary = summary;
        this.channels = channels;
    }

    /**
     * Reads an atlas folder for a model.
     *
     * @param dir the folder {@code gbp atlas --out} wrote
     * @param spec the model the explorer shows
     * @return the atlas
     * @throws GbpInputException naming the folder when it is no atlas, or one of a layer this model lacks or has in
     *     another shape
     */
    public static AtlasView read(Path dir, ModelSpec spec) {
        Path file = dir.resolve(AtlasLayout.JSON);
        JsonNode root;
        try {
            if (!Files.isRegularFile(file)) {
                throw new GbpInputException("--atlas " + GbpInputException.quote(dir.toString())
                        + ": no atlas.json there (give the folder gbp atlas --out wrote)");
            }
            if (Files.size(file) > MAX_JSON_BYTES) {
                throw new GbpInputException(file + ": " + Files.size(file) + " bytes, more than an atlas.json may have ("
                        + MAX_JSON_BYTES + ")");
            }
            try (InputStream in = Files.newInputStream(file)) {
                root = new ObjectMapper().readTree(in);
            }
        } catch (IOException e) {
            throw new GbpInputException(file + ": not readable as JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw new GbpInputException(file + ": not a " + FORMAT + " atlas (its \"format\" must be \"" + FORMAT + "\")");
        }
        String layerName = text(root, "layer", file);
        int layer;
        try {
            layer = spec.resolveLayer(layerName);
        } catch (ModelException e) {
            throw new GbpInputException(file + ": the atlas is of layer " + GbpInputException.quote(layerName)
                    + ", which this model does not have (was it made with another model?)");
        }
        long[] shape = spec.outputShape(layer);
        if (shape.length != 3) {
            throw new GbpInputException(file + ": layer " + GbpInputException.quote(layerName) + " has no feature maps in this model");
        }
        int top = integer(root, "top", file, 1, Integer.MAX_VALUE);
        JsonNode list = root.path("channels");
        if (!list.isArray() || list.size() != shape[0]) {
            throw new GbpInputException(file + ": the atlas has " + (list.isArray() ? list.size() : "no") + " channels, but "
                    + layerName + " has " + shape[0] + " in this model (was it made with another model?)");
        }
        List<Channel> channels = new ArrayList<>(list.size());
        for (int c = 0; c < list.size(); c++) {
            JsonNode ch = list.get(c);
            if (integer(ch, "channel", file, 0, Integer.MAX_VALUE) != c) {
                throw new GbpInputException(file + ": channel " + c + " is listed out of order");
            }
            JsonNode entries = ch.path("top");
            if (!entries.isArray() || entries.size() > top) {
                throw new GbpInputException(file + ": channel " + c + " needs a \"top\" list of at most " + top + " images");
            }
            List<Entry> out = new ArrayList<>(entries.size());
            for (int r = 0; r < entries.size(); r++) {
                JsonNode e = entries.get(r);
                JsonNode image = e.path("image");
                if (!image.isIntegralNumber() && !image.isTextual()) {
                    throw new GbpInputException(file + ": channel " + c + " rank " + r + " has no image index or path");
                }
                int y = integer(e, "y", file, 0, (int) shape[1] - 1);
                int x = integer(e, "x", file, 0, (int) shape[2] - 1);
                JsonNode a = e.path("activation");
                if (!a.isNumber() || !Double.isFinite(a.asDouble())) {
                    throw new GbpInputException(file + ": channel " + c + " rank " + r + " needs a finite activation");
                }
                out.add(new Entry(r, image.isTextual() ? image.asText() : (Object) image.asLong(), y, x,
                        (float) a.asDouble()));
            }
            channels.add(new Channel(c, List.copyOf(out)));
        }
        Summary summary = new Summary(spec.layer(layer).name(), layer, root.path("model").asText(""),
                root.path("split").asText(""), integer(root, "images", file, 0, Integer.MAX_VALUE), top, channels.size());
        return new AtlasView(dir, summary, List.copyOf(channels));
    }

    /**
     * What the atlas covers.
     *
     * @return its layer, images and size
     */
    public Summary summary() {
        return summary;
    }

    /**
     * A channel's top images.
     *
     * @param c the channel
     * @return its list, best first
     * @throws GbpInputException when the layer has no channel {@code c}
     */
    public Channel channel(int c) {
        if (c < 0 || c >= channels.size()) {
            throw GbpInputException.parameter("c", "must be a channel of " + summary.layer() + ", 0.." + (channels.size() - 1)
                    + ", got " + c);
        }
        return channels.get(c);
    }

    /**
     * A patch picture the atlas wrote: the image inside the neuron's receptive field, or its guided backpropagation.
     *
     * @param c the channel
     * @param rank the rank, from 0
     * @param map the reconstruction (true) or the image (false)
     * @return the PNG's bytes
     * @throws GbpInputException for a channel or rank the atlas does not have, or a patch missing from its folder
     */
    public byte[] patchPng(int c, int rank, boolean map) {
        Channel ch = channel(c);
        if (rank < 0 || rank >= ch.top().size()) {
            throw GbpInputException.parameter("r", "must be a rank of channel " + c + ", 0.." + (ch.top().size() - 1)
                    + ", got " + rank);
        }
        // The name is made of two checked integers: no part of a request reaches the path.
        Path file = dir.resolve(AtlasLayout.patch(c, rank, map));
        try {
            if (Files.size(file) > MAX_PATCH_BYTES) {
                throw new GbpInputException(file + ": larger than a patch may be (" + MAX_PATCH_BYTES + " bytes)");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new GbpInputException("the atlas has no patch " + file.getFileName() + " (its patches folder is incomplete)");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String text(JsonNode node, String field, Path file) {
        JsonNode v = node.path(field);
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new GbpInputException(file + ": \"" + field + "\" must be a non-empty string");
        }
        return v.asText();
    }

    private static int integer(JsonNode node, String field, Path file, int min, int max) {
        JsonNode v = node.path(field);
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw new GbpInputException(file + ": \"" + field + "\" must be a whole number in " + min + ".." + max
                    + ", got " + GbpInputException.quote(v.isMissingNode() ? "nothing" : v.toString()));
        }
        return v.asInt();
    }
}
