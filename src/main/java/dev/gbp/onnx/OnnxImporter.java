package dev.gbp.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gbp.model.NpyArray;
import dev.gbp.onnx.proto.Onnx.GraphProto;
import dev.gbp.onnx.proto.Onnx.ModelProto;
import dev.gbp.onnx.proto.Onnx.NodeProto;
import dev.gbp.onnx.proto.Onnx.OperatorSetIdProto;
import dev.gbp.onnx.proto.Onnx.TensorProto;
import dev.gbp.onnx.proto.Onnx.TensorShapeProto;
import dev.gbp.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Converts an ONNX model (opset 11-17 tested) into the layers of a {@code gbp-model/2} bundle: one pass over
 * the graph's nodes in their (topological) order, folding shape computations into constants with the known
 * input size and mapping every other node onto a gbp layer. See docs/ONNX.md for the mapping.
 */
public final class OnnxImporter {
    /** The ONNX operators that become layers (the rest of {@link ConstantFolding#OPS} only on constants). */
    public static final List<String> SUPPORTED_OPS = List.of("Conv", "Gemm", "MatMul", "Add", "BatchNormalization",
            "Relu", "Clip", "MaxPool", "AveragePool", "GlobalAveragePool", "ReduceMean", "Flatten", "Reshape", "Squeeze", "Concat",
            "Pad", "Identity", "Dropout", "Constant", "Shape");
    static final int MIN_OPSET = 7;
    static final int MAX_OPSET = 18;
    /**
     * Largest ONNX file read, in bytes: 1 GiB (VGG-19 with its weights is 548 MB; protobuf itself stops at 2 GiB).
     * Checked before the file is parsed.
     */
    public static final long MAX_FILE_BYTES = 1L << 30;

    private final Path file;
    private final String where;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, Tensor> consts = new HashMap<>();
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, Integer> uses = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final List<Layer> layers = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private long opset;

    /** A gbp layer being built: its JSON and arrays. */
    private static final class Layer {
        final String name;
        final ObjectNode json;
        final List<String> inputs;
        final Map<String, NpyArray> arrays = new LinkedHashMap<>();

        Layer(String name, ObjectNode json, List<String> inputs) {
            this.name = name;
            this.json = json;
            this.inputs = inputs;
        }
    }

    /**
     * A tensor computed from the input: which layer makes it ({@code "input"} for the image), its ONNX shape
     * (batch as 1 when dynamic), and whether gbp holds it flat (N x F) while ONNX may say N x C x 1 x 1.
     */
    private record Value(String ref, long[] shape, boolean flat, Layer pendingLinear) {
        Value(String ref, long[] shape, boolean flat) {
            this(ref, shape, flat, null);
        }
    }

    private OnnxImporter(Path file) {
        this.file = file;
        this.where = file.toString();
    }

