package dev.gbp.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One node of a network as written in {@code model.json}: its kind, its name, the nodes it reads and
 * its kind's attributes. Immutable; build with the static factories or {@link #fromJson}. What a node
 * does lives in its kind ({@link #kind()}).
 *
 * <p>{@link #inputs()} holds references as written: node names, 0-based node indices, or
 * {@link #GRAPH_INPUT}. An empty list means "the node before" (the network's input for the first node),
 * which is how every {@code gbp-model/1} layer reads.
 */
public final class LayerSpec {
    /** How {@code inputs} names the network's input. */
    public static final String GRAPH_INPUT = "input";

    private final LayerType type;
    private final String name;
    private final List<String> inputs;
    final int inChannels;
    final int outChannels;
    final int[] kernel;
    final int[] stride;
    final int[] padding;
    final int[] dilation;
    final int groups;
    final boolean bias;
    final boolean ceilMode;
    final boolean countIncludePad;
    final int inFeatures;
    final int outFeatures;
    final int numFeatures;
    final double eps;
    final double p;

    private LayerSpec(Builder b) {
        this.type = b.type;
        this.name = b.name;
        this.inputs = List.copyOf(b.inputs);
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.kernel = b.kernel;
        this.stride = b.stride;
        this.padding = b.padding;
        this.dilation = b.dilation;
        this.groups = b.groups;
        this.bias = b.bias;
        this.ceilMode = b.ceilMode;
        this.countIncludePad = b.countIncludePad;
        this.inFeatures = b.inFeatures;
        this.outFeatures = b.outFeatures;
        this.numFeatures = b.numFeatures;
        this.eps = b.eps;
        this.p = b.p;
    }

    // ---- factories ----

    public static LayerSpec conv2d(String name, int in, int out, int kernel, int stride, int padding, boolean bias) {
        return conv2d(name, in, out, new int[] {kernel, kernel}, new int[] {stride, stride},
                new int[] {padding, padding, padding, padding}, new int[] {1, 1}, 1, bias);
    }

    /** A convolution with every option: {@code padding} is {top, left, bottom, right}. */
    public static LayerSpec conv2d(String name, int in, int out, int[] kernel, int[] stride, int[] padding,
            int[] dilation, int groups, boolean bias) {
        Builder b = new Builder(LayerType.CONV2D, name);
        b.inChannels = in;
        b.outChannels = out;
        b.kernel = kernel.clone();
        b.stride = stride.clone();
        b.padding = padding.clone();
        b.dilation = dilation.clone();
        b.groups = groups;
        b.bias = bias;
        return new LayerSpec(b);
    }

    public static LayerSpec linear(String name, int in, int out, boolean bias) {
        Builder b = new Builder(LayerType.LINEAR, name);
        b.inFeatures = in;
        b.outFeatures = out;
        b.bias = bias;
        return new LayerSpec(b);
    }

    public static LayerSpec relu(String name) {
        return new LayerSpec(new Builder(LayerType.RELU, name));
    }

    public static LayerSpec relu6(String name) {
        return new LayerSpec(new Builder(LayerType.RELU6, name));
    }

    public static LayerSpec maxPool(int kernel, int stride, int padding) {
        return pool(LayerType.MAXPOOL2D, null, kernel, stride, padding, false, true);
    }

    public static LayerSpec avgPool(int kernel, int stride) {
        return pool(LayerType.AVGPOOL2D, null, kernel, stride, 0, false, true);
    }

    /** A max or average pool with every option. */
    public static LayerSpec pool(LayerType type, String name, int kernel, int stride, int padding, boolean ceilMode,
            boolean countIncludePad) {
        Builder b = new Builder(type, name);
        b.kernel = new int[] {kernel, kernel};
        b.stride = new int[] {stride, stride};
        b.padding = new int[] {padding, padding, padding, padding};
        b.ceilMode = ceilMode;
        b.countIncludePad = countIncludePad;
        return new LayerSpec(b);
    }

    public static LayerSpec globalAvgPool() {
        return new LayerSpec(new Builder(LayerType.GLOBAL_AVGPOOL, null));
    }

    public static LayerSpec flatten() {
        return new LayerSpec(new Builder(LayerType.FLATTEN, null));
    }

    public static LayerSpec batchNorm2d(String name, int features) {
        Builder b = new Builder(LayerType.BATCHNORM2D, name);
        b.numFeatures = features;
        return new LayerSpec(b);
    }

    public static LayerSpec batchNorm1d(String name, int features) {
        Builder b = new Builder(LayerType.BATCHNORM1D, name);
        b.numFeatures = features;
        return new LayerSpec(b);
    }

    public static LayerSpec dropout(double p) {
        Builder b = new Builder(LayerType.DROPOUT, null);
        b.p = p;
        return new LayerSpec(b);
    }

    /** Element-wise sum of two or more inputs of one shape. */
    public static LayerSpec add(String name, String... inputs) {
        return new LayerSpec(new Builder(LayerType.ADD, name)).withInputs(inputs);
    }

    /** Inputs stacked along the channels. */
    public static LayerSpec concat(String name, String... inputs) {
        return new LayerSpec(new Builder(LayerType.CONCAT, name)).withInputs(inputs);
    }

    /** Zero padding, {@code padding} = {top, left, bottom, right}. */
    public static LayerSpec pad(String name, int... padding) {
        Builder b = new Builder(LayerType.PAD, name);
        b.padding = padding.clone();
        return new LayerSpec(b);
    }

    public static LayerSpec identity(String name) {
        return new LayerSpec(new Builder(LayerType.IDENTITY, name));
    }

    /** This node reading {@code refs} (node names, indices or {@link #GRAPH_INPUT}) instead. */
    public LayerSpec withInputs(String... refs) {
        Builder b = toBuilder();
        b.inputs = List.of(refs);
        return new LayerSpec(b);
    }

    /** This node under another name. */
    public LayerSpec withName(String newName) {
        Builder b = toBuilder();
        b.name = newName;
        return new LayerSpec(b);
    }

    /** This node with no padding and no ceil mode (for {@link NodeKind#unpadded}). */
    LayerSpec withoutPadding() {
        Builder b = toBuilder();
        b.padding = new int[4];
        b.ceilMode = false;
        return new LayerSpec(b);
    }

    // ---- accessors ----

    public LayerType type() {
        return type;
    }

    /** What this node does. */
    public NodeKind kind() {
        return type.kind();
    }

    /** The node's name, or null when it has none. */
    public String name() {
        return name;
    }

    /** The input references as written (empty: the node before). */
    public List<String> inputs() {
        return inputs;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int[] kernel() {
        return kernel.clone();
    }

    public int[] stride() {
        return stride.clone();
    }

    /** {top, left, bottom, right}. */
    public int[] padding() {
        return padding.clone();
    }

    public int[] dilation() {
        return dilation.clone();
    }

    public int groups() {
        return groups;
    }

    public boolean bias() {
        return bias;
    }

    public boolean ceilMode() {
        return ceilMode;
    }

    public boolean countIncludePad() {
        return countIncludePad;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    public int numFeatures() {
        return numFeatures;
    }

    public double eps() {
        return eps;
    }

    public double p() {
        return p;
    }

    /** Whether top equals bottom and left equals right. */
    public boolean symmetricPadding() {
        return padding[0] == padding[2] && padding[1] == padding[3];
    }

    /** How error messages refer to the node at {@code index}: {@code layer 4 'conv2' (conv2d)}. */
    public String describe(int index) {
        return "layer " + index + (name == null ? "" : " '" + name + "'") + " (" + type.json() + ")";
    }

    // ---- JSON ----

    /** Parses one entry of {@code layers} or {@code nodes}; {@code index} is only used in messages. */
    public static LayerSpec fromJson(JsonNode node, int index) {
        String where = "layer " + index;
        if (node == null || !node.isObject()) {
            throw new ModelException(where + ": expected a JSON object");
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new ModelException(where + ": missing \"type\"");
        }
        LayerType type = LayerType.fromJson(typeNode.asText());
        if (type == null) {
            throw new ModelException(where + ": unknown layer type \"" + typeNode.asText()
                    + "\" (known: " + LayerType.known() + ")");
        }
        String name = null;
        if (node.has("name")) {
            if (!node.get("name").isTextual() || node.get("name").asText().isBlank()) {
                throw new ModelException(where + ": \"name\" must be a non-empty string");
            }
            name = node.get("name").asText();
            where = "layer " + index + " '" + name + "'";
        }
        where += " (" + type.json() + ")";
        NodeKind kind = type.kind();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("type") && !field.equals("name") && !field.equals("inputs")
                    && !kind.fields().contains(field)) {
                throw new ModelException(where + ": unknown field \"" + field + "\" (accepted: "
                        + String.join(", ", kind.fields()) + ")");
            }
        }
        if (kind.hasParameters() && name == null) {
            throw new ModelException(where + ": layers with parameters need a \"name\"");
        }
        Builder b = new Builder(type, name);
        JsonNode ins = node.get("inputs");
        if (ins != null) {
            if (!ins.isArray() || ins.isEmpty()) {
                throw new ModelException(where + ": \"inputs\" must be a non-empty list of node names or indices");
            }
            List<String> refs = new ArrayList<>();
            for (JsonNode r : ins) {
                if (!r.isTextual() && !r.isIntegralNumber()) {
                    throw new ModelException(where + ": \"inputs\" must hold node names or indices, got " + r);
                }
                refs.add(r.asText());
            }
            b.inputs = refs;
        }
        kind.parse(node, b, where);
        return new LayerSpec(b);
    }

    /** The JSON object for {@code model.json}; {@code inputs}, when not null, is written as the node's inputs (format 2). */
    public ObjectNode toJson(ArrayNode inputs) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("type", type.json());
        if (name != null) {
            o.put("name", name);
        }
        if (inputs != null) {
            o.set("inputs", inputs);
        }
        kind().write(this, o);
        return o;
    }

    Builder toBuilder() {
        Builder b = new Builder(type, name);
        b.inputs = inputs;
        b.inChannels = inChannels;
        b.outChannels = outChannels;
        b.kernel = kernel;
        b.stride = stride;
        b.padding = padding;
        b.dilation = dilation;
        b.groups = groups;
        b.bias = bias;
        b.ceilMode = ceilMode;
        b.countIncludePad = countIncludePad;
        b.inFeatures = inFeatures;
        b.outFeatures = outFeatures;
        b.numFeatures = numFeatures;
        b.eps = eps;
        b.p = p;
        return b;
    }

    /** The attributes while a node is read; each kind fills in its own. */
    static final class Builder {
        final LayerType type;
        String name;
        List<String> inputs = List.of();
        int inChannels;
        int outChannels;
        int[] kernel;
        int[] stride;
        int[] padding = {0, 0, 0, 0};
        int[] dilation = {1, 1};
        int groups = 1;
        boolean bias = true;
        boolean ceilMode;
        boolean countIncludePad = true;
        int inFeatures;
        int outFeatures;
        int numFeatures;
        double eps = 1e-5;
        double p;

        Builder(LayerType type, String name) {
            this.type = type;
            this.name = name;
        }
    }
}
