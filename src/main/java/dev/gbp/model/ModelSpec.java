package dev.gbp.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.GbpInputException;
import dev.gbp.io.FileErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * The contents of {@code model.json}: input shape, class names, input normalisation and the network's
 * nodes in topological order, each reading the network's input or earlier nodes. The last node is the
 * output (one score per class). A {@code gbp-model/1} bundle is the chain where every layer reads the
 * one before. Construction validates the whole graph: names are unique, inputs are earlier nodes, every
 * node's output is used, and every node's sizes agree with the shapes that reach it.
 */
public final class ModelSpec {
    /** The sequential format: a list of layers, each reading the one before. */
    public static final String FORMAT = "gbp-model/1";
    /** The graph format: a list of nodes, each naming its inputs. */
    public static final String GRAPH_FORMAT = "gbp-model/2";
    /** In {@link #inputsOf}, the network's input. */
    public static final int GRAPH_INPUT = -1;
    /**
     * Largest {@code model.json} read, in bytes: 16 MiB. gbp's own files are a few KB and an imported ONNX graph of
     * a thousand nodes with a thousand class names about 0.5 MB; the file is checked before it is read.
     */
    public static final long MAX_JSON_BYTES = 16L << 20;
    /**
     * Most parameter values a network may declare, all arrays together: 2^28 (268 million, 1 GiB of float32; VGG-19
     * has 144 million). The shapes are checked when the description is read, before any array is allocated.
     */
    public static final long MAX_PARAMETERS = 1L << 28;
    /** Most values of the input or of any node's output, per image: 2^25 - 1 (128 MiB of float32). */
    public static final long MAX_NODE_VALUES = Integer.MAX_VALUE / 64;

    private final int[] input;
    private final List<String> classes;
    private final float[] mean;
    private final float[] std;
    private final List<LayerSpec> layers;
    private final int[][] inputIndices;
    private final int[][] consumers;
    private final List<long[]> outputShapes;
    private final Map<String, long[]> parameterShapes;

