package dev.gbp.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.engine.ChannelsLast;
import dev.gbp.engine.HostCopy;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node kinds, one class each: fields, shape, forward, backward, receptive field and randomisation
 * of a kind are read in one place. Backward steps here are exact vector-Jacobian products in closed
 * form; a kind that returns null from {@code backward} has its step taken from autograd instead.
 */
final class Kinds {
    private Kinds() {}

    /** A node's parameter array by DJL's name ("weight", "bias", "gamma", "runningVar", ...). */
    static NDArray param(Block block, String name) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().equals(name)) {
                return p.getValue().getArray();
            }
        }
        throw new IllegalStateException("the block has no parameter " + name);
    }

    private static NDArray one(Block block, ParameterStore ps, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    private static String shapes(List<long[]> shapes) {
        StringBuilder b = new StringBuilder();
        for (long[] s : shapes) {
            b.append(b.length() == 0 ? "" : ", ").append(Arrays.toString(s));
        }
        return b.toString();
    }

    /** {@code weight} of shape {@code (out, ...)} and, when there is one, {@code bias} of shape {@code (out)}. */
    private static Map<String, long[]> weightAndBias(boolean bias, long out, long... rest) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long[] w = new long[rest.length + 1];
        w[0] = out;
        System.arraycopy(rest, 0, w, 1, rest.length);
        m.put("weight", w);
        if (bias) {
            m.put("bias", new long[] {out});
        }
        return m;
    }

    private static Shape hw(int[] v) {
        return new Shape(v[0], v[1]);
    }

    /** DJL's pad takes (left, right, top, bottom) for the last two axes. */
    private static Shape padShape(int[] p) {
        return new Shape(p[1], p[3], p[0], p[2]);
    }

    // ---- convolution ----

    static final class Conv2d implements NodeKind {
        @Override
        public List<String> fields() {
            return List.of("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias");
        }

        @Override
        public boolean hasParameters() {
            return true;
        }

        @Override
        public boolean isWeighted() {
            return true;
        }

        @Override
        public Map<String, long[]> parameterShapes(LayerSpec l) {
            return weightAndBias(l.bias, l.outChannels, l.inChannels / l.groups, l.kernel[0], l.kernel[1]);
        }

        @Override
        public void parse(JsonNode node, LayerSpec.Builder b, String where) {
            b.inChannels = Fields.positiveInt(node, "in_channels", where);
            b.outChannels = Fields.positiveInt(node, "out_channels", where);
            b.kernel = Fields.pair(node, "kernel_size", null, where, 1);
            b.stride = Fields.pair(node, "stride", new int[] {1, 1}, where, 1);
            b.padding = Fields.padding(node, where);
            b.dilation = Fields.pair(node, "dilation", new int[] {1, 1}, where, 1);
            b.groups = Fields.positiveInt(node, "groups", 1, where);
            b.bias = Fields.bool(node, "bias", true, where);
            if (b.inChannels % b.groups != 0 || b.outChannels % b.groups != 0) {
                throw new ModelException(where + ": groups (" + b.groups + ") must divide in_channels ("
                        + b.inChannels + ") and out_channels (" + b.outChannels + ")");
            }
        }

        @Override
        public void write(LayerSpec l, ObjectNode o) {
            o.put("in_channels", l.inChannels);
            o.put("out_channels", l.outChannels);
            Fields.putPair(o, "kernel_size", l.kernel);
            Fields.putPair(o, "stride", l.stride);
            Fields.putPadding(o, l.padding);
            if (l.dilation[0] != 1 || l.dilation[1] != 1) {
                Fields.putPair(o, "dilation", l.dilation);
            }
            if (l.groups != 1) {
                o.put("groups", l.groups);
            }
            o.put("bias", l.bias);
        }

        @Override
        public boolean needsGraphFormat(LayerSpec l) {
            return !l.symmetricPadding() || l.groups != 1 || l.dilation[0] != 1 || l.dilation[1] != 1;
        }

        @Override
        public long[] outputShape(LayerSpec l, List<long[]> inputs, String where) {
            long[] s = Shapes.single(inputs);
            Shapes.need3d(s, where);
            if (s[0] != l.inChannels) {
                throw new ModelException(where + ": in_channels is " + l.inChannels + " but " + s[0] + " channels reach it");
            }
            int[] p = l.padding;
            return new long[] {l.outChannels,
                Shapes.window(s[1], l.kernel[0], l.stride[0], p[0], p[2], l.dilation[0], false, where),
                Shapes.window(s[2], l.kernel[1], l.stride[1], p[1], p[3], l.dilation[1], false, where)};
        }

        @Override
        public Block block(LayerSpec l) {
            int[] p = l.symmetricPadding() ? new int[] {l.padding[0], l.padding[1]} : new int[] {0, 0};
            return ai.djl.nn.convolutional.Conv2d.builder()
                    .setKernelShape(hw(l.kernel))
                    .setFilters(l.outChannels)
                    .optStride(hw(l.stride))
                    .optPadding(hw(p))
                    .optDilation(hw(l.dilation))
                    .optGroups(l.groups)
                    .optBias(l.bias)
                    .build();
        }

        @Override
        public NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList in, boolean training) {
            NDArray x = in.singletonOrThrow();
            if (!l.symmetricPadding()) {
                x = x.pad(padShape(l.padding), 0);
            }
            if (training) {
                try (NDArray laid = ChannelsLast.of(x)) {
                    return one(block, ps, laid, true);
                }
            }
            if (pointOutput(l, x.getShape())) {
                long n = x.getShape().get(0);
                NDArray y = x.reshape(n, -1).matMul(param(block, "weight").reshape(l.outChannels, -1).transpose());
                return (l.bias ? y.add(param(block, "bias")) : y).reshape(n, l.outChannels, 1, 1);
            }
            // The block's own padding is baked in; the node's padding comes from l (none for an unpadded crop).
            int[] p = l.symmetricPadding() ? l.padding : new int[4];
            NDArray b = l.bias ? param(block, "bias") : null;
            // The laid-out handle is closed at once: left to the scope, it would keep x's memory from the walk's reuse.
            try (NDArray laid = ChannelsLast.of(x)) {
                return ai.djl.nn.convolutional.Conv2d.conv2d(laid, param(block, "weight"), b, hw(l.stride),
                        new Shape(p[0], p[1]), hw(l.dilation), l.groups).singletonOrThrow();
            }
        }

        @Override
        public LayerSpec unpadded(LayerSpec l) {
            return l.withoutPadding();
        }

        /**
         * Whether the convolution reads an input {@code x} of exactly one undilated, unpadded kernel window, so its output
         * is 1 x 1 (as the seeded node of a cropped cone): then forward and backward are each one matrix product instead of
         * a convolution with its layout reorders (about a third of the time each, measured alone: docs/BENCHMARKS.md).
         */
        static boolean pointOutput(LayerSpec l, Shape x) {
            return l.groups == 1 && l.dilation[0] == 1 && l.dilation[1] == 1 && Arrays.equals(l.padding, new int[4])
                    && x.dimension() == 4 && x.get(2) == l.kernel[0] && x.get(3) == l.kernel[1];
        }

        /** Whether the input gradient is one stride-1 convolution with the flipped, transposed kernel. */
        static boolean transposable(LayerSpec l) {
            return l.stride[0] == 1 && l.stride[1] == 1 && l.dilation[0] == 1 && l.dilation[1] == 1 && l.groups == 1
                    && l.symmetricPadding() && l.padding[0] <= l.kernel[0] - 1 && l.padding[1] <= l.kernel[1] - 1;
        }

        /**
         * Whether the convolution is 1 x 1 with a stride above 1 and no padding: a 1 x 1 stride-1 convolution of every
         * stride-th input position, so its input gradient is that convolution's transposed, scattered back onto the
         * positions it read. libtorch's own backward of these (ResNet-50's downsampling shortcuts) stops the process on
         * this project's AMD EPYC machines with SIGFPE, a division by zero in oneDNN's brgemm blocking heuristic.
         */
        static boolean stridedPointwise(LayerSpec l) {
            return l.kernel[0] == 1 && l.kernel[1] == 1 && (l.stride[0] > 1 || l.stride[1] > 1) && l.dilation[0] == 1
                    && l.dilation[1] == 1 && l.groups == 1 && Arrays.equals(l.padding, new int[4]);
        }

        @Override
        public boolean hasClosedFormBackward(LayerSpec l) {
            return transposable(l) || stridedPointwise(l);
        }

        @Override
        public NDList backward(LayerSpec l, Block block, NDArray g, Shape[] inputs, NodeCache cache) {
            if (!hasClosedFormBackward(l)) {
                return null;
            }
            if (pointGradient(l, g)) {
                return new NDList(pointBackward(l, g, param(block, "weight")));
            }
            if (byColumns(l, g)) {
                return new NDList(columnsBackward(l, g, cache.get("columns", () -> columns(param(block, "weight")))));
            }
            NDArray k = cache.get("kernel", () -> flippedTransposed(param(block, "weight")));
            NDArray read = transposedConv(l, g, k);
            if (!stridedPointwise(l)) {
                return new NDList(read);
            }
            NDArray out = read.getManager().zeros(inputs[0], read.getDataType());
            long[] s = read.getShape().getShape();
            out.set(new NDIndex(":, :, 0:{}:{}, 0:{}:{}", (s[2] - 1) * l.stride[0] + 1, l.stride[0],
                    (s[3] - 1) * l.stride[1] + 1, l.stride[1]), read);
            read.close();
            return new NDList(out);
        }

        /** Both steps in one convolution, with the scale folded into the flipped kernel. */
        @Override
        public NDArray backwardThroughScale(LayerSpec l, Block block, NDArray g, NDArray scale, NodeCache cache) {
            if (!transposable(l)) {
                return null;
            }
            if (pointGradient(l, g)) {
                return pointBackward(l, g, cache.get("scaled", () -> scaledWeight(block, scale)));
            }
            if (byColumns(l, g)) {
                return columnsBackward(l, g, cache.get("folded columns", () -> columns(scaledWeight(block, scale))));
            }
            return transposedConv(l, g, cache.get("folded", () -> flippedTransposed(scaledWeight(block, scale))));
        }

        /** The kernel with each output channel multiplied by its entry of {@code scale} (a folded BatchNorm's). */
        private static NDArray scaledWeight(Block block, NDArray scale) {
            return param(block, "weight").mul(scale.reshape(scale.getShape().get(0), 1, 1, 1));
        }

        /**
         * Whether the input gradient of signal {@code g} is cheaper as columns ({@link #columnsBackward}): for a stride-1
         * convolution reading few channels, as a first layer reads an image's. oneDNN's convolution to a handful of
         * output channels, which the transposed kernel then is, runs far below its speed elsewhere: on 100 signals of
         * 64 x 24 x 24 (the seed network's conv1 in its conv3 cone), 6.4 ms to three channels against 1.9 ms for the
         * 1 x 1 convolution to the 27 columns of a 3 x 3 kernel on RGB and 1.6-2.4 ms to sum them back
         * (docs/BENCHMARKS.md). Measured for that size only, so kept to it; and to columns Java can index.
         */
        static boolean byColumns(LayerSpec l, NDArray g) {
            long cols = (long) l.inChannels * l.kernel[0] * l.kernel[1];
            return transposable(l) && cols <= 27 && g.size() / l.outChannels * cols < Integer.MAX_VALUE;
        }

        /** (out, in, kh, kw) to the 1 x 1 kernel of {@link #columnsBackward}: (in * kh * kw, out, 1, 1), contiguous. */
        private static NDArray columns(NDArray w) {
            long[] s = w.getShape().getShape();
            return w.reshape(s[0], s[1] * s[2] * s[3]).transpose().reshape(s[1] * s[2] * s[3], s[0], 1, 1)
                    .toDevice(w.getDevice(), true);
        }

        /**
         * The input gradient of a {@link #transposable} convolution as columns: a 1 x 1 convolution of {@code g} with
         * {@code columns} gives, at each output position, the signal for every input channel and kernel offset, and
         * each is added onto the input position it came from (col2im), in Java from a view of the engine's memory.
         */
        private static NDArray columnsBackward(LayerSpec l, NDArray g, NDArray columns) {
            long[] s = g.getShape().getShape();
            int n = (int) s[0];
            int oh = (int) s[2];
            int ow = (int) s[3];
            int c = l.inChannels;
            int kh = l.kernel[0];
            int kw = l.kernel[1];
            int ph = l.padding[0];
            int pw = l.padding[1];
            int h = oh + kh - 1 - 2 * ph;
            int w = ow + kw - 1 - 2 * pw;
            int cols = c * kh * kw;
            float[] out = new float[Math.multiplyExact(Math.multiplyExact(n, c), Math.multiplyExact(h, w))];
            try (NDArray laid = ChannelsLast.of(g);
                    NDArray z = ai.djl.nn.convolutional.Conv2d.conv2d(laid, columns).singletonOrThrow();
                    NDArray rows = z.transpose(0, 2, 3, 1)) {
                FloatBuffer v = HostCopy.view(rows); // N x oh x ow x cols: one position's columns side by side
                float[] line = new float[ow * cols];
                for (int m = 0; m < n; m++) {
                    for (int y = 0; y < oh; y++) {
                        v.get((m * oh + y) * ow * cols, line, 0, ow * cols);
                        for (int ci = 0; ci < c; ci++) {
                            for (int ky = 0; ky < kh; ky++) {
                                int iy = y + ky - ph;
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                int row = ((m * c + ci) * h + iy) * w;
                                for (int kx = 0; kx < kw; kx++) {
                                    int col = (ci * kh + ky) * kw + kx;
                                    // Output positions x whose input position x + kx - pw lies in the map.
                                    int from = Math.max(0, pw - kx);
                                    int to = Math.min(ow, w + pw - kx);
                                    int at = row + kx - pw;
                                    for (int x = from; x < to; x++) {
                                        out[at + x] += line[x * cols + col];
                                    }
                                }
                            }
                        }
                    }
                }
            }
            HostCopy.Writable result = HostCopy.writable(g.getManager(), new Shape(n, c, h, w));
            result.view().put(0, out);
            return result.array();
        }

        /** Whether {@code g} is the signal at a {@link #pointOutput}: 1 x 1, from an unpadded stride-1 convolution. */
        private static boolean pointGradient(LayerSpec l, NDArray g) {
            return transposable(l) && Arrays.equals(l.padding, new int[4]) && g.getShape().get(2) == 1
                    && g.getShape().get(3) == 1;
        }

        /** The input gradient at a {@link #pointOutput}: the signal times the kernel {@code w}, one matrix product. */
        private static NDArray pointBackward(LayerSpec l, NDArray g, NDArray w) {
            long n = g.getShape().get(0);
            return g.reshape(n, l.outChannels).matMul(w.reshape(l.outChannels, -1))
                    .reshape(n, l.inChannels, l.kernel[0], l.kernel[1]);
        }

        private static NDArray transposedConv(LayerSpec l, NDArray g, NDArray kernel) {
            try (NDArray laid = ChannelsLast.of(g)) {
                return ai.djl.nn.convolutional.Conv2d.conv2d(laid, kernel, null, new Shape(1, 1),
                        new Shape(l.kernel[0] - 1 - l.padding[0], l.kernel[1] - 1 - l.padding[1])).singletonOrThrow();
            }
        }

        /** (out, in, kh, kw) to (in, out, kh, kw), each kh x kw plane turned by 180 degrees, contiguous. */
        private static NDArray flippedTransposed(NDArray w) {
            return w.transpose(1, 0, 2, 3).flip(2, 3).toDevice(w.getDevice(), true);
        }

        @Override
        public long[] inputBox(LayerSpec l, long[] box) {
            return Shapes.windowBox(box, l.kernel, l.stride, l.padding, l.dilation);
        }
    }

    // ---- pooling ----

    static final class Pool implements NodeKind {
        private final boolean max;

        Pool(boolean max) {
            this.max = max;
        }

        @Override
        public List<String> fields() {
            return max ? List.of("kernel_size", "stride", "padding", "ceil_mode")
                    : List.of("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad");
        }

        @Override
        public void parse(JsonNode node, LayerSpec.Builder b, String where) {
            b.kernel = Fields.pair(node, "kernel_size", null, where, 1);
            b.stride = Fields.pair(node, "stride", b.kernel, where, 1);
            b.padding = Fields.padding(node, where);
            b.ceilMode = Fields.bool(node, "ceil_mode", false, where);
            b.countIncludePad = max || Fields.bool(node, "count_include_pad", true, where);
            int[] p = b.padding;
            if (Math.max(p[0], p[2]) * 2 > b.kernel[0] || Math.max(p[1], p[3]) * 2 > b.kernel[1]) {
                throw new ModelException(where + ": padding must be at most half the kernel size");
            }
            if (b.ceilMode && !(p[0] == p[2] && p[1] == p[3])) {
                throw new ModelException(where + ": ceil_mode with unequal padding before and after is not supported");
            }
        }

        @Override
        public void write(LayerSpec l, ObjectNode o) {
            Fields.putPair(o, "kernel_size", l.kernel);
            Fields.putPair(o, "stride", l.stride);
            if (max || !Arrays.equals(l.padding, new int[4])) {
                Fields.putPadding(o, l.padding);
            }
            if (l.ceilMode) {
                o.put("ceil_mode", true);
            }
            if (!max && !l.countIncludePad) {
                o.put("count_include_pad", false);
            }
        }

        @Override
        public boolean needsGraphFormat(LayerSpec l) {
            return l.ceilMode || !l.symmetricPadding() || !max && (!Arrays.equals(l.padding, new int[4]) || !l.countIncludePad);
        }

        @Override
        public long[] outputShape(LayerSpec l, List<long[]> inputs, String where) {
            long[] s = Shapes.single(inputs);
            Shapes.need3d(s, where);
            int[] p = l.padding;
            return new long[] {s[0],
                Shapes.window(s[1], l.kernel[0], l.stride[0], p[0], p[2], 1, l.ceilMode, where),
                Shapes.window(s[2], l.kernel[1], l.stride[1], p[1], p[3], 1, l.ceilMode, where)};
        }

        @Override
        public NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList in, boolean training) {
            NDArray x = in.singletonOrThrow();
            Shape k = hw(l.kernel);
            Shape s = hw(l.stride);
            if (l.symmetricPadding()) {
                Shape p = new Shape(l.padding[0], l.padding[1]);
                if (max) {
                    return ai.djl.nn.pooling.Pool.maxPool2d(x, k, s, p, l.ceilMode);
                }
                NDArray avg = ai.djl.nn.pooling.Pool.avgPool2d(x, k, s, p, l.ceilMode, true);
                if (l.countIncludePad) {
                    return avg;
                }
                // DJL 0.36's PyTorch engine ignores count_include_pad=false (it always counts the padding): divide
                // by the share of each window inside the input, pooled the same way.
                NDArray ones = x.getManager().ones(new Shape(1, 1, x.getShape().get(2), x.getShape().get(3)));
                return avg.div(ai.djl.nn.pooling.Pool.avgPool2d(ones, k, s, p, l.ceilMode, true));
            }
            Shape none = new Shape(0, 0);
            if (max) {
                return ai.djl.nn.pooling.Pool.maxPool2d(x.pad(padShape(l.padding), Double.NEGATIVE_INFINITY), k, s, none, false);
            }
            NDArray sum = ai.djl.nn.pooling.Pool.avgPool2d(x.pad(padShape(l.padding), 0), k, s, none, false, true);
            if (l.countIncludePad) {
                return sum;
            }
            // Unequal padding without counting it: divide by the share of each window inside the input.
            NDArray ones = x.getManager().ones(new Shape(1, 1, x.getShape().get(2), x.getShape().get(3)));
            NDArray share = ai.djl.nn.pooling.Pool.avgPool2d(ones.pad(padShape(l.padding), 0), k, s, none, false, true);
            return sum.div(share);
        }

        @Override
        public long[] inputBox(LayerSpec l, long[] box) {
            return Shapes.windowBox(box, l.kernel, l.stride, l.padding, new int[] {1, 1});
        }

        /**
         * Max pooling ignores whatever lies outside its input (-infinity reads the same); average pooling
         * on a crop divides by the whole window, which is exact only when it counts its padding and never
         * rounds up (a ceil-mode window is cut at the padded edge).
         */
        @Override
        public LayerSpec unpadded(LayerSpec l) {
            boolean padless = Arrays.equals(l.padding, new int[4]);
            return max || !l.ceilMode && (l.countIncludePad || padless) ? l.withoutPadding() : null;
        }

        @Override
        public float paddingValue(LayerSpec l) {
            return max ? Float.NEGATIVE_INFINITY : 0f;
        }
    }

    static final class GlobalAvgPool implements NodeKind {
        @Override
        public List<String> fields() {
            return List.of();
        }

        @Override
        public long[] outputShape(LayerSpec l, List<long[]> inputs, String where) {
            long[] s = Shapes.single(inputs);
            Shapes.need3d(s, where);
            return new long[] {s[0]};
        }

        @Override
        public NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList in, boolean training) {
            NDArray x = in.singletonOrThrow();
            Shape s = x.getShape();
            // PyTorch's DJL mean takes one axis at a time.
            return x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2});
        }

        @Override
        public boolean mixesAllPositions(List<long[]> inputShapes) {
            return true;
        }
    }

    // ---- reshaping and routing ----

    static final class Flatten implements NodeKind {
        @Override
        public List<String> fields() {
            return List.of();
        }

        @Override
        public long[] outputShape(LayerSpec l, List<long[]> inputs, String where) {
            return new long[] {Arrays.stream(Shapes.single(inputs)).reduce(1, (a, b) -> a * b)};
        }

        @Override
        public NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList in, boolean training) {
            NDArray x = in.singletonOrThrow();
            return x.reshape(x.getShape().get(0), -1);
        }

        @Override
        public boolean hasClosedFormBackward(LayerSpec l) {
            return true;
        }

        @Override
        public NDList backward(LayerSpec l, Block block, NDArray g, Shape[] inputs, NodeCache cache) {
            return new NDList(g.reshape(inputs[0]));
        }

        @Override
        public boolean mixesAllPositions(List<long[]> inputShapes) {
            return inputShapes.get(0).length == 3;
        }
    }

    static final class Identity implements NodeKind {
        /** Element-wise: a crop runs it unchanged. */
        @Override
        public LayerSpec unpadded(LayerSpec l) {
            return l;
        }

        @Override
        public List<String> fields() {
            return List.of();
        }

        @Override
        public long[] outputShape(LayerSpec l, List<long[]> inputs, String where) {
            return Shapes.single(inputs).clone();
        }

        @Override
        public NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList in, boolean training) {
            return in.singletonOrThrow();
        }

        @Override
        public boolean hasClosedFormBackward(LayerSpec l) {
            return true;
        }

        @Override
        public NDList backward(LayerSpec l, Block block, NDArray g, Shape[] inputs, NodeCache cache) {
            return new NDList(g);
        }
    }

    static final class Dropout implements NodeKind {
        /** Element-wise: a crop runs it unchanged. */
        @Override
        public LayerSpec unpadded(LayerSpec l) {
            return l;
        }

        @Override
        public List<String> fields() {
            return List.of("p");
        }

        @Override
        public void parse(JsonNode node, LayerSpec.Builder b, String where) {
            b.p = Fields.number(node, "p", 0.5, where);
            if (b.p < 0 || b.p >= 1) {
                throw new ModelException(where + ": \"p\" must be in [0, 1)");
            }
        }

        @Override
        public void write(LayerSpec l, ObjectNode o) {
            o.put("p", l.p);
        }

        @Override
        public long[] outputShape(LayerSpec l, List<long[]> inputs, String where) {
            return Shapes.single(inputs).clone();
        }

        @Override
        public Block block(LayerSpec l) {
            return ai.djl.nn.norm.Dropout.builder().optRate((float) l.p).build();
        }

        @Override
        public NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList in, boolean training) {
            return training ? one(block, ps, in.singletonOrThrow(), true) : in.singletonOrThrow();
        }

        @Override
        public boolean hasClosedFormBackward(LayerSpec l) {
            return true;
        }

        @Override
        public NDList backward(LayerSpec l, Block block, NDArray g, Shape[] inputs, NodeCache cache) {
            return new NDList(g); // inference mode: the identity
        }
    }

    static final class Add implements NodeKind {
        /** Element-wise: a crop runs it unchanged. */
        @Override
        public LayerSpec unpadded(LayerSpec l) {
            return l;
        }

        @Override
        public List<String> fields() {
            return List.of();
        }

        @Override
        public int minInputs() {
            return 2;
        }

        @Override
        public int maxInputs() {
            return Integer.MAX_VALUE;
        }

        @Override
        public long[] outputShape(LayerSpec l, List<long[]> inputs, String where) {
            for (long[] s : inputs) {
                if (!Arrays.equals(s, inputs.get(0))) {
                    throw new ModelException(where + ": adds inputs of different shapes " + shapes(inputs));
                }
            }
            return inputs.get(0).clone();
        }

        @Override
        public NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList in, boolean training) {
            NDArray sum = in.get(0).add(in.get(1));
            for (int i = 2; i < in.size(); i++) {
                sum = sum.add(in.get(i));
            }
            return sum;
        }

        @Override
        public boolean hasClosedFormBackward(LayerSpec l) {
            return true;
        }

        @Override
        public NDList backward(LayerSpec l, Block block, NDArray g, Shape[] inputs, NodeCache cache) {
            NDList out = new NDList(g);
            for (int i = 1; i < inputs.length; i++) {
                out.add(g.duplicate()); // each branch may consume its signal in place
            }
            return out;
        }
    }

    static final class Concat implements NodeKind {
        /** Element-wise: a crop runs it unchanged. */
        @Override
        public LayerSpec unpadded(LayerSpec l) {
            return l;
        }

        @Override
        public List<String> fields() {
            return List.of();
        }

        @Override
        public int maxInputs() {
            return Integer.MAX_VALUE;
        }

        @Override
        public long[] outputShape(LayerSpec l, List<long[]> inputs, String where) {
            long[] first = inputs.get(0);
            long channels = 0;
            for (long[] s : inputs) {
                if (s.length != first.length || !Arrays.equals(Arrays.copyOfRange(s, 1, s.length),
                        Arrays.copyOfRange(first, 1, first.length))) {
                    throw new ModelException(where + ": concatenates inputs whose shapes differ beyond the channels "
                            + shapes(inputs));
                }
                channels += s[0];
            }
            long[] out = first.clone();
            out[0] = channels;
            return out;
        }

        @Override
        public NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList in, boolean training) {
            return in.size() == 1 ? in.get(0) : NDArrays.concat(in, 1);
        }

        @Override
        public boolean hasClosedFormBackward(LayerSpec l) {
            return true;
        }

        @Override
        public NDList backward(LayerSpec l, Block block, NDArray g, Shape[] inputs, NodeCache cache) {
            if (inputs.length == 1) {
                return new NDList(g);
            }
            long[] at = new long[inputs.length - 1];
            long c = 0;
            for (int i = 0; i < at.length; i++) {
                c += inputs[i].get(1);
                at[i] = c;
            }
            NDList parts = g.split(at, 1);
            NDList out = new NDList();
            for (NDArray p : parts) {
                out.add(p.duplicate()); // contiguous, and each branch may consume it in place
            }
            return out;
        }
    }

    static final class Pad implements NodeKind {
        @Override
        public List<String> fields() {
            return List.of("padding");
        }

        @Override
        public void parse(JsonNode node, LayerSpec.Builder b, String where) {
            if (!node.has("padding")) {
                throw new ModelException(where + ": missing \"padding\"");
            }
            b.padding = Fields.padding(node, where);
        }

        @Override
        public void write(LayerSpec l, ObjectNode o) {
            o.putArray("padding").add(l.padding[0]).add(l.padding[1]).add(l.padding[2]).add(l.padding[3]);
        }

        @Override
        public long[] outputShape(LayerSpec l, List<long[]> inputs, String where) {
            long[] s = Shapes.single(inputs);
            Shapes.need3d(s, where);
            return new long[] {s[0], s[1] + l.padding[0] + l.padding[2], s[2] + l.padding[1] + l.padding[3]};
        }

        @Override
        public NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList in, boolean training) {
            return in.singletonOrThrow().pad(padShape(l.padding), 0);
        }

        @Override
        public boolean hasClosedFormBackward(LayerSpec l) {
            return true;
        }

        @Override
        public NDList backward(LayerSpec l, Block block, NDArray g, Shape[] inputs, NodeCache cache) {
            Shape s = inputs[0];
            int[] p = l.padding;
            return new NDList(g.get(new NDIndex(":, :, {}:{}, {}:{}", p[0], p[0] + s.get(2), p[1], p[1] + s.get(3))));
        }

        @Override
        public long[] inputBox(LayerSpec l, long[] box) {
            return new long[] {box[0] - l.padding[0], box[1] - l.padding[0], box[2] - l.padding[1], box[3] - l.padding[1]};
        }

        @Override
        public LayerSpec unpadded(LayerSpec l) {
            return l.withoutPadding();
        }
    }

    // ---- dense and normalisation ----

    static final class Linear implements NodeKind {
        @Override
        public List<String> fields() {
            return List.of("in_features", "out_features", "bias");
        }

        @Override
        public boolean hasParameters() {
            return true;
        }

        @Override
        public boolean isWeighted() {
            return true;
        }

        @Override
        public Map<String, long[]> parameterShapes(LayerSpec l) {
            return weightAndBias(l.bias, l.outFeatures, l.inFeatures);
        }

        @Override
        public void parse(JsonNode node, LayerSpec.Builder b, String where) {
            b.inFeatures = Fields.positiveInt(node, "in_features", where);
            b.outFeatures = Fields.positiveInt(node, "out_features", where);
            b.bias = Fields.bool(node, "bias", true, where);
        }

        @Override
        public void write(LayerSpec l, ObjectNode o) {
            o.put("in_features", l.inFeatures);
            o.put("out_features", l.outFeatures);
            o.put("bias", l.bias);
        }

        @Override
        public long[] outputShape(LayerSpec l, List<long[]> inputs, String where) {
            long[] s = Shapes.single(inputs);
            Shapes.needFlat(s, where, " (add a flatten or global_avgpool layer before it)");
            if (s[0] != l.inFeatures) {
                throw new ModelException(where + ": in_features is " + l.inFeatures + " but " + s[0] + " features reach it");
            }
            return new long[] {l.outFeatures};
        }

        @Override
        public Block block(LayerSpec l) {
            return ai.djl.nn.core.Linear.builder().setUnits(l.outFeatures).optBias(l.bias).build();
        }

        @Override
        public NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList in, boolean training) {
            return one(block, ps, in.singletonOrThrow(), training);
        }

        @Override
        public boolean hasClosedFormBackward(LayerSpec l) {
            return true;
        }

        @Override
        public NDList backward(LayerSpec l, Block block, NDArray g, Shape[] inputs, NodeCache cache) {
            return new NDList(g.matMul(param(block, "weight")));
        }
    }

    static final class BatchNorm implements NodeKind {
        private final boolean spatial;

        BatchNorm(boolean spatial) {
            this.spatial = spatial;
        }

        /** Element-wise: a crop runs it unchanged. */
        @Override
        public LayerSpec unpadded(LayerSpec l) {
            return spatial ? l : null;
        }

        @Override
        public List<String> fields() {
            return List.of("num_features", "eps");
        }

        @Override
        public boolean hasParameters() {
            return true;
        }

        @Override
        public boolean isBatchNorm() {
            return true;
        }

        @Override
        public Map<String, long[]> parameterShapes(LayerSpec l) {
            Map<String, long[]> out = new LinkedHashMap<>();
            for (String name : List.of("weight", "bias", "running_mean", "running_var")) {
                out.put(name, new long[] {l.numFeatures});
            }
            return out;
        }

        @Override
        public void parse(JsonNode node, LayerSpec.Builder b, String where) {
            b.numFeatures = Fields.positiveInt(node, "num_features", where);
            b.eps = Fields.number(node, "eps", 1e-5, where);
            if (!((float) b.eps > 0)) {
                throw new ModelException(where + ": \"eps\" must be positive (as a float32, so at least 1.4e-45), got "
                        + node.get("eps"));
            }
        }

        @Override
        public void write(LayerSpec l, ObjectNode o) {
            o.put("num_features", l.numFeatures);
            o.put("eps", l.eps);
        }

        @Override
        public long[] outputShape(LayerSpec l, List<long[]> inputs, String where) {
            long[] s = Shapes.single(inputs);
            if (spatial) {
                Shapes.need3d(s, where);
            } else {
                Shapes.needFlat(s, where, "");
            }
            if (s[0] != l.numFeatures) {
                throw new ModelException(where + ": num_features is " + l.numFeatures + " but " + s[0] + " channels reach it");
            }
            return s.clone();
        }

        @Override
        public Block block(LayerSpec l) {
            return ai.djl.nn.norm.BatchNorm.builder().optEpsilon((float) l.eps).optMomentum(0.9f).build();
        }

        @Override
        public NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList in, boolean training) {
            return one(block, ps, in.singletonOrThrow(), training);
        }

        /** In inference mode channel c is multiplied by gamma_c / sqrt(runningVar_c + eps). */
        @Override
        public NDArray channelScale(LayerSpec l, Block block) {
            return param(block, "gamma").div(param(block, "runningVar").add((float) l.eps).sqrt());
        }

        @Override
        public boolean hasClosedFormBackward(LayerSpec l) {
            return true;
        }

        @Override
        public NDList backward(LayerSpec l, Block block, NDArray g, Shape[] inputs, NodeCache cache) {
            NDArray s = cache.get("scale", () -> {
                NDArray scale = channelScale(l, block);
                long c = scale.getShape().get(0);
                return spatial ? scale.reshape(1, c, 1, 1) : scale.reshape(1, c);
            });
            return new NDList(g.mul(s));
        }
    }

    // ---- rectifiers ----

    static final class Relu implements NodeKind {
        /** Element-wise: a crop runs it unchanged. */
        @Override
        public LayerSpec unpadded(LayerSpec l) {
            return l;
        }

        @Override
        public List<String> fields() {
            return List.of();
        }

        @Override
        public long[] outputShape(LayerSpec l, List<long[]> inputs, String where) {
            return Shapes.single(inputs).clone();
        }

        @Override
        public NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList in, boolean training) {
            return Activation.relu(in.singletonOrThrow());
        }

        @Override
        public boolean isRectifier() {
            return true;
        }

        /** {@code [x > 0]} is {@code sign(y)} for {@code y = max(x, 0)}, computed in place. */
        @Override
        public NDArray passMaskConsuming(NDArray y) {
            return y.signi();
        }

        @Override
        public boolean passes(float x) {
            return x > 0;
        }
    }

    /** min(max(x, 0), 6), as ONNX {@code Clip(0, 6)}; the derivative is 1 on the open interval (0, 6). */
    static final class Relu6 implements NodeKind {
        /** Element-wise: a crop runs it unchanged. */
        @Override
        public LayerSpec unpadded(LayerSpec l) {
            return l;
        }

        @Override
        public List<String> fields() {
            return List.of();
        }

        @Override
        public long[] outputShape(LayerSpec l, List<long[]> inputs, String where) {
            return Shapes.single(inputs).clone();
        }

        @Override
        public NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList in, boolean training) {
            return in.singletonOrThrow().clip(0f, 6f);
        }

        @Override
        public boolean isRectifier() {
            return true;
        }

        /** {@code 0 < x < 6} exactly when {@code 0 < y < 6} for {@code y = clip(x, 0, 6)}. */
        @Override
        public NDArray passMaskConsuming(NDArray y) {
            NDArray mask = y.gt(0f).logicalAnd(y.lt(6f)).toType(DataType.FLOAT32, false);
            y.close();
            return mask;
        }

        @Override
        public boolean passes(float x) {
            return x > 0 && x < 6;
        }
    }
}