    /**
     * Reads and converts {@code file}.
     *
     * @param file the ONNX file
     * @return the network, without normalisation or class names (the file holds neither)
     * @throws IOException when the file cannot be read
     * @throws OnnxException for a malformed file or anything gbp does not support, naming the file and the node
     */
    public static ImportedModel read(Path file) throws IOException {
        ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new OnnxException(file + " is " + size + " bytes; gbp import reads ONNX files of at most " + MAX_FILE_BYTES
                        + " bytes (1 GiB)");
            }
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setRecursionLimit(200);
            coded.setSizeLimit((int) size); // the file may grow after its size was read
            model = ModelProto.parseFrom(coded);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxException(file + " is not a readable ONNX model (truncated or not ONNX: " + e.getMessage() + ")", e);
        } catch (NoSuchFileException e) {
            throw new OnnxException(file + " does not exist", e);
        }
        OnnxImporter im = new OnnxImporter(file);
        try {
            return im.convert(model);
        } catch (OnnxException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new OnnxException(file + " is not a valid ONNX model for gbp (" + e.getMessage() + ")", e);
        }
    }

    private OnnxException fail(String message) {
        return new OnnxException(where + ": " + message);
    }

    private OnnxException fail(NodeProto n, String message) {
        return new OnnxException(where + ": node '" + nodeName(n) + "' (" + n.getOpType() + "): " + message);
    }

    private static String nodeName(NodeProto n) {
        return !n.getName().isEmpty() ? n.getName() : n.getOutputCount() > 0 ? n.getOutput(0) : n.getOpType();
    }

    private ImportedModel convert(ModelProto model) {
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw fail("not an ONNX model (no graph or an empty graph; the file may be truncated)");
        }
        opset = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = o.getVersion();
            }
        }
        if (opset < 0) {
            opset = 1;
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw fail("opset " + opset + " is not supported (gbp import reads opsets " + MIN_OPSET + "-" + MAX_OPSET
                    + ", tested 11-17)");
        }
        GraphProto g = model.getGraph();
        for (TensorProto t : g.getInitializerList()) {
            consts.put(t.getName(), Tensor.read(t, where + ": initializer '" + t.getName() + "'"));
        }
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty()) {
                    uses.merge(in, 1, Integer::sum);
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
        for (ValueInfoProto o : g.getOutputList()) {
            graphOutputs.add(o.getName());
            uses.merge(o.getName(), 1, Integer::sum);
        }
        int[] input = graphInput(g);
        names.add("input");
        for (NodeProto n : g.getNodeList()) {
            node(n);
        }
        if (g.getOutputCount() != 1) {
            throw fail("the graph has " + g.getOutputCount() + " outputs; gbp import needs exactly one (the logits)");
        }
        String outName = g.getOutput(0).getName();
        Value out = values.get(outName);
        if (out == null) {
            throw fail("the graph's output '" + outName + "' is " + (consts.containsKey(outName) ? "a constant" : "not computed by any node"));
        }
        if (!out.flat() || out.ref().equals("input")) {
            throw fail("the graph's output '" + outName + "' has shape " + dims(out.shape())
                    + "; gbp needs flat logits N x K (end the network with Flatten, Gemm or global average pooling)");
        }
        return finish(input, (int) Tensor.size(out.shape()) / (int) out.shape()[0], out.ref());
    }

    private int[] graphInput(GraphProto g) {
        List<ValueInfoProto> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!consts.containsKey(v.getName())) {
                inputs.add(v);
            }
        }
        if (inputs.size() != 1) {
            throw fail("the graph has " + inputs.size() + " inputs that are not initializers; gbp import needs exactly one (the image)");
        }
        ValueInfoProto v = inputs.get(0);
        if (!v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) {
            throw fail("the graph input '" + v.getName() + "' has no tensor shape");
        }
        int elem = v.getType().getTensorType().getElemType();
        if (elem != TensorProto.DataType.FLOAT_VALUE) {
            TensorProto.DataType dt = TensorProto.DataType.forNumber(elem);
            throw fail("the graph input '" + v.getName() + "' has element type " + (dt != null ? dt.name() : elem) + "; gbp needs FLOAT");
        }
        List<TensorShapeProto.Dimension> d = v.getType().getTensorType().getShape().getDimList();
        if (d.size() != 4) {
            throw fail("the graph input '" + v.getName() + "' has " + d.size() + " dimensions; gbp needs N x C x H x W");
        }
        long[] shape = new long[4];
        String[] what = {"batch", "channels", "height", "width"};
        for (int i = 0; i < 4; i++) {
            TensorShapeProto.Dimension dim = d.get(i);
            if (dim.hasDimValue() && dim.getDimValue() > 0) {
                shape[i] = dim.getDimValue();
            } else if (i == 0) {
                shape[i] = 1; // a dynamic batch: shape computations see 1, flatten never names it
            } else {
                throw fail("the graph input '" + v.getName() + "' has a symbolic " + what[i] + " dimension '"
                        + dim.getDimParam() + "'; gbp needs fixed channels, height and width");
            }
        }
        values.put(v.getName(), new Value("input", shape, false));
        return new int[] {(int) shape[1], (int) shape[2], (int) shape[3]};
    }

    // ---- one node ----

    private void node(NodeProto n) {
        String op = n.getOpType();
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            throw unsupported(n, "operator " + n.getDomain() + "." + op);
        }
        if (n.getOutputCount() == 0) {
            throw fail(n, "has no outputs");
        }
        for (String in : n.getInputList()) {
            if (!in.isEmpty() && !consts.containsKey(in) && !values.containsKey(in)) {
                throw fail(n, "its input '" + in + "' is not computed before it (the graph is not in topological order or is incomplete)");
            }
        }
        if (op.equals("Constant")) {
            consts.put(n.getOutput(0), constant(n));
            return;
        }
        if (op.equals("Shape")) {
            String in = n.getInput(0);
            long[] shape = values.containsKey(in) ? values.get(in).shape() : consts.get(in).dims;
            int r = shape.length;
            int start = (int) clampAxis(Attrs.i(n, "start", 0), r);
            int end = (int) clampAxis(Attrs.i(n, "end", r), r);
            consts.put(n.getOutput(0), Tensor.vector(Arrays.copyOfRange(shape, start, Math.max(start, end))));
            return;
        }
        boolean allConst = true;
        List<Tensor> in = new ArrayList<>();
        for (String name : n.getInputList()) {
            if (name.isEmpty()) {
                in.add(null);
            } else if (consts.containsKey(name)) {
                in.add(consts.get(name));
            } else {
                allConst = false;
            }
        }
        if (allConst && ConstantFolding.OPS.contains(op) && n.getInputCount() > 0) {
            try {
                consts.put(n.getOutput(0), ConstantFolding.fold(n, in));
            } catch (IllegalArgumentException | IndexOutOfBoundsException | NullPointerException | OnnxException e) {
                throw fail(n, "cannot compute it on its constant inputs: " + e.getMessage());
            }
            return;
        }
        if (allConst) {
            throw unsupported(n, "operator " + op + (n.getInputCount() > 0 ? " on constants" : ""));
        }
        switch (op) {
            case "Conv": conv(n); break;
            case "BatchNormalization": batchNorm(n); break;
            case "Relu": simple(n, "relu"); break;
            case "Clip": clip(n); break;
            case "MaxPool": case "AveragePool": pool(n); break;
            case "GlobalAveragePool": globalAveragePool(n); break;
            case "ReduceMean": reduceMean(n); break;
            case "Flatten": flatten(n); break;
            case "Reshape": reshape(n); break;
            case "Squeeze": squeeze(n); break;
            case "Gemm": gemm(n); break;
            case "MatMul": matMul(n); break;
            case "Add": add(n); break;
            case "Concat": concat(n); break;
            case "Pad": pad(n); break;
            case "Identity": simple(n, "identity"); break;
            case "Dropout": dropout(n); break;
            default: throw unsupported(n, "operator " + op);
        }
    }

    private OnnxException unsupported(NodeProto n, String what) {
        return fail(n, what + " is not supported; gbp import supports " + String.join(", ", SUPPORTED_OPS)
                + " (and shape computations on constants: " + String.join(", ", new java.util.TreeSet<>(ConstantFolding.OPS)) + ")");
    }

    private static long clampAxis(long a, int r) {
        long v = a < 0 ? a + r : a;
        return Math.max(0, Math.min(v, r));
    }

    private Tensor constant(NodeProto n) {
        TensorProto t = Attrs.t(n, "value");
        if (t != null) {
            return Tensor.read(t, where + ": the value of Constant '" + nodeName(n) + "'");
        }
        if (Attrs.has(n, "value_float")) {
            return Tensor.floats(new long[0], new float[] {Attrs.f(n, "value_float", 0)});
        }
        if (Attrs.has(n, "value_floats")) {
            float[] v = Attrs.floats(n, "value_floats");
            return Tensor.floats(new long[] {v.length}, v);
        }
        if (Attrs.has(n, "value_int")) {
            return Tensor.scalar(Attrs.i(n, "value_int", 0));
        }
        if (Attrs.has(n, "value_ints")) {
            return Tensor.vector(Attrs.ints(n, "value_ints", null));
        }
        throw unsupported(n, "a Constant without a tensor, float or int value");
    }

    // ---- helpers for layers ----

    private Value dynamic(NodeProto n, int i) {
        Value v = values.get(n.getInput(i));
        if (v == null) {
            throw fail(n, "input " + i + " ('" + n.getInput(i) + "') is a constant where gbp needs the network's data");
        }
        return v;
    }

    private Value image(NodeProto n, int i) {
        Value v = dynamic(n, i);
        if (v.flat() || v.shape().length != 4) {
            throw fail(n, "needs an N x C x H x W input, got " + (v.flat() ? "a flat N x " + (Tensor.size(v.shape()) / v.shape()[0]) : dims(v.shape())));
        }
        return v;
    }

    private Tensor constInput(NodeProto n, int i, String what) {
        if (n.getInputCount() <= i || n.getInput(i).isEmpty()) {
            return null;
        }
        Tensor t = consts.get(n.getInput(i));
        if (t == null) {
            throw fail(n, "its " + what + " ('" + n.getInput(i) + "') must be a constant (initializer or Constant)");
        }
        return t;
    }

    private Tensor weight(NodeProto n, int i, String what, int rank) {
        Tensor t = constInput(n, i, what);
        if (t == null) {
            throw fail(n, "has no " + what);
        }
        if (!t.isFloat()) {
            throw fail(n, "its " + what + " ('" + n.getInput(i) + "') is not a float tensor");
        }
        if (rank >= 0 && t.rank() != rank) {
            throw fail(n, "its " + what + " ('" + n.getInput(i) + "') has shape " + dims(t.dims) + ", not " + rank + "-D");
        }
        return t;
    }

    private void requireUnused(NodeProto n, int from) {
        for (int i = from; i < n.getOutputCount(); i++) {
            String o = n.getOutput(i);
            if (!o.isEmpty() && uses.getOrDefault(o, 0) > 0) {
                throw fail(n, "its output " + i + " ('" + o + "') is used, which gbp does not support");
            }
        }
    }

    private Layer emit(NodeProto n, String type, List<Value> inputs) {
        String base = nodeName(n);
        String name = base;
        for (int k = 1; names.contains(name); k++) {
            name = base + "_" + k;
        }
        names.add(name);
        ObjectNode json = mapper.createObjectNode();
        json.put("type", type);
        json.put("name", name);
        ArrayNode arr = json.putArray("inputs");
        List<String> refs = new ArrayList<>();
        for (Value v : inputs) {
            arr.add(v.ref());
            refs.add(v.ref());
        }
        Layer l = new Layer(name, json, refs);
        layers.add(l);
        return l;
    }

    private void put(NodeProto n, Value v) {
        values.put(n.getOutput(0), v);
    }

    private static ArrayNode ints(ObjectNode o, String field, long... v) {
        ArrayNode a = o.putArray(field);
        for (long x : v) {
            a.add((int) x);
        }
        return a;
    }

    private static String dims(long[] d) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < d.length; i++) {
            b.append(i > 0 ? " x " : "").append(d[i]);
        }
        return d.length == 0 ? "a scalar" : b.toString();
    }

    private static NpyArray array(long[] dims, float[] data) {
        return new NpyArray(dims, data);
    }

    /** Explicit [top, left, bottom, right] pads of a window op: {@code pads} or from {@code auto_pad}. */
    private long[] pads(NodeProto n, long[] in, long[] kernel, long[] stride, long[] dilation) {
        String auto = Attrs.s(n, "auto_pad", "NOTSET");
        switch (auto) {
            case "NOTSET": {
                long[] p = Attrs.ints(n, "pads", new long[4]);
                if (p.length != 4) {
                    throw fail(n, "has " + p.length + " pads; gbp needs 4 (2-D)");
                }
                for (long x : p) {
                    if (x < 0) {
                        throw fail(n, "has negative pads " + Arrays.toString(p));
                    }
                }
                return p;
            }
            case "VALID":
                return new long[4];
            case "SAME_UPPER": case "SAME_LOWER": {
                long[] p = new long[4];
                for (int a = 0; a < 2; a++) {
                    long out = (in[a] + stride[a] - 1) / stride[a];
                    long total = Math.max((out - 1) * stride[a] + (kernel[a] - 1) * dilation[a] + 1 - in[a], 0);
                    long small = total / 2;
                    long big = total - small;
                    p[a] = auto.equals("SAME_UPPER") ? small : big;
                    p[a + 2] = auto.equals("SAME_UPPER") ? big : small;
                }
                return p;
            }
            default:
                throw fail(n, "has auto_pad " + auto + ", which is not supported");
        }
    }

    private static long outSize(long in, long k, long s, long d, long p0, long p1, boolean ceil) {
        long eff = d * (k - 1) + 1;
        long num = in + p0 + p1 - eff;
        long out = (ceil ? Math.floorDiv(num + s - 1, s) : Math.floorDiv(num, s)) + 1;
        if (ceil && (out - 1) * s >= in + p0) {
            out--;
        }
        return out;
    }

    private static long[] pair(long[] v, long[] def, int len) {
        return v == null ? def : v;
    }

    // ---- layers ----

    private void conv(NodeProto n) {
        Value x = image(n, 0);
        Tensor w = weight(n, 1, "weight", -1);
        if (w.rank() != 4) {
            throw fail(n, "is a " + (w.rank() - 2) + "-D convolution; gbp supports 2-D convolutions");
        }
        Tensor b = constInput(n, 2, "bias");
        long groups = Attrs.i(n, "group", 1);
        long[] kernel = {w.dims[2], w.dims[3]};
        long[] stride = pair(Attrs.ints(n, "strides", null), new long[] {1, 1}, 2);
        long[] dil = pair(Attrs.ints(n, "dilations", null), new long[] {1, 1}, 2);
        long[] ks = Attrs.ints(n, "kernel_shape", kernel);
        if (stride.length != 2 || dil.length != 2 || !Arrays.equals(ks, kernel)) {
            throw fail(n, "has strides, dilations or kernel_shape that do not fit a 2-D kernel " + dims(kernel));
        }
        long cin = x.shape()[1];
        long cout = w.dims[0];
        if (groups < 1 || cin % groups != 0 || cout % groups != 0 || w.dims[1] * groups != cin) {
            throw fail(n, "its weight " + dims(w.dims) + " with group " + groups + " does not fit " + cin + " input channels");
        }
        if (b != null && (b.size() != cout || !b.isFloat())) {
            throw fail(n, "its bias has shape " + dims(b.dims) + ", not " + cout);
        }
        long[] in = {x.shape()[2], x.shape()[3]};
        long[] p = pads(n, in, kernel, stride, dil);
        Layer l = emit(n, "conv2d", List.of(x));
        l.json.put("in_channels", (int) cin);
        l.json.put("out_channels", (int) cout);
        ints(l.json, "kernel_size", kernel);
        ints(l.json, "stride", stride);
        ints(l.json, "padding", p);
        ints(l.json, "dilation", dil);
        l.json.put("groups", (int) groups);
        l.json.put("bias", b != null);
        l.arrays.put(l.name + ".weight", array(w.dims, w.floatData()));
        if (b != null) {
            l.arrays.put(l.name + ".bias", array(new long[] {cout}, b.floatData()));
        }
        long h = outSize(in[0], kernel[0], stride[0], dil[0], p[0], p[2], false);
        long wd = outSize(in[1], kernel[1], stride[1], dil[1], p[1], p[3], false);
        if (h < 1 || wd < 1) {
            throw fail(n, "its output would be empty (" + h + " x " + wd + ")");
        }
        put(n, new Value(l.name, new long[] {x.shape()[0], cout, h, wd}, false));
    }

    private void batchNorm(NodeProto n) {
        Value x = image(n, 0);
        if (Attrs.i(n, "training_mode", 0) != 0) {
            throw fail(n, "is in training mode; export the model in eval mode");
        }
        requireUnused(n, 1);
        long c = x.shape()[1];
        String[] what = {"scale", "B", "input_mean", "input_var"};
        String[] field = {"weight", "bias", "running_mean", "running_var"};
        Tensor[] t = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            t[i] = weight(n, i + 1, what[i], -1);
            if (t[i].size() != c) {
                throw fail(n, "its " + what[i] + " has shape " + dims(t[i].dims) + ", not " + c);
            }
        }
        Layer l = emit(n, "batchnorm2d", List.of(x));
        l.json.put("num_features", (int) c);
        l.json.put("eps", Double.parseDouble(Float.toString(Attrs.f(n, "epsilon", 1e-5f))));
        for (int i = 0; i < 4; i++) {
            l.arrays.put(l.name + "." + field[i], array(new long[] {c}, t[i].floatData()));
        }
        put(n, new Value(l.name, x.shape(), false));
    }

    private void simple(NodeProto n, String type) {
        Value x = dynamic(n, 0);
        Layer l = emit(n, type, List.of(x));
        put(n, new Value(l.name, x.shape(), x.flat()));
    }

    private void dropout(NodeProto n) {
        Tensor training = n.getInputCount() > 2 ? constInput(n, 2, "training_mode") : null;
        if (training != null && training.get(0) != 0) {
            throw fail(n, "is in training mode; export the model in eval mode");
        }
        requireUnused(n, 1);
        simple(n, "identity");
    }

    private void clip(NodeProto n) {
        double min;
        double max;
        if (n.getInputCount() > 1 || opset >= 11) {
            Tensor lo = constInput(n, 1, "min");
            Tensor hi = n.getInputCount() > 2 ? constInput(n, 2, "max") : null;
            min = lo == null ? Double.NEGATIVE_INFINITY : lo.get(0);
            max = hi == null ? Double.POSITIVE_INFINITY : hi.get(0);
            if ((lo != null && lo.size() != 1) || (hi != null && hi.size() != 1)) {
                throw fail(n, "has a min or max that is not a scalar");
            }
        } else {
            min = Attrs.f(n, "min", Float.NEGATIVE_INFINITY);
            max = Attrs.f(n, "max", Float.POSITIVE_INFINITY);
        }
        if (min == 0 && (max == Double.POSITIVE_INFINITY || max >= Float.MAX_VALUE)) {
            simple(n, "relu");
        } else if (min == 0 && max == 6) {
            simple(n, "relu6");
        } else {
            throw fail(n, "clips to [" + min + ", " + max + "]; gbp supports Clip only as ReLU (min 0, no max) and ReLU6 (min 0, max 6)");
        }
    }

    private void pool(NodeProto n) {
        Value x = image(n, 0);
        boolean max = n.getOpType().equals("MaxPool");
        if (max) {
            requireUnused(n, 1);
        }
        long[] kernel = Attrs.ints(n, "kernel_shape", null);
        if (kernel == null || kernel.length != 2) {
            throw fail(n, "needs a 2-D kernel_shape");
        }
        long[] stride = pair(Attrs.ints(n, "strides", null), new long[] {1, 1}, 2);
        long[] dil = pair(Attrs.ints(n, "dilations", null), new long[] {1, 1}, 2);
        if (dil[0] != 1 || dil[1] != 1) {
            throw fail(n, "has dilations " + Arrays.toString(dil) + "; gbp supports pooling without dilation");
        }
        if (Attrs.i(n, "storage_order", 0) != 0) {
            throw fail(n, "has storage_order 1 (column major), which is not supported");
        }
        boolean ceil = Attrs.i(n, "ceil_mode", 0) != 0;
        long[] in = {x.shape()[2], x.shape()[3]};
        long[] p = pads(n, in, kernel, stride, dil);
        Layer l = emit(n, max ? "maxpool2d" : "avgpool2d", List.of(x));
        ints(l.json, "kernel_size", kernel);
        ints(l.json, "stride", stride);
        ints(l.json, "padding", p);
        l.json.put("ceil_mode", ceil);
        if (!max) {
            l.json.put("count_include_pad", Attrs.i(n, "count_include_pad", 0) != 0);
        }
        long h = outSize(in[0], kernel[0], stride[0], 1, p[0], p[2], ceil);
        long w = outSize(in[1], kernel[1], stride[1], 1, p[1], p[3], ceil);
        if (h < 1 || w < 1) {
            throw fail(n, "its output would be empty (" + h + " x " + w + ")");
        }
        put(n, new Value(l.name, new long[] {x.shape()[0], x.shape()[1], h, w}, false));
    }

    private static final Set<String> FLATTENING = Set.of("Flatten", "Reshape", "Squeeze");

    private void globalAveragePool(NodeProto n) {
        Value x = image(n, 0);
        String out = n.getOutput(0);
        boolean flatOk = consumers.getOrDefault(out, List.of()).stream().allMatch(c -> FLATTENING.contains(c.getOpType()));
        long[] shape = {x.shape()[0], x.shape()[1], 1, 1};
        if (flatOk) {
            Layer l = emit(n, "global_avgpool", List.of(x));
            put(n, new Value(l.name, shape, true));
        } else {
            Layer l = emit(n, "avgpool2d", List.of(x));
            ints(l.json, "kernel_size", x.shape()[2], x.shape()[3]);
            ints(l.json, "stride", 1, 1);
            ints(l.json, "padding", 0, 0, 0, 0);
            l.json.put("ceil_mode", false);
            l.json.put("count_include_pad", false);
            put(n, new Value(l.name, shape, false));
        }
    }

    /**
     * ReduceMean over the two spatial axes of an image (MNASNet's {@code x.mean([2, 3])}): a global average pool, flat
     * (N x C) when {@code keepdims} is 0, else as GlobalAveragePool.
     */
    private void reduceMean(NodeProto n) {
        Value x = image(n, 0);
        Tensor axesInput = n.getInputCount() > 1 ? constInput(n, 1, "axes") : null;
        long[] axes = axesInput != null ? axesInput.longData() : Attrs.ints(n, "axes", null);
        Set<Long> a = new HashSet<>();
        for (long v : axes == null ? new long[0] : axes) {
            a.add(v < 0 ? v + 4 : v);
        }
        if (!a.equals(Set.of(2L, 3L))) {
            throw fail(n, "averages " + dims(x.shape()) + " over axes " + (axes == null ? "all" : Arrays.toString(axes))
                    + "; gbp supports ReduceMean over the spatial axes 2 and 3 only (a global average pool)");
        }
        if (Attrs.i(n, "keepdims", 1) != 0) {
            globalAveragePool(n);
            return;
        }
        Layer l = emit(n, "global_avgpool", List.of(x));
        put(n, new Value(l.name, new long[] {x.shape()[0], x.shape()[1]}, true));
    }

    /** x becomes (N, rest): a flatten layer, or nothing when gbp already holds x flat. */
    private void toFlat(NodeProto n, Value x) {
        long[] shape = {x.shape()[0], Tensor.size(x.shape()) / x.shape()[0]};
        if (x.flat()) {
            put(n, new Value(x.ref(), shape, true, x.pendingLinear()));
            return;
        }
        Layer l = emit(n, "flatten", List.of(x));
        put(n, new Value(l.name, shape, true));
    }

    private void flatten(NodeProto n) {
        Value x = dynamic(n, 0);
        int r = x.shape().length;
        long axis = Attrs.i(n, "axis", 1);
        if (axis < 0) {
            axis += r;
        }
        if (axis != 1) {
            throw fail(n, "flattens from axis " + Attrs.i(n, "axis", 1) + "; gbp supports Flatten with axis 1 only");
        }
        toFlat(n, x);
    }

    private void reshape(NodeProto n) {
        Value x = dynamic(n, 0);
        Tensor target = constInput(n, 1, "shape");
        long[] out;
        try {
            out = ConstantFolding.reshape(x.shape(), target.longData(), Attrs.i(n, "allowzero", 0) != 0);
        } catch (IllegalArgumentException e) {
            throw fail(n, e.getMessage());
        }
        long rest = Tensor.size(x.shape()) / x.shape()[0];
        if (out.length == 2 && out[0] == x.shape()[0] && out[1] == rest) {
            toFlat(n, x);
            return;
        }
        throw fail(n, "reshapes " + dims(x.shape()) + " to " + dims(out) + " (target " + Arrays.toString(target.longData())
                + "); gbp supports only Reshape to (N, -1), a flatten");
    }

    private void squeeze(NodeProto n) {
        Value x = dynamic(n, 0);
        Tensor axesInput = n.getInputCount() > 1 ? constInput(n, 1, "axes") : null;
        long[] axes = axesInput != null ? axesInput.longData() : Attrs.ints(n, "axes", null);
        long[] s = x.shape();
        boolean spatial = s.length == 4 && s[2] == 1 && s[3] == 1;
        if (spatial && axes != null) {
            Set<Long> a = new HashSet<>();
            for (long v : axes) {
                a.add(v < 0 ? v + 4 : v);
            }
            spatial = a.equals(Set.of(2L, 3L));
        }
        if (!spatial || (axes == null && s[1] == 1)) {
            throw fail(n, "squeezes " + dims(s) + "; gbp supports only Squeeze of the 1 x 1 spatial axes (a flatten)");
        }
        toFlat(n, x);
    }

    private Layer linear(NodeProto n, Value x, float[] weight, long out, long in, float[] bias) {
        if (!x.flat()) {
            throw fail(n, "needs a flat N x F input, got " + dims(x.shape()) + " (flatten it first)");
        }
        long features = Tensor.size(x.shape()) / x.shape()[0];
        if (features != in) {
            throw fail(n, "has " + in + " input features but its input has " + features);
        }
        Layer l = emit(n, "linear", List.of(x));
        l.json.put("in_features", (int) in);
        l.json.put("out_features", (int) out);
        l.json.put("bias", bias != null);
        l.arrays.put(l.name + ".weight", array(new long[] {out, in}, weight));
        if (bias != null) {
            l.arrays.put(l.name + ".bias", array(new long[] {out}, bias));
        }
        return l;
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    /** A bias of {@code out} values from a constant of shape (out), (1, out), (1) or a scalar. */
    private float[] bias(NodeProto n, Tensor c, long out, float scale) {
        long size = c.size();
        boolean ok = (c.rank() <= 1 && (size == out || size == 1)) || (c.rank() == 2 && c.dims[0] == 1 && (c.dims[1] == out || c.dims[1] == 1));
        if (!ok || !c.isFloat()) {
            throw fail(n, "its bias has shape " + dims(c.dims) + "; gbp needs one value per output (" + out + ")");
        }
        float[] b = new float[(int) out];
        for (int i = 0; i < out; i++) {
            b[i] = (float) c.get(size == 1 ? 0 : i) * scale;
        }
        return b;
    }

    private void gemm(NodeProto n) {
        Value x = dynamic(n, 0);
        if (Attrs.i(n, "transA", 0) != 0) {
            throw fail(n, "has transA=1, which is not supported");
        }
        Tensor b = weight(n, 1, "B", 2);
        boolean transB = Attrs.i(n, "transB", 0) != 0;
        float alpha = Attrs.f(n, "alpha", 1f);
        float beta = Attrs.f(n, "beta", 1f);
        int out = (int) (transB ? b.dims[0] : b.dims[1]);
        int in = (int) (transB ? b.dims[1] : b.dims[0]);
        float[] w = transB ? b.floatData().clone() : transpose(b.floatData(), in, out);
        if (alpha != 1f) {
            for (int i = 0; i < w.length; i++) {
                w[i] *= alpha;
            }
        }
        Tensor c = constInput(n, 2, "C");
        float[] bias = c == null || beta == 0f ? null : bias(n, c, out, beta);
        Layer l = linear(n, x, w, out, in, bias);
        put(n, new Value(l.name, new long[] {x.shape()[0], out}, true));
    }

    private void matMul(NodeProto n) {
        Value x = dynamic(n, 0);
        Tensor b = weight(n, 1, "right-hand side", 2);
        int in = (int) b.dims[0];
        int out = (int) b.dims[1];
        Layer l = linear(n, x, transpose(b.floatData(), in, out), out, in, null);
        boolean fusable = uses.getOrDefault(n.getOutput(0), 0) == 1 && !graphOutputs.contains(n.getOutput(0))
                && consumers.get(n.getOutput(0)).get(0).getOpType().equals("Add");
        put(n, new Value(l.name, new long[] {x.shape()[0], out}, true, fusable ? l : null));
    }

    private void add(NodeProto n) {
        if (n.getInputCount() != 2) {
            throw fail(n, "has " + n.getInputCount() + " inputs");
        }
        Value a = values.get(n.getInput(0));
        Value b = values.get(n.getInput(1));
        if (a == null || b == null) {
            Value x = a != null ? a : b;
            Tensor c = consts.get(a != null ? n.getInput(1) : n.getInput(0));
            if (x.pendingLinear() == null) {
                throw fail(n, "adds a constant to a tensor; gbp supports Add of a constant only as the bias of a MatMul (linear layer)");
            }
            Layer l = x.pendingLinear();
            int out = l.json.get("out_features").asInt();
            l.json.put("bias", true);
            l.arrays.put(l.name + ".bias", array(new long[] {out}, bias(n, c, out, 1f)));
            put(n, new Value(l.name, x.shape(), true));
            return;
        }
        if (!Arrays.equals(a.shape(), b.shape()) || a.flat() != b.flat()) {
            throw fail(n, "adds tensors of shapes " + dims(a.shape()) + " and " + dims(b.shape())
                    + "; gbp supports Add of two tensors of the same shape (no broadcasting)");
        }
        Layer l = emit(n, "add", List.of(a, b));
        put(n, new Value(l.name, a.shape(), a.flat()));
    }

    private void concat(NodeProto n) {
        List<Value> in = new ArrayList<>();
        for (int i = 0; i < n.getInputCount(); i++) {
            Value v = values.get(n.getInput(i));
            if (v == null) {
                throw fail(n, "concatenates the network's data with a constant ('" + n.getInput(i) + "'), which is not supported");
            }
            in.add(v);
        }
        Value first = in.get(0);
        int rank = first.flat() ? 2 : 4;
        long axis = Attrs.i(n, "axis", 1);
        long onnxRank = first.shape().length;
        if (axis < 0) {
            axis += onnxRank;
        }
        if (axis != 1) {
            throw fail(n, "concatenates along axis " + Attrs.i(n, "axis", 1) + "; gbp supports concatenation along channels (axis 1)");
        }
        long channels = 0;
        for (Value v : in) {
            long[] s = v.shape();
            if (v.flat() != first.flat() || s.length != onnxRank || (rank == 4 && (s[2] != first.shape()[2] || s[3] != first.shape()[3]))) {
                throw fail(n, "concatenates tensors of shapes " + dims(first.shape()) + " and " + dims(s) + ", which do not match");
            }
            channels += s[1];
        }
        Layer l = emit(n, "concat", in);
        long[] shape = first.shape().clone();
        shape[1] = channels;
        put(n, new Value(l.name, shape, first.flat()));
    }

    private void pad(NodeProto n) {
        Value x = image(n, 0);
        String mode = Attrs.s(n, "mode", "constant");
        if (!mode.equals("constant")) {
            throw fail(n, "pads in mode " + mode + "; gbp supports only constant (zero) padding");
        }
        long[] pads;
        double value;
        long[] axes = null;
        if (opset >= 11) {
            Tensor p = constInput(n, 1, "pads");
            if (p == null) {
                throw fail(n, "has no pads");
            }
            pads = p.longData();
            Tensor v = n.getInputCount() > 2 ? constInput(n, 2, "constant_value") : null;
            value = v == null ? 0 : v.get(0);
            Tensor a = n.getInputCount() > 3 ? constInput(n, 3, "axes") : null;
            axes = a == null ? null : a.longData();
        } else {
            pads = Attrs.ints(n, "pads", null);
            value = Attrs.f(n, "value", 0f);
        }
        if (value != 0) {
            throw fail(n, "pads with the value " + value + "; gbp supports only zero padding");
        }
        long[] full = new long[8];
        if (axes == null) {
            if (pads == null || pads.length != 8) {
                throw fail(n, "has pads " + Arrays.toString(pads) + " for a 4-D input");
            }
            full = pads;
        } else {
            if (pads.length != 2 * axes.length) {
                throw fail(n, "has " + pads.length + " pads for " + axes.length + " axes");
            }
            for (int i = 0; i < axes.length; i++) {
                int ax = (int) (axes[i] < 0 ? axes[i] + 4 : axes[i]);
                full[ax] = pads[i];
                full[ax + 4] = pads[i + axes.length];
            }
        }
        if (full[0] != 0 || full[1] != 0 || full[4] != 0 || full[5] != 0) {
            throw fail(n, "pads the batch or channel axis (pads " + Arrays.toString(full) + "); gbp pads only height and width");
        }
        long[] p = {full[2], full[3], full[6], full[7]};
        for (long v : p) {
            if (v < 0) {
                throw fail(n, "has negative pads (a crop) " + Arrays.toString(full) + ", which is not supported");
            }
        }
        Layer l = emit(n, "pad", List.of(x));
        ints(l.json, "padding", p);
        long[] s = x.shape();
        put(n, new Value(l.name, new long[] {s[0], s[1], s[2] + p[0] + p[2], s[3] + p[1] + p[3]}, false));
    }

    // ---- the result ----

    private ImportedModel finish(int[] input, int outputs, String outputRef) {
        Map<String, Layer> byName = new HashMap<>();
        for (Layer l : layers) {
            byName.put(l.name, l);
        }
        Set<String> live = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(outputRef));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (name.equals("input") || !live.add(name)) {
                continue;
            }
            todo.addAll(byName.get(name).inputs);
        }
        List<ObjectNode> nodes = new ArrayList<>();
        Map<String, NpyArray> arrays = new TreeMap<>();
        for (Layer l : layers) {
            if (live.contains(l.name)) {
                nodes.add(l.json);
                arrays.putAll(l.arrays);
            }
        }
        if (!nodes.get(nodes.size() - 1).get("name").asText().equals(outputRef)) {
            throw new IllegalStateException("the output layer is not last");
        }
        return new ImportedModel(input, outputs, nodes, arrays);
    }
}
