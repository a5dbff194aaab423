package dev.gbp.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.GbpInputException;
import java.util.ArrayList;
import java.util.Arrays;
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

    /**
     * A convolution with a square kernel, the same stride and padding on every side, no dilation and no groups.
     *
     * @param name the node's name
     * @param in input channels
     * @param out output channels
     * @param kernel the kernel's side
     * @param stride the stride
     * @param padding zero padding on each side
     * @param bias whether it adds a bias
     * @return the node
     */
    public static LayerSpec conv2d(String name, int in, int out, int kernel, int stride, int padding, boolean bias) {
        return conv2d(name, in, out, new int[] {kernel, kernel}, new int[] {stride, stride},
                new int[] {padding, padding, padding, padding}, new int[] {1, 1}, 1, bias);
    }

    /**
     * A convolution with every option: {@code padding} is {top, left, bottom, right}.
     *
     * @param name the node's name
     * @param in input channels
     * @param out output channels
     * @param kernel {height, width}
     * @param stride {vertical, horizontal}
     * @param padding {top, left, bottom, right}
     * @param dilation {vertical, horizontal}
     * @param groups channel groups (in and out must be multiples of it)
     * @param bias whether it adds a bias
     * @return the node
     */
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

    /**
     * A fully connected layer.
     *
     * @param name the node's name
     * @param in input features
     * @param out output features
     * @param bias whether it adds a bias
     * @return the node
     */
    public static LayerSpec linear(String name, int in, int out, boolean bias) {
        Builder b = new Builder(LayerType.LINEAR, name);
        b.inFeatures = in;
        b.outFeatures = out;
        b.bias = bias;
        return new LayerSpec(b);
    }

    /**
     * A ReLU.
     *
     * @param name the node's name, or null
     * @return the node
     */
    public static LayerSpec relu(String name) {
        return new LayerSpec(new Builder(LayerType.RELU, name));
    }

    /**
     * A ReLU6, {@code min(max(x, 0), 6)}.
     *
     * @param name the node's name, or null
     * @return the node
     */
    public static LayerSpec relu6(String name) {
        return new LayerSpec(new Builder(LayerType.RELU6, name));
    }

    /**
     * An unnamed square max-pool.
     *
     * @param kernel the window's side
     * @param stride the stride
     * @param padding padding on each side
     * @return the node
     */
    public static LayerSpec maxPool(int kernel, int stride, int padding) {
        return pool(LayerType.MAXPOOL2D, null, kernel, stride, padding, false, true);
    }

    /**
     * An unnamed square average pool without padding.
     *
     * @param kernel the window's side
     * @param stride the stride
     * @return the node
     */
    public static LayerSpec avgPool(int kernel, int stride) {
        return pool(LayerType.AVGPOOL2D, null, kernel, stride, 0, false, true);
    }

    /**
     * A max or average pool with every option.
     *
     * @param type {@link LayerType#MAXPOOL2D} or {@link LayerType#AVGPOOL2D}
     * @param name the node's name, or null
     * @param kernel the window's side
     * @param stride the stride
     * @param padding padding on each side
     * @param ceilMode whether the output size rounds up, as PyTorch's {@code ceil_mode}
     * @param countIncludePad whether an average counts the padding, as PyTorch's {@code count_include_pad}
     * @return the node
     */
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

    /**
     * Global average pooling: each channel's mean, N x C x H x W to N x C.
     *
     * @return the node
     */
    public static LayerSpec globalAvgPool() {
        return new LayerSpec(new Builder(LayerType.GLOBAL_AVGPOOL, null));
    }

    /**
     * Flattening to N x (C H W).
     *
     * @return the node
     */
    public static LayerSpec flatten() {
        return new LayerSpec(new Builder(LayerType.FLATTEN, null));
    }

    /**
     * BatchNorm over the channels of N x C x H x W.
     *
     * @param name the node's name
     * @param features channels
     * @return the node
     */
    public static LayerSpec batchNorm2d(String name, int features) {
        Builder b = new Builder(LayerType.BATCHNORM2D, name);
        b.numFeatures = features;
        return new LayerSpec(b);
    }

    /**
     * BatchNorm over the features of N x F.
     *
     * @param name the node's name
     * @param features features
     * @return the node
     */
    public static LayerSpec batchNorm1d(String name, int features) {
        Builder b = new Builder(LayerType.BATCHNORM1D, name);
        b.numFeatures = features;
        return new LayerSpec(b);
    }

    /**
     * Dropout, the identity at inference.
     *
     * @param p the probability of dropping a value in training
     * @return the node
     */
    public static LayerSpec dropout(double p) {
        Builder b = new Builder(LayerType.DROPOUT, null);
        b.p = p;
        return new LayerSpec(b);
    }

    /**
     * Element-wise sum of two or more inputs of one shape.
     *
     * @param name the node's name, or null
     * @param inputs the nodes it reads: names, indices or {@link #GRAPH_INPUT}
     * @return the node
     */
    public static LayerSpec add(String name, String... inputs) {
        return new LayerSpec(new Builder(LayerType.ADD, name)).withInputs(inputs);
    }

    /**
     * Inputs stacked along the channels.
     *
     * @param name the node's name, or null
     * @param inputs the nodes it reads: names, indices or {@link #GRAPH_INPUT}
     * @return the node
     */
    public static LayerSpec concat(String name, String... inputs) {
        return new LayerSpec(new Builder(LayerType.CONCAT, name)).withInputs(inputs);
    }

    /**
     * Zero padding, {@code padding} = {top, left, bottom, right}.
     *
     * @param name the node's name, or null
     * @param padding {top, left, bottom, right}
     * @return the node
     */
    public static LayerSpec pad(String name, int... padding) {
        Builder b = new Builder(LayerType.PAD, name);
        b.padding = padding.clone();
        return new LayerSpec(b);
    }

    /**
     * The identity.
     *
     * @param name the node's name, or null
     * @return the node
     */
    public static LayerSpec identity(String name) {
        return new LayerSpec(new Builder(LayerType.IDENTITY, name));
    }

    /**
     * This node reading {@code refs} (node names, indices or {@link #GRAPH_INPUT}) instead.
     *
     * @param refs the nodes it reads
     * @return a new node; this one is unchanged
     */
    public LayerSpec withInputs(String... refs) {
        Builder b = toBuilder();
        b.inputs = List.of(refs);
        return new LayerSpec(b);
    }

    /**
     * This node under another name.
     *
     * @param newName the name, or null
     * @return a new node; this one is unchanged
     */
    public LayerSpec withName(String newName) {
        Builder b = toBuilder();
        b.name = newName;
        return new LayerSpec(b);
    }

    /**
     * This node with no padding and no ceil mode (for {@link NodeKind#unpadded}): itself when it has neither, so a crop
     * can tell a node that reads no padding by identity.
     */
    LayerSpec withoutPadding() {
        if (Arrays.equals(padding, new int[4]) && !ceilMode) {
            return this;
        }
        Builder b = toBuilder();
        b.padding = new int[4];
        b.ceilMode = false;
        return new LayerSpec(b);
    }

    // ---- accessors ----

    /**
     * The node's type, as {@code model.json}'s {@code type} names it.
     *
     * @return the type
     */
    public LayerType type() {
        return type;
    }

    /**
     * What this node does.
     *
     * @return its type's kind
     */
    public NodeKind kind() {
        return type.kind();
    }

    /**
     * The node's name, or null when it has none.
     *
     * @return the name, or null
     */
    public String name() {
        return name;
    }

    /**
     * The input references as written (empty: the node before).
     *
     * @return node names, indices or {@link #GRAPH_INPUT}; unmodifiable
     */
    public List<String> inputs() {
        return inputs;
    }

    /**
     * A convolution's input channels (0 for other kinds).
     *
     * @return the channels
     */
    public int inChannels() {
        return inChannels;
    }

    /**
     * A convolution's output channels (0 for other kinds).
     *
     * @return the channels
     */
    public int outChannels() {
        return outChannels;
    }

    /**
     * A convolution's or pool's window; only for those kinds.
     *
     * @return {height, width}, a copy
     */
    public int[] kernel() {
        return kernel.clone();
    }

    /**
     * A convolution's or pool's stride; only for those kinds.
     *
     * @return {vertical, horizontal}, a copy
     */
    public int[] stride() {
        return stride.clone();
    }

    /**
     * The zero padding of a convolution, pool or pad.
     *
     * @return {top, left, bottom, right}, a copy (all 0 for other kinds)
     */
    public int[] padding() {
        return padding.clone();
    }

    /**
     * A convolution's dilation.
     *
     * @return {vertical, horizontal}, a copy ({1, 1} for other kinds)
     */
    public int[] dilation() {
        return dilation.clone();
    }

    /**
     * A convolution's channel groups.
     *
     * @return the groups (1: an ordinary convolution)
     */
    public int groups() {
        return groups;
    }

    /**
     * Whether a convolution or linear layer adds a bias.
     *
     * @return true when it has a bias
     */
    public boolean bias() {
        return bias;
    }

    /**
     * Whether a pool's output size rounds up (PyTorch's {@code ceil_mode}).
     *
     * @return the flag
     */
    public boolean ceilMode() {
        return ceilMode;
    }

    /**
     * Whether an average pool counts the padding (PyTorch's {@code count_include_pad}).
     *
     * @return the flag
     */
    public boolean countIncludePad() {
        return countIncludePad;
    }

    /**
     * A linear layer's input features (0 for other kinds).
     *
     * @return the features
     */
    public int inFeatures() {
        return inFeatures;
    }

    /**
     * A linear layer's output features (0 for other kinds).
     *
     * @return the features
     */
    public int outFeatures() {
        return outFeatures;
    }

    /**
     * A BatchNorm's channels or features (0 for other kinds).
     *
     * @return the count
     */
    public int numFeatures() {
        return numFeatures;
    }

    /**
     * A BatchNorm's epsilon, added to the variance.
     *
     * @return epsilon
     */
    public double eps() {
        return eps;
    }

    /**
     * A dropout's probability of dropping a value in training.
     *
     * @return p
     */
    public double p() {
        return p;
    }

    /**
     * Whether top equals bottom and left equals right.
     *
     * @return true for symmetric padding
     */
    public boolean symmetricPadding() {
        return padding[0] == padding[2] && padding[1] == padding[3];
    }

    /**
     * How error messages refer to the node at {@code index}: {@code layer 4 'conv2' (conv2d)}.
     *
     * @param index the node's index in its network
     * @return the description
     */
    public String describe(int index) {
        return "layer " + index + (name == null ? "" : " " + GbpInputException.quote(name)) + " (" + type.json() + ")";
    }

    // ---- JSON ----

    /**
     * Parses one entry of {@code layers} or {@code nodes}; {@code index} is only used in messages.
     *
     * @param node the entry's JSON object
     * @param index its position in the list
     * @return the node
     * @throws ModelException naming the node and field when the entry is malformed
     */
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
            throw new ModelException(where + ": unknown layer type " + GbpInputException.quote(typeNode.asText())
                    + " (known: " + LayerType.known() + ")");
        }
        String name = null;
        if (node.has("name")) {
            if (!node.get("name").isTextual() || node.get("name").asText().isBlank()) {
                throw new ModelException(where + ": \"name\" must be a non-empty string");
            }
            name = node.get("name").asText();
            where = "layer " + index + " " + GbpInputException.quote(name);
        }
        where += " (" + type.json() + ")";
        NodeKind kind = type.kind();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("type") && !field.equals("name") && !field.equals("inputs")
                    && !kind.fields().contains(field)) {
                throw new ModelException(where + ": unknown field " + GbpInputException.quote(field) + " (accepted: "
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

    /**
     * The JSON object for {@code model.json}; {@code inputs}, when not null, is written as the node's inputs (format 2).
     *
     * @param inputs the node's inputs as written in format 2, or null for format 1
     * @return the object
     */
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
