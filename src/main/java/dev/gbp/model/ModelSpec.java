package dev.gbp.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.io.FileErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The contents of {@code model.json}: input shape, class names, input normalisation and an ordered
 * list of layers. Construction validates the whole network: names are unique, and every layer's
 * sizes chain with the shape that reaches it.
 */
public final class ModelSpec {
    public static final String FORMAT = "gbp-model/1";

    private final int[] input;
    private final List<String> classes;
    private final float[] mean;
    private final float[] std;
    private final List<LayerSpec> layers;
    private final List<long[]> outputShapes;

    public ModelSpec(int[] input, List<String> classes, float[] mean, float[] std, List<LayerSpec> layers) {
        if (input.length != 3 || input[0] < 1 || input[1] < 1 || input[2] < 1) {
            throw new ModelException("\"input\" must be [channels, height, width] with positive sizes, got "
                    + Arrays.toString(input));
        }
        if (mean.length != input[0] || std.length != input[0]) {
            throw new ModelException("\"normalize\" needs one mean and one std per input channel ("
                    + input[0] + ")");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new ModelException("\"normalize\": every std must be positive, got " + Arrays.toString(std));
            }
        }
        if (layers.isEmpty()) {
            throw new ModelException("\"layers\" is empty");
        }
        this.input = input.clone();
        this.classes = List.copyOf(classes);
        this.mean = mean.clone();
        this.std = std.clone();
        this.layers = List.copyOf(layers);
        checkNames();
        this.outputShapes = inferShapes();
        long[] last = outputShapes.get(outputShapes.size() - 1);
        if (last.length != 1 || last[0] != classes.size()) {
            throw new ModelException("the network ends with shape " + Arrays.toString(last) + " but there are "
                    + classes.size() + " classes (the last layer must output one score per class)");
        }
    }

    public int[] input() {
        return input.clone();
    }

    public List<String> classes() {
        return classes;
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    public List<LayerSpec> layers() {
        return layers;
    }

    public LayerSpec layer(int i) {
        return layers.get(i);
    }

    /** The output shape of layer {@code i}, without the batch axis. */
    public long[] outputShape(int i) {
        return outputShapes.get(i).clone();
    }

    /** The same network with other normalisation constants. */
    public ModelSpec withNormalization(float[] newMean, float[] newStd) {
        return new ModelSpec(input, classes, newMean, newStd, layers);
    }

    /**
     * The seed experiment's layer: the first ReLU after the third convolution (for a network with fewer
     * convolutions, the first ReLU after the last one). It is {@code conv3_relu} in the shipped networks.
     *
     * @throws ModelException if the network has no ReLU after a convolution
     */
    public int seedLayer() {
        int convs = 0;
        int lastConv = -1;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).type() == LayerType.CONV2D && ++convs <= 3) {
                lastConv = i;
            }
        }
        for (int i = lastConv + 1; lastConv >= 0 && i < layers.size(); i++) {
            if (layers.get(i).type() == LayerType.RELU) {
                return i;
            }
        }
        throw new ModelException("the network has no ReLU after a convolution, so it has no seed layer: name a layer");
    }

    /** The seed layer's name, or its index when it has none (a form {@link #resolveLayer} takes). */
    public String seedLayerRef() {
        int i = seedLayer();
        return layers.get(i).name() != null ? layers.get(i).name() : Integer.toString(i);
    }

    /**
     * Resolves a layer reference: a layer name, or a 0-based index.
     *
     * @throws ModelException naming the reference and the layers there are
     */
    public int resolveLayer(String ref) {
        String r = ref.trim();
        for (int i = 0; i < layers.size(); i++) {
            if (r.equals(layers.get(i).name())) {
                return i;
            }
        }
        if (r.matches("\\d+")) {
            int i = Integer.parseInt(r);
            if (i < layers.size()) {
                return i;
            }
            throw new ModelException("layer index " + i + " is out of range: the network has " + layers.size()
                    + " layers (0.." + (layers.size() - 1) + ")");
        }
        List<String> names = new ArrayList<>();
        for (LayerSpec l : layers) {
            if (l.name() != null) {
                names.add(l.name());
            }
        }
        throw new ModelException("no layer named '" + r + "' (named layers: " + String.join(", ", names)
                + "; or give a 0-based index)");
    }

    private void checkNames() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < layers.size(); i++) {
            String n = layers.get(i).name();
            if (n != null && !seen.add(n)) {
                throw new ModelException(layers.get(i).describe(i) + ": duplicate layer name '" + n + "'");
            }
        }
    }

    private List<long[]> inferShapes() {
        List<long[]> shapes = new ArrayList<>();
        long[] s = {input[0], input[1], input[2]};
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            String where = l.describe(i);
            switch (l.type()) {
                case CONV2D: {
                    need4d(s, where);
                    if (s[0] != l.inChannels()) {
                        throw new ModelException(where + ": in_channels is " + l.inChannels() + " but " + s[0]
                                + " channels reach it");
                    }
                    s = new long[] {l.outChannels(), window(s[1], l.kernel()[0], l.stride()[0], l.padding()[0], where),
                        window(s[2], l.kernel()[1], l.stride()[1], l.padding()[1], where)};
                    break;
                }
                case MAXPOOL2D:
                case AVGPOOL2D:
                    need4d(s, where);
                    s = new long[] {s[0], window(s[1], l.kernel()[0], l.stride()[0], l.padding()[0], where),
                        window(s[2], l.kernel()[1], l.stride()[1], l.padding()[1], where)};
                    break;
                case GLOBAL_AVGPOOL:
                    need4d(s, where);
                    s = new long[] {s[0]};
                    break;
                case FLATTEN:
                    s = new long[] {Arrays.stream(s).reduce(1, (a, b) -> a * b)};
                    break;
                case LINEAR:
                    if (s.length != 1) {
                        throw new ModelException(where + ": expects a flat input but gets shape " + Arrays.toString(s)
                                + " (add a flatten or global_avgpool layer before it)");
                    }
                    if (s[0] != l.inFeatures()) {
                        throw new ModelException(where + ": in_features is " + l.inFeatures() + " but " + s[0]
                                + " features reach it");
                    }
                    s = new long[] {l.outFeatures()};
                    break;
                case BATCHNORM2D:
                    need4d(s, where);
                    checkFeatures(l, s[0], where);
                    break;
                case BATCHNORM1D:
                    if (s.length != 1) {
                        throw new ModelException(where + ": expects a flat input but gets shape " + Arrays.toString(s));
                    }
                    checkFeatures(l, s[0], where);
                    break;
                default:
                    break;
            }
            shapes.add(s.clone());
        }
        return shapes;
    }

    private static void checkFeatures(LayerSpec l, long channels, String where) {
        if (channels != l.numFeatures()) {
            throw new ModelException(where + ": num_features is " + l.numFeatures() + " but " + channels
                    + " channels reach it");
        }
    }

    private static void need4d(long[] s, String where) {
        if (s.length != 3) {
            throw new ModelException(where + ": expects a C x H x W input but gets shape " + Arrays.toString(s));
        }
    }

    private static long window(long size, int kernel, int stride, int pad, String where) {
        long out = (size + 2L * pad - kernel) / stride + 1;
        if (size + 2L * pad < kernel || out < 1) {
            throw new ModelException(where + ": kernel " + kernel + " does not fit an input of size " + size
                    + " with padding " + pad);
        }
        return out;
    }

    // ---- JSON ----

    public static ModelSpec read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            // Jackson's own message ends with a "[Source: ...]" line; say where in the file instead.
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new ModelException(file + " is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ModelException(file + " is not UTF-8 text, so not a model description", e);
        } catch (IOException e) {
            throw new ModelException(file + " cannot be read: " + FileErrors.reason(e), e);
        }
        try {
            return fromJson(root);
        } catch (ModelException e) {
            throw new ModelException(file + ": " + e.getMessage(), e);
        }
    }

    public static ModelSpec fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new ModelException("model.json must hold a JSON object");
        }
        JsonNode format = root.get("format");
        if (format == null || !FORMAT.equals(format.asText())) {
            throw new ModelException("\"format\" must be \"" + FORMAT + "\", got " + format);
        }
        int[] input = intArray(root.get("input"), "input", 3);
        JsonNode classesNode = root.get("classes");
        if (classesNode == null || !classesNode.isArray() || classesNode.size() == 0) {
            throw new ModelException("\"classes\" must be a non-empty list of class names");
        }
        List<String> classes = new ArrayList<>();
        classesNode.forEach(c -> classes.add(c.asText()));
        JsonNode norm = root.get("normalize");
        if (norm == null || !norm.isObject()) {
            throw new ModelException("missing \"normalize\": {\"mean\": [...], \"std\": [...]}");
        }
        float[] mean = floatArray(norm.get("mean"), "normalize.mean", input[0]);
        float[] std = floatArray(norm.get("std"), "normalize.std", input[0]);
        JsonNode layersNode = root.get("layers");
        if (layersNode == null || !layersNode.isArray()) {
            throw new ModelException("missing \"layers\" list");
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < layersNode.size(); i++) {
            layers.add(LayerSpec.fromJson(layersNode.get(i), i));
        }
        return new ModelSpec(input, classes, mean, std, layers);
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("format", FORMAT);
        ArrayNode in = o.putArray("input");
        for (int v : input) {
            in.add(v);
        }
        ArrayNode cl = o.putArray("classes");
        classes.forEach(cl::add);
        ObjectNode norm = o.putObject("normalize");
        ArrayNode m = norm.putArray("mean");
        ArrayNode sd = norm.putArray("std");
        for (int c = 0; c < mean.length; c++) {
            m.add(mean[c]);
            sd.add(std[c]);
        }
        ArrayNode ls = o.putArray("layers");
        layers.forEach(l -> ls.add(l.toJson()));
        return o;
    }

    public void write(Path file) throws IOException {
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), toJson());
    }

    private static int[] intArray(JsonNode node, String field, int length) {
        if (node == null || !node.isArray() || node.size() != length) {
            throw new ModelException("\"" + field + "\" must be a list of " + length + " integers");
        }
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            if (!node.get(i).isIntegralNumber()) {
                throw new ModelException("\"" + field + "\" must be a list of " + length + " integers");
            }
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    private static float[] floatArray(JsonNode node, String field, int length) {
        if (node == null || !node.isArray() || node.size() != length) {
            throw new ModelException("\"" + field + "\" must be a list of " + length + " numbers");
        }
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            if (!node.get(i).isNumber()) {
                throw new ModelException("\"" + field + "\" must be a list of " + length + " numbers");
            }
            out[i] = (float) node.get(i).asDouble();
        }
        return out;
    }
}
