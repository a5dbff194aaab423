package dev.gbp.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;

/**
 * One layer of a sequential network as written in {@code model.json}. Immutable; build with the
 * static factories or {@link #fromJson}.
 */
public final class LayerSpec {
    private final LayerType type;
    private final String name;
    private final int inChannels;
    private final int outChannels;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final boolean bias;
    private final int inFeatures;
    private final int outFeatures;
    private final int numFeatures;
    private final double eps;
    private final double p;

    private LayerSpec(Builder b) {
        this.type = b.type;
        this.name = b.name;
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.kernel = b.kernel;
        this.stride = b.stride;
        this.padding = b.padding;
        this.bias = b.bias;
        this.inFeatures = b.inFeatures;
        this.outFeatures = b.outFeatures;
        this.numFeatures = b.numFeatures;
        this.eps = b.eps;
        this.p = b.p;
    }

    public static LayerSpec conv2d(String name, int in, int out, int kernel, int stride, int padding, boolean bias) {
        Builder b = new Builder(LayerType.CONV2D, name);
        b.inChannels = in;
        b.outChannels = out;
        b.kernel = new int[] {kernel, kernel};
        b.stride = new int[] {stride, stride};
        b.padding = new int[] {padding, padding};
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

    public static LayerSpec maxPool(int kernel, int stride, int padding) {
        Builder b = new Builder(LayerType.MAXPOOL2D, null);
        b.kernel = new int[] {kernel, kernel};
        b.stride = new int[] {stride, stride};
        b.padding = new int[] {padding, padding};
        return new LayerSpec(b);
    }

    public static LayerSpec avgPool(int kernel, int stride) {
        Builder b = new Builder(LayerType.AVGPOOL2D, null);
        b.kernel = new int[] {kernel, kernel};
        b.stride = new int[] {stride, stride};
        b.padding = new int[] {0, 0};
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

    public LayerType type() {
        return type;
    }

    /** The layer's name, or null when it has none. */
    public String name() {
        return name;
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

    public int[] padding() {
        return padding.clone();
    }

    public boolean bias() {
        return bias;
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

    /** How error messages refer to the layer at {@code index}: {@code layer 4 'conv2' (conv2d)}. */
    public String describe(int index) {
        return "layer " + index + (name == null ? "" : " '" + name + "'") + " (" + type.json() + ")";
    }

    /** Parses one entry of {@code layers}; {@code index} is only used in messages. */
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
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("type") && !field.equals("name") && !type.fields().contains(field)) {
                throw new ModelException(where + ": unknown field \"" + field + "\" (accepted: "
                        + String.join(", ", type.fields()) + ")");
            }
        }
        if (type.hasParameters() && name == null) {
            throw new ModelException(where + ": layers with parameters need a \"name\"");
        }
        Builder b = new Builder(type, name);
        switch (type) {
            case CONV2D:
                b.inChannels = positiveInt(node, "in_channels", where);
                b.outChannels = positiveInt(node, "out_channels", where);
                b.kernel = pair(node, "kernel_size", null, where, 1);
                b.stride = pair(node, "stride", new int[] {1, 1}, where, 1);
                b.padding = pair(node, "padding", new int[] {0, 0}, where, 0);
                b.bias = bool(node, "bias", true, where);
                break;
            case LINEAR:
                b.inFeatures = positiveInt(node, "in_features", where);
                b.outFeatures = positiveInt(node, "out_features", where);
                b.bias = bool(node, "bias", true, where);
                break;
            case MAXPOOL2D:
                b.kernel = pair(node, "kernel_size", null, where, 1);
                b.stride = pair(node, "stride", b.kernel, where, 1);
                b.padding = pair(node, "padding", new int[] {0, 0}, where, 0);
                if (b.padding[0] * 2 > b.kernel[0] || b.padding[1] * 2 > b.kernel[1]) {
                    throw new ModelException(where + ": padding must be at most half the kernel size");
                }
                break;
            case AVGPOOL2D:
                b.kernel = pair(node, "kernel_size", null, where, 1);
                b.stride = pair(node, "stride", b.kernel, where, 1);
                b.padding = new int[] {0, 0};
                break;
            case BATCHNORM1D:
            case BATCHNORM2D:
                b.numFeatures = positiveInt(node, "num_features", where);
                b.eps = number(node, "eps", 1e-5, where);
                if (!(b.eps > 0)) {
                    throw new ModelException(where + ": \"eps\" must be positive");
                }
                break;
            case DROPOUT:
                b.p = number(node, "p", 0.5, where);
                if (b.p < 0 || b.p >= 1) {
                    throw new ModelException(where + ": \"p\" must be in [0, 1)");
                }
                break;
            default:
                break;
        }
        return new LayerSpec(b);
    }

    /** The JSON object for {@code model.json}, with only the fields of this layer's type. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("type", type.json());
        if (name != null) {
            o.put("name", name);
        }
        switch (type) {
            case CONV2D:
                o.put("in_channels", inChannels);
                o.put("out_channels", outChannels);
                putPair(o, "kernel_size", kernel);
                putPair(o, "stride", stride);
                putPair(o, "padding", padding);
                o.put("bias", bias);
                break;
            case LINEAR:
                o.put("in_features", inFeatures);
                o.put("out_features", outFeatures);
                o.put("bias", bias);
                break;
            case MAXPOOL2D:
                putPair(o, "kernel_size", kernel);
                putPair(o, "stride", stride);
                putPair(o, "padding", padding);
                break;
            case AVGPOOL2D:
                putPair(o, "kernel_size", kernel);
                putPair(o, "stride", stride);
                break;
            case BATCHNORM1D:
            case BATCHNORM2D:
                o.put("num_features", numFeatures);
                o.put("eps", eps);
                break;
            case DROPOUT:
                o.put("p", p);
                break;
            default:
                break;
        }
        return o;
    }

    private static void putPair(ObjectNode o, String field, int[] v) {
        if (v[0] == v[1]) {
            o.put(field, v[0]);
        } else {
            o.putArray(field).add(v[0]).add(v[1]);
        }
    }

    private static int positiveInt(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null) {
            throw new ModelException(where + ": missing \"" + field + "\"");
        }
        if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
            throw new ModelException(where + ": \"" + field + "\" must be a positive integer, got " + v);
        }
        return v.asInt();
    }

    private static int[] pair(JsonNode node, String field, int[] dflt, String where, int min) {
        JsonNode v = node.get(field);
        if (v == null) {
            if (dflt == null) {
                throw new ModelException(where + ": missing \"" + field + "\"");
            }
            return dflt.clone();
        }
        int[] out;
        if (v.isIntegralNumber()) {
            out = new int[] {v.asInt(), v.asInt()};
        } else if (v.isArray() && v.size() == 2 && v.get(0).isIntegralNumber() && v.get(1).isIntegralNumber()) {
            out = new int[] {v.get(0).asInt(), v.get(1).asInt()};
        } else {
            throw new ModelException(where + ": \"" + field + "\" must be an integer or an [h, w] pair, got " + v);
        }
        if (out[0] < min || out[1] < min) {
            throw new ModelException(where + ": \"" + field + "\" must be at least " + min + ", got " + v);
        }
        return out;
    }

    private static boolean bool(JsonNode node, String field, boolean dflt, String where) {
        JsonNode v = node.get(field);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new ModelException(where + ": \"" + field + "\" must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static double number(JsonNode node, String field, double dflt, String where) {
        JsonNode v = node.get(field);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new ModelException(where + ": \"" + field + "\" must be a number, got " + v);
        }
        return v.asDouble();
    }

    private static final class Builder {
        final LayerType type;
        final String name;
        int inChannels;
        int outChannels;
        int[] kernel;
        int[] stride;
        int[] padding;
        boolean bias = true;
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