    /**
     * A network, checked whole: sizes, normalisation, unique names, inputs that are earlier nodes, every node used,
     * every node's sizes agreeing with the shapes that reach it, and one output per class at the end.
     *
     * @param input {channels, height, width} of the input images
     * @param classes the class names, one per output
     * @param mean per channel, the mean subtracted from pixels in [0, 1]
     * @param std per channel, the standard deviation they are divided by (positive)
     * @param layers the nodes in topological order; the last is the output
     * @throws ModelException naming the node or field when the network does not hang together
     */
    public ModelSpec(int[] input, List<String> classes, float[] mean, float[] std, List<LayerSpec> layers) {
        if (input.length != 3 || input[0] < 1 || input[1] < 1 || input[2] < 1 || input[0] > 4096 || input[1] > 16384
                || input[2] > 16384) {
            throw new ModelException("\"input\" must be [channels, height, width] with positive sizes (at most 4096"
                    + " channels and 16384 pixels a side), got " + Arrays.toString(input));
        }
        if (mean.length != input[0] || std.length != input[0]) {
            throw new ModelException("\"normalize\" needs one mean and one std per input channel ("
                    + input[0] + ")");
        }
        for (float s : std) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new ModelException("\"normalize\": every std must be positive, got " + Arrays.toString(std));
            }
        }
        for (float m : mean) {
            if (!Float.isFinite(m)) {
                throw new ModelException("\"normalize\": every mean must be a finite number, got " + Arrays.toString(mean));
            }
        }
        if ((long) input[0] * input[1] * input[2] > MAX_NODE_VALUES) {
            throw new ModelException("\"input\" " + Arrays.toString(input) + " holds more than " + MAX_NODE_VALUES
                    + " values per image");
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
        this.inputIndices = resolveInputs();
        this.consumers = findConsumers();
        this.outputShapes = inferShapes();
        this.parameterShapes = declareParameters();
        long[] last = outputShapes.get(outputShapes.size() - 1);
        if (last.length != 1 || last[0] != classes.size()) {
            throw new ModelException("the network ends with shape " + Arrays.toString(last) + " but there are "
                    + classes.size() + " classes (the last layer must output one score per class)");
        }
    }

    /**
     * The size of the images the network takes.
     *
     * @return {channels, height, width}, a copy
     */
    public int[] input() {
        return input.clone();
    }

    /**
     * The class names, one per output.
     *
     * @return the names, unmodifiable
     */
    public List<String> classes() {
        return classes;
    }

    /**
     * The name of a label, for display.
     *
     * @param label a class index, or a negative number for an image without a label
     * @return the class's name, or "?" for no label
     */
    public String labelName(int label) {
        return label < 0 ? "?" : classes.get(label);
    }

    /**
     * Per channel, the mean subtracted from pixels in [0, 1].
     *
     * @return the means, a copy
     */
    public float[] mean() {
        return mean.clone();
    }

    /**
     * Per channel, the standard deviation pixels are divided by.
     *
     * @return the standard deviations, a copy
     */
    public float[] std() {
        return std.clone();
    }

    /**
     * The nodes in topological order; the last is the output.
     *
     * @return the nodes, unmodifiable
     */
    public List<LayerSpec> layers() {
        return layers;
    }

    /**
     * Node {@code i}.
     *
     * @param i the node's index
     * @return the node
     */
    public LayerSpec layer(int i) {
        return layers.get(i);
    }

    /**
     * The output shape of layer {@code i}, without the batch axis.
     *
     * @param i the node's index
     * @return {C, H, W} or {F}, a copy
     */
    public long[] outputShape(int i) {
        return outputShapes.get(i).clone();
    }

    /**
     * Every array {@code weights.npz} must hold, {@code <node>.<weight|bias|running_mean|running_var>} by the shape
     * its node declares (PyTorch's layouts), in node order; together at most {@link #MAX_PARAMETERS} values.
     *
     * @return the shapes by array name, in node order
     */
    public Map<String, long[]> parameterShapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        parameterShapes.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    /**
     * The same network with other normalisation constants.
     *
     * @param newMean per channel, the mean
     * @param newStd per channel, the standard deviation
     * @return a new spec; this one is unchanged
     */
    public ModelSpec withNormalization(float[] newMean, float[] newStd) {
        return new ModelSpec(input, classes, newMean, newStd, layers);
    }

    /**
     * The seed experiment's layer: the first ReLU after the third convolution (for a network with fewer
     * convolutions, the first ReLU after the last one). It is {@code conv3_relu} in the shipped networks.
     *
     * @return the node's index
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
            if (layers.get(i).kind().isRectifier()) {
                return i;
            }
        }
        throw new ModelException("the network has no ReLU after a convolution, so it has no seed layer: name a layer");
    }

    /**
     * The seed layer's name, or its index when it has none (a form {@link #resolveLayer} takes).
     *
     * @return e.g. {@code conv3_relu}
     * @throws ModelException if the network has no ReLU after a convolution
     */
    public String seedLayerRef() {
        int i = seedLayer();
        return layers.get(i).name() != null ? layers.get(i).name() : Integer.toString(i);
    }

    /**
     * Resolves a layer reference: a layer name, or a 0-based index.
     *
     * @param ref the name or index
     * @return the node's index
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
            // More digits than an int holds is out of range too, not a NumberFormatException.
            if (r.length() <= 9 && Integer.parseInt(r) < layers.size()) {
                return Integer.parseInt(r);
            }
            throw new ModelException("layer index " + GbpInputException.quote(r) + " is out of range: the network has "
                    + layers.size() + " layers (0.." + (layers.size() - 1) + ")");
        }
        List<String> names = new ArrayList<>();
        for (LayerSpec l : layers) {
            if (l.name() != null) {
                names.add(l.name().length() <= GbpInputException.MAX_QUOTED ? l.name() : GbpInputException.quote(l.name()));
            }
        }
        String shown = names.size() <= 24 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 24)) + ", ... (" + names.size() + " in all; gbp explore lists them)";
        throw new ModelException("no layer named " + GbpInputException.quote(r) + " (named layers: " + shown
                + "; or give a 0-based index)");
    }

    /**
     * The nodes node {@code i} reads, as indices ({@link #GRAPH_INPUT} for the network's input).
     *
     * @param i the node's index
     * @return the indices, in input order, a copy
     */
    public int[] inputsOf(int i) {
        return inputIndices[i].clone();
    }

    /**
     * The nodes that read node {@code i}'s output, in order.
     *
     * @param i the node's index
     * @return their indices, a copy
     */
    public int[] consumersOf(int i) {
        return consumers[i].clone();
    }

    /**
     * The output shapes of node {@code i}'s inputs, without the batch axis.
     *
     * @param i the node's index
     * @return one shape per input, in input order
     */
    public List<long[]> inputShapes(int i) {
        List<long[]> out = new ArrayList<>();
        for (int j : inputIndices[i]) {
            out.add(j == GRAPH_INPUT ? new long[] {input[0], input[1], input[2]} : outputShapes.get(j).clone());
        }
        return out;
    }

    /**
     * Which nodes node {@code top}'s output depends on, {@code top} included.
     *
     * @param top the node's index
     * @return one flag per node
     */
    public boolean[] ancestors(int top) {
        boolean[] out = new boolean[layers.size()];
        out[top] = true;
        for (int i = top; i >= 0; i--) {
            if (out[i]) {
                for (int j : inputIndices[i]) {
                    if (j != GRAPH_INPUT) {
                        out[j] = true;
                    }
                }
            }
        }
        return out;
    }

    /**
     * The nodes on a path from node {@code below}'s output to node {@code top}, both included
     * ({@link #GRAPH_INPUT}: from the network's input, so every ancestor of {@code top}).
     *
     * @param below the lower node's index, or {@link #GRAPH_INPUT}
     * @param top the upper node's index
     * @return one flag per node
     */
    public boolean[] between(int below, int top) {
        boolean[] up = ancestors(top);
        if (below == GRAPH_INPUT) {
            return up;
        }
        boolean[] out = new boolean[layers.size()];
        out[below] = up[below];
        for (int i = below + 1; i <= top; i++) {
            for (int j : inputIndices[i]) {
                if (j != GRAPH_INPUT && out[j]) {
                    out[i] = up[i];
                }
            }
        }
        return out;
    }

    /**
     * Whether node {@code i} is a rectifier call site (ReLU, ReLU6), where back-propagation rules apply.
     *
     * @param i the node's index
     * @return true for ReLU and ReLU6 nodes
     */
    public boolean isRectifier(int i) {
        return layers.get(i).kind().isRectifier();
    }

    /**
     * How many rectifier call sites node {@code top}'s output depends on (itself included).
     *
     * @param top the node's index
     * @return the count
     */
    public int rectifiersFeeding(int top) {
        boolean[] up = ancestors(top);
        int n = 0;
        for (int i = 0; i <= top; i++) {
            n += up[i] && isRectifier(i) ? 1 : 0;
        }
        return n;
    }

    /**
     * Whether only {@code gbp-model/2} can say this network (a node reads other than the one before, or a
     * graph-only kind or field).
     *
     * @return true when format 1 cannot say it
     */
    public boolean isGraph() {
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            if (inputIndices[i].length != 1 || inputIndices[i][0] != i - 1 || l.type().graphOnly()
                    || l.kind().needsGraphFormat(l)) {
                return true;
            }
        }
        return false;
    }

    private void checkNames() {
        Set<String> seen = new HashSet<>();
        boolean graph = layers.stream().anyMatch(l -> !l.inputs().isEmpty());
        for (int i = 0; i < layers.size(); i++) {
            String n = layers.get(i).name();
            if (n != null && !seen.add(n)) {
                throw new ModelException(layers.get(i).describe(i) + ": duplicate layer name " + GbpInputException.quote(n));
            }
            if (LayerSpec.GRAPH_INPUT.equals(n) && graph) {
                throw new ModelException(layers.get(i).describe(i) + ": the name '" + n
                        + "' is kept for the network's input");
            }
        }
    }

    private int[][] resolveInputs() {
        Map<String, Integer> byName = new HashMap<>();
        int[][] out = new int[layers.size()][];
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            List<String> refs = l.inputs();
            if (refs.isEmpty()) {
                out[i] = new int[] {i - 1};
            } else {
                out[i] = new int[refs.size()];
                for (int k = 0; k < refs.size(); k++) {
                    out[i][k] = resolveInput(refs.get(k), byName, i);
                }
            }
            NodeKind kind = l.kind();
            if (out[i].length < kind.minInputs() || out[i].length > kind.maxInputs()) {
                throw new ModelException(l.describe(i) + ": takes " + (kind.minInputs() == kind.maxInputs()
                        ? "exactly " + kind.minInputs() : "at least " + kind.minInputs()) + " input"
                        + (kind.maxInputs() == 1 ? "" : "s") + ", got " + out[i].length);
            }
            if (l.name() != null) {
                byName.put(l.name(), i);
            }
        }
        return out;
    }

    private int resolveInput(String ref, Map<String, Integer> earlier, int at) {
        if (ref.equals(LayerSpec.GRAPH_INPUT)) {
            return GRAPH_INPUT;
        }
        Integer j = earlier.get(ref);
        if (j != null) {
            return j;
        }
        if (ref.matches("\\d{1,9}") && Integer.parseInt(ref) < at) {
            return Integer.parseInt(ref);
        }
        throw new ModelException(layers.get(at).describe(at) + ": input " + GbpInputException.quote(ref) + " is not an earlier node (inputs name "
                + "nodes that come before, by name or 0-based index, or '" + LayerSpec.GRAPH_INPUT + "')");
    }

    private int[][] findConsumers() {
        List<List<Integer>> users = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            users.add(new ArrayList<>());
        }
        for (int i = 0; i < layers.size(); i++) {
            for (int j : inputIndices[i]) {
                if (j != GRAPH_INPUT && !users.get(j).contains(i)) {
                    users.get(j).add(i);
                }
            }
        }
        int[][] out = new int[layers.size()][];
        for (int i = 0; i < layers.size(); i++) {
            out[i] = users.get(i).stream().mapToInt(Integer::intValue).toArray();
            if (out[i].length == 0 && i < layers.size() - 1) {
                throw new ModelException(layers.get(i).describe(i) + ": its output is used by no node (every node but the"
                        + " last, which is the network's output, must feed a later node)");
            }
        }
        return out;
    }

    private List<long[]> inferShapes() {
        List<long[]> shapes = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            List<long[]> ins = new ArrayList<>();
            for (int j : inputIndices[i]) {
                ins.add(j == GRAPH_INPUT ? new long[] {input[0], input[1], input[2]} : shapes.get(j));
            }
            long[] s = l.kind().outputShape(l, ins, l.describe(i));
            if (volume(s) > MAX_NODE_VALUES) {
                throw new ModelException(l.describe(i) + ": output shape " + Arrays.toString(s) + " is too large (more than "
                        + MAX_NODE_VALUES + " values per image)");
            }
            shapes.add(s);
        }
        return shapes;
    }

    /** The product of the sizes, or {@link Long#MAX_VALUE} when it does not fit a long; a negative size is an error. */
    static long volume(long[] shape) {
        long v = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalStateException("negative size in " + Arrays.toString(shape));
            }
            v = Npy.multiplyOrMax(v, d);
        }
        return v;
    }

    private Map<String, long[]> declareParameters() {
        Map<String, long[]> out = new LinkedHashMap<>();
        long total = 0;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            for (Map.Entry<String, long[]> p : l.kind().parameterShapes(l).entrySet()) {
                long n = volume(p.getValue());
                total = n > MAX_PARAMETERS ? n : total + n;
                if (total > MAX_PARAMETERS) {
                    throw new ModelException(l.describe(i) + ": its " + p.getKey() + " of shape "
                            + Arrays.toString(p.getValue()) + " brings the network to more than " + MAX_PARAMETERS
                            + " parameter values (the most gbp loads)");
                }
                out.put(l.name() + "." + p.getKey(), p.getValue());
            }
        }
        return out;
    }

    // ---- JSON ----

    /**
     * Reads {@code model.json}: at most {@link #MAX_JSON_BYTES} of UTF-8 JSON, checked as {@link #fromJson} does.
     *
     * @param file the file
     * @return the spec
     * @throws ModelException naming the file, and the node and field at fault
     */
    public static ModelSpec read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(utf8(file));
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

    /** The file as text, refused unread when it is longer than {@link #MAX_JSON_BYTES}. */
    private static String utf8(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_JSON_BYTES) {
            throw new ModelException(file + " is " + size + " bytes; a model description may be at most " + MAX_JSON_BYTES
                    + " bytes (16 MiB)");
        }
        byte[] bytes;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) MAX_JSON_BYTES + 1); // the file may grow after its size was read
        }
        if (bytes.length > MAX_JSON_BYTES) {
            throw new ModelException(file + " is longer than " + MAX_JSON_BYTES + " bytes, the most a model description"
                    + " may hold");
        }
        return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    }

    /**
     * The spec that a parsed {@code model.json} describes, in either format.
     *
     * @param root the file's JSON object
     * @return the spec
     * @throws ModelException naming the node or field when it is not a valid network
     */
    public static ModelSpec fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new ModelException("model.json must hold a JSON object");
        }
        JsonNode format = root.get("format");
        boolean graph = format != null && GRAPH_FORMAT.equals(format.asText());
        if (format == null || !FORMAT.equals(format.asText()) && !graph) {
            throw new ModelException("\"format\" must be \"" + FORMAT + "\" or \"" + GRAPH_FORMAT + "\", got "
                    + (format == null ? "none" : Fields.shown(format)));
        }
        int[] input = intArray(root.get("input"), "input", 3);
        JsonNode classesNode = root.get("classes");
        if (classesNode == null || !classesNode.isArray() || classesNode.size() == 0) {
            throw new ModelException("\"classes\" must be a non-empty list of class names");
        }
        List<String> classes = new ArrayList<>();
        for (JsonNode c : classesNode) {
            if (!c.isTextual()) {
                throw new ModelException("\"classes\" must hold class names (strings), got " + Fields.shown(c));
            }
            classes.add(c.asText());
        }
        JsonNode norm = root.get("normalize");
        if (norm == null || !norm.isObject()) {
            throw new ModelException("missing \"normalize\": {\"mean\": [...], \"std\": [...]}");
        }
        float[] mean = floatArray(norm.get("mean"), "normalize.mean", input[0]);
        float[] std = floatArray(norm.get("std"), "normalize.std", input[0]);
        String list = graph ? "nodes" : "layers";
        JsonNode layersNode = root.get(list);
        if (layersNode == null || !layersNode.isArray()) {
            throw new ModelException("missing \"" + list + "\" list");
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < layersNode.size(); i++) {
            LayerSpec l = LayerSpec.fromJson(layersNode.get(i), i);
            if (!graph && (!l.inputs().isEmpty() || l.type().graphOnly() || l.kind().needsGraphFormat(l))) {
                throw new ModelException(l.describe(i) + ": \"inputs\", the " + l.type().json()
                        + " type and its options need \"format\": \"" + GRAPH_FORMAT + "\"");
            }
            if (graph && l.inputs().isEmpty()) {
                throw new ModelException(l.describe(i) + ": missing \"inputs\" (in " + GRAPH_FORMAT
                        + " every node names its inputs)");
            }
            layers.add(l);
        }
        return new ModelSpec(input, classes, mean, std, layers);
    }

    /**
     * model.json's content, in format 1 when that can say the network, else in format 2.
     *
     * @return the JSON object
     */
    public ObjectNode toJson() {
        return toJson(isGraph());
    }

    /**
     * model.json's content; {@code graph} writes format 2 (nodes with inputs) even for a chain.
     *
     * @param graph true for format 2
     * @return the JSON object
     * @throws IllegalArgumentException when {@code graph} is false but only format 2 can say the network
     */
    public ObjectNode toJson(boolean graph) {
        if (!graph && isGraph()) {
            throw new IllegalArgumentException("this network needs " + GRAPH_FORMAT);
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("format", graph ? GRAPH_FORMAT : FORMAT);
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
        ArrayNode ls = o.putArray(graph ? "nodes" : "layers");
        for (int i = 0; i < layers.size(); i++) {
            ArrayNode ins = null;
            if (graph) {
                ins = JsonNodeFactory.instance.arrayNode();
                for (int j : inputIndices[i]) {
                    if (j == GRAPH_INPUT) {
                        ins.add(LayerSpec.GRAPH_INPUT);
                    } else if (layers.get(j).name() != null) {
                        ins.add(layers.get(j).name());
                    } else {
                        ins.add(j);
                    }
                }
            }
            ls.add(layers.get(i).toJson(ins));
        }
        return o;
    }

    /**
     * Writes model.json, in format 1 when that can say the network, else in format 2.
     *
     * @param file the file, replaced if it exists
     * @throws IOException when it cannot be written
     */
    public void write(Path file) throws IOException {
        write(file, isGraph());
    }

    /**
     * Writes model.json; {@code graph} writes format 2 even for a chain.
     *
     * @param file the file, replaced if it exists
     * @param graph true for format 2
     * @throws IOException when it cannot be written
     */
    public void write(Path file, boolean graph) throws IOException {
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), toJson(graph));
    }

    private static int[] intArray(JsonNode node, String field, int length) {
        if (node == null || !node.isArray() || node.size() != length) {
            throw new ModelException("\"" + field + "\" must be a list of " + length + " integers");
        }
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            if (!Fields.isInt(node.get(i))) {
                throw new ModelException("\"" + field + "\" must be a list of " + length + " integers (each at most "
                        + Integer.MAX_VALUE + "), got " + Fields.shown(node.get(i)) + " at position " + i);
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
            out[i] = (float) node.get(i).asDouble();
            if (!node.get(i).isNumber() || !Float.isFinite(out[i])) {
                throw new ModelException("\"" + field + "\" must be a list of " + length + " finite float32 numbers, got "
                        + Fields.shown(node.get(i)) + " at position " + i);
            }
        }
        return out;
    }
}
