package dev.gbp.attr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gbp.engine.HostCopy;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelSpec;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The cones of one batch's chosen neurons: for every node below the seeded one, the box of its output
 * that the image's neuron depends on, so that the backward walk runs on crops instead of whole maps. The
 * boxes are those of {@link dev.gbp.model.ReceptiveField}, kept at every node; they move with the neuron
 * along each node's stride grid, so every image's crop of a node has one size and the crops batch. The
 * crops' values are cut ({@link #crop}, {@link #read}) from the activations of the forward pass that chose
 * the neurons: in the map, they are the full network's own; outside it, zero.
 *
 * <p>Exactness: a node the walk runs again on crops (one whose backward step autograd takes) runs unpadded
 * ({@link dev.gbp.model.NodeKind#unpadded}) on the part of its input crop its box reads. Where that part
 * leaves the input's real map, those positions are set to the node's padding value (a per-image mask),
 * so every in-map value of its output equals the full network's. The walk's signal at positions outside
 * a map is forced to zero at every padded node ({@link #toInput}), as the full network's padding takes none.
 * A node that reads no padding needs no mask: its in-map outputs read only in-map inputs, and its
 * out-of-map outputs, whose signal is already zero, hand only zero back. A node whose padding value is zero
 * needs no fill either: every crop is cut with zeros outside its map. And the signal at the input's positions
 * outside its map is never zeroed: {@link #paste} skips them.
 */
final class Cone {
    private final ModelSpec spec;
    private final int seeded;
    private final int n;
    /** Each node as it runs on crops (null for nodes the seeded one does not read). */
    private final LayerSpec[] layers;
    /** [slot][image] = {y0, y1, x0, x1}, inclusive, in the node's map coordinates; slot 0 is the input, j + 1 node j. */
    private final long[][][] boxes;
    /** {@link #edgeMask}s made so far, by node and input (an empty array: every position inside). */
    private final java.util.Map<Long, NDArray[]> edgeMasks = new java.util.HashMap<>();

    private Cone(ModelSpec spec, int seeded, int n, LayerSpec[] layers, long[][][] boxes) {
        this.spec = spec;
        this.seeded = seeded;
        this.n = n;
        this.layers = layers;
        this.boxes = boxes;
    }

    /**
     * The cones of neurons {@code choices} of node {@code seeded}, or null when cropping cannot be exact
     * (a flat node or one no crop reproduces on the way: {@link dev.gbp.model.NodeKind#unpadded}, or
     * images' crops of different sizes) or would not pay ({@link #pays}).
     */
    static Cone of(ModelSpec spec, int seeded, NeuronChoice[] choices) {
        if (spec.outputShape(seeded).length != 3 || choices.length == 0) {
            return null;
        }
        boolean[] needed = spec.ancestors(seeded);
        LayerSpec[] layers = new LayerSpec[seeded + 1];
        for (int i = 0; i <= seeded; i++) {
            if (!needed[i]) {
                continue;
            }
            LayerSpec l = spec.layer(i);
            for (long[] s : spec.inputShapes(i)) {
                if (s.length != 3) {
                    return null;
                }
            }
            layers[i] = l.kind().unpadded(l);
            if (layers[i] == null) {
                return null;
            }
        }
        int n = choices.length;
        long[][][] boxes = new long[seeded + 2][n][];
        for (int m = 0; m < n; m++) {
            boxes[seeded + 1][m] = new long[] {choices[m].y(), choices[m].y(), choices[m].x(), choices[m].x()};
            for (int i = seeded; i >= 0; i--) {
                if (boxes[i + 1][m] == null) {
                    continue;
                }
                long[] region = spec.layer(i).kind().inputBox(spec.layer(i), boxes[i + 1][m]);
                for (int j : spec.inputsOf(i)) {
                    boxes[j + 1][m] = union(boxes[j + 1][m], region);
                }
            }
        }
        Cone cone = new Cone(spec, seeded, n, layers, boxes);
        return boxes[0][0] != null && cone.batches() && cone.pays() ? cone : null;
    }

    /**
     * Whether walking the crops is worth their own costs (cutting them, masks) against the whole-map walk's forward
     * pass under autograd: their values (summed over the nodes, padding included) must be at most five eighths of the
     * whole maps'. Measured with {@code gbp bench} (docs/BENCHMARKS.md), guided images/s of the cropped walk over the
     * whole one: 1.7x at 9% of the values (the ResNet's conv4_relu), 1.5x at 44% (the seed network's conv3_relu),
     * 1.12-1.13x at 61-62% (the seed network's pool3, cifar10-cnn's conv6_relu).
     */
    private boolean pays() {
        long cropped = 0;
        long whole = 0;
        for (int slot = 0; slot <= seeded + 1; slot++) {
            long[] b = boxes[slot][0];
            if (b == null) {
                continue;
            }
            int j = slot - 1;
            int[] hw = map(j);
            long channels = j == ModelSpec.GRAPH_INPUT ? spec.input()[0] : spec.outputShape(j)[0];
            cropped += channels * height(b) * width(b);
            whole += channels * hw[0] * hw[1];
        }
        return cropped * 8 <= whole * 5;
    }

    /** Whether every image's crop of each node has one size and each node reads one part of each input crop. */
    private boolean batches() {
        for (int slot = 0; slot <= seeded + 1; slot++) {
            for (int m = 1; m < n; m++) {
                if ((boxes[slot][0] == null) != (boxes[slot][m] == null)
                        || boxes[slot][0] != null && (height(boxes[slot][m]) != height(boxes[slot][0])
                                || width(boxes[slot][m]) != width(boxes[slot][0]))) {
                    return false;
                }
            }
        }
        for (int i = 0; i <= seeded; i++) {
            if (layers[i] == null || boxes[i + 1][0] == null) {
                continue;
            }
            for (int k = 0; k < spec.inputsOf(i).length; k++) {
                long[] at = offset(i, k, 0);
                for (int m = 1; m < n; m++) {
                    if (!Arrays.equals(at, offset(i, k, m))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Node {@code i} as it runs on crops. */
    LayerSpec layer(int i) {
        return layers[i];
    }

    /**
     * Each image's crop of node {@code j}'s output ({@link ModelSpec#GRAPH_INPUT}: the input), cut from {@code full},
     * that output on the whole maps: N x C x h x w, zero outside the map.
     */
    NDArray crop(int j, NDArray full) {
        return cut(full, boxes[j + 1]);
    }

    /** The shape of the input crop, N x C x h x w. */
    Shape inputCropShape() {
        return new Shape(n, spec.input()[0], height(boxes[0][0]), width(boxes[0][0]));
    }

    /** The shapes of node {@code i}'s inputs as it reads them on crops ({@link #read}), with the batch axis. */
    Shape[] inputShapes(int i) {
        int[] from = spec.inputsOf(i);
        long[] r = region(i, 0);
        Shape[] shapes = new Shape[from.length];
        for (int k = 0; k < from.length; k++) {
            long c = from[k] == ModelSpec.GRAPH_INPUT ? spec.input()[0] : spec.outputShape(from[k])[0];
            shapes[k] = new Shape(n, c, height(r), width(r));
        }
        return shapes;
    }

    /** The full-size maps (N x C x H x W) holding each image's crop {@code signal} of the input. */
    float[] paste(NDArray signal, long[] inputShape) {
        int c = (int) inputShape[1];
        int h = (int) inputShape[2];
        int w = (int) inputShape[3];
        float[] out = new float[n * c * h * w];
        copyBoxes(boxes[0], c, h, w, out, HostCopy.view(signal));
        return out;
    }

    /**
     * The seed on the seeded node's 1 x 1 crop: each image's seed value ({@link Selection#seedValue}) in its chosen
     * neuron's channel, of the seeded node's {@code channels}.
     */
    NDArray cropSeed(Selection sel, int channels, NDManager manager) {
        float[] out = new float[n * channels];
        for (int m = 0; m < n; m++) {
            out[m * channels + sel.choices[m].c()] = sel.seedValue(m);
        }
        return manager.create(out, new Shape(n, channels, 1, 1));
    }

    /** Whether node {@code i} reads the whole crop of its {@code k}-th input (then {@link #read} is that crop). */
    boolean readsWholeCrop(int i, int k) {
        long[] at = offset(i, k, 0);
        long[] region = region(i, 0);
        long[] whole = boxes[spec.inputsOf(i)[k] + 1][0];
        return at[0] == 0 && at[1] == 0 && height(region) == height(whole) && width(region) == width(whole);
    }

    /**
     * What node {@code i} reads of its {@code k}-th input, cut from {@code full}, that input on the whole maps: each
     * image's part its box needs, zero outside the input's map ({@link #pad} then sets the node's padding there).
     */
    NDArray read(int i, int k, NDArray full) {
        long[][] regions = new long[n][];
        for (int m = 0; m < n; m++) {
            regions[m] = region(i, m);
        }
        return cut(full, regions);
    }

    /** {@code x} (what {@link #read} gave) with the out-of-map positions holding node {@code i}'s padding value. */
    NDArray pad(int i, int k, NDArray x) {
        LayerSpec l = spec.layer(i);
        if (l.kind().paddingValue(l) == 0f) {
            return x; // every cut crop holds zeros outside its map
        }
        NDArray[] inside = edgeMask(i, k, x.getManager());
        if (inside == null) {
            return x;
        }
        // Crops hold finite values only ({@link #finite}), so multiplying by the 0/1 mask is exact.
        NDArray masked = x.mul(inside[0]);
        return inside[1] == null ? masked : masked.addi(inside[1]); // no second array: the padding is 0
    }

    /**
     * Node {@code i}'s output {@code y} with the out-of-map positions set to 0 when it read -infinity
     * padding (max pooling), so no infinity reaches the walk.
     */
    NDArray finite(int i, NDArray y) {
        LayerSpec l = spec.layer(i);
        if (layers[i] == l || Float.isFinite(l.kind().paddingValue(l))) {
            return y; // read no padding, or none infinite
        }
        NDArray[] inside = mask(boxes[i + 1], map(i), 0f, y.getManager(), true);
        return inside == null ? y : NDArrays.where(inside[0].broadcast(y.getShape()), y, y.zerosLike());
    }

    /**
     * The signal {@code s} that node {@code i} passes to its {@code k}-th input, as a signal on that
     * input's crop: zero at positions outside the input's map (the padding takes none) and outside the
     * part node {@code i} read.
     */
    NDArray toInput(int i, int k, NDArray s) {
        // The input's out-of-map positions are never pasted.
        NDArray[] inside = spec.inputsOf(i)[k] == ModelSpec.GRAPH_INPUT ? null : edgeMask(i, k, s.getManager());
        NDArray g = inside == null ? s : s.mul(inside[0]);
        if (g != s) {
            s.close();
        }
        long[] at = offset(i, k, 0);
        long[] whole = boxes[spec.inputsOf(i)[k] + 1][0];
        long below = height(whole) - at[0] - g.getShape().get(2);
        long right = width(whole) - at[1] - g.getShape().get(3);
        if (at[0] == 0 && at[1] == 0 && below == 0 && right == 0) {
            return g;
        }
        NDArray padded = g.pad(new Shape(at[1], right, at[0], below), 0);
        g.close();
        return padded;
    }

    /**
     * {@link #mask} of each image's region of node {@code i}'s {@code k}-th input in that input's map, with node
     * {@code i}'s padding value outside; made once per input and kept for the walk's way back ({@link #toInput} reads
     * the same 0/1 mask as {@link #pad}).
     */
    private NDArray[] edgeMask(int i, int k, NDManager manager) {
        LayerSpec l = spec.layer(i);
        if (layers[i] == l) {
            return null; // reads no padding: element-wise, or padding-free (see the class comment)
        }
        long key = (long) i << 32 | k;
        NDArray[] cached = edgeMasks.get(key);
        if (cached != null) {
            return cached.length == 0 ? null : cached;
        }
        int j = spec.inputsOf(i)[k];
        long[][] regions = new long[n][];
        for (int m = 0; m < n; m++) {
            regions[m] = region(i, m);
        }
        NDArray[] made = mask(regions, map(j), l.kind().paddingValue(l), manager, false);
        edgeMasks.put(key, made == null ? new NDArray[0] : made);
        return made;
    }

    /**
     * N x 1 x h x w, whether each position of each image's box lies inside a map of {@code hw}: 1 or 0
     * (or true or false when {@code bool}), with {@code value} where it does not as a second array
     * (unless {@code value} is 0 or {@code bool}); null when every position does.
     */
    private NDArray[] mask(long[][] perImage, int[] hw, float value, NDManager manager, boolean bool) {
        int h = (int) height(perImage[0]);
        int w = (int) width(perImage[0]);
        boolean[] inside = new boolean[n * h * w];
        boolean all = true;
        for (int m = 0; m < n; m++) {
            long[] b = perImage[m];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    long iy = b[0] + y;
                    long ix = b[2] + x;
                    boolean in = iy >= 0 && iy < hw[0] && ix >= 0 && ix < hw[1];
                    inside[(m * h + y) * w + x] = in;
                    all &= in;
                }
            }
        }
        if (all) {
            return null;
        }
        Shape shape = new Shape(n, 1, h, w);
        if (bool) {
            return new NDArray[] {manager.create(inside, shape)};
        }
        float[] ones = new float[inside.length];
        float[] outside = value == 0f ? null : new float[inside.length];
        for (int p = 0; p < inside.length; p++) {
            ones[p] = inside[p] ? 1f : 0f;
            if (outside != null) {
                outside[p] = inside[p] ? 0f : value;
            }
        }
        return new NDArray[] {manager.create(ones, shape), outside == null ? null : manager.create(outside, shape)};
    }

    /** The map size {h, w} of node {@code j}'s output ({@link ModelSpec#GRAPH_INPUT}: the input). */
    private int[] map(int j) {
        if (j == ModelSpec.GRAPH_INPUT) {
            int[] in = spec.input();
            return new int[] {in[1], in[2]};
        }
        long[] s = spec.outputShape(j);
        return new int[] {(int) s[1], (int) s[2]};
    }

    /** The box of its inputs that node {@code i}'s box reads, for image {@code m}. */
    private long[] region(int i, int m) {
        LayerSpec l = spec.layer(i);
        return l.kind().inputBox(l, boxes[i + 1][m]);
    }

    /** Where node {@code i}'s region of its {@code k}-th input starts in that input's crop, {dy, dx}, for image {@code m}. */
    private long[] offset(int i, int k, int m) {
        long[] r = region(i, m);
        long[] b = boxes[spec.inputsOf(i)[k] + 1][m];
        return new long[] {r[0] - b[0], r[2] - b[2]};
    }

    /**
     * Each image's box of {@code perImage} cut out of {@code full} (N x C x H x W): N x C x h x w, laid out channels-last
     * as the activations, zero outside the map. Written in place into the engine's memory, a row of a box (its
     * positions times the channels) at a time from a channels-last source; any other layout is first copied into one.
     */
    private NDArray cut(NDArray full, long[][] perImage) {
        long[] s = full.getShape().getShape();
        int c = (int) s[1];
        int h = (int) s[2];
        int w = (int) s[3];
        int ch = (int) height(perImage[0]);
        int cw = (int) width(perImage[0]);
        HostCopy.Writable out = HostCopy.writable(full.getManager(), new Shape(n, ch, cw, c));
        FloatBuffer to = out.view();
        float[] zeros = new float[cw * c];
        try (NDArray nhwc = full.transpose(0, 2, 3, 1)) {
            FloatBuffer from = HostCopy.view(nhwc);
            for (int m = 0; m < n; m++) {
                long[] b = perImage[m];
                int x0 = (int) Math.max(0, b[2]);
                int x1 = (int) Math.min(w, b[3] + 1);
                for (int y = 0; y < ch; y++) {
                    int row = (m * ch + y) * cw * c;
                    long iy = b[0] + y;
                    if (iy < 0 || iy >= h || x0 >= x1) {
                        to.put(row, zeros, 0, cw * c);
                        continue;
                    }
                    int left = (int) (x0 - b[2]) * c;
                    to.put(row, zeros, 0, left);
                    to.put(row + left, from, (int) (((m * h + iy) * w + x0) * c), (x1 - x0) * c);
                    int done = left + (x1 - x0) * c;
                    to.put(row + done, zeros, 0, cw * c - done);
                }
            }
        }
        try (NDArray rows = out.array()) {
            return rows.transpose(0, 3, 1, 2);
        }
    }

    /**
     * Copies crops {@code source} (N x c x ch x cw, the size of each image's box in {@code perImage}) into full maps
     * {@code target} (N x c x h x w). Positions of a box outside the map are skipped (left as they are). The source is
     * read in place (a view of the engine's memory), so no copy of it is made in Java.
     */
    private void copyBoxes(long[][] perImage, int c, int h, int w, float[] target, FloatBuffer source) {
        int ch = (int) height(perImage[0]);
        int cw = (int) width(perImage[0]);
        for (int m = 0; m < n; m++) {
            long[] b = perImage[m];
            int x0 = (int) Math.max(0, b[2]); // the box's columns inside the map: x0 <= x < x1
            int x1 = (int) Math.min(w, b[3] + 1);
            if (x0 >= x1) {
                continue;
            }
            for (int k = 0; k < c; k++) {
                for (int y = 0; y < ch; y++) {
                    long iy = b[0] + y;
                    if (iy >= 0 && iy < h) {
                        int inCrop = ((m * c + k) * ch + y) * cw + (int) (x0 - b[2]);
                        source.get(inCrop, target, ((m * c + k) * h + (int) iy) * w + x0, x1 - x0);
                    }
                }
            }
        }
    }

    private static long height(long[] box) {
        return box[1] - box[0] + 1;
    }

    private static long width(long[] box) {
        return box[3] - box[2] + 1;
    }

    private static long[] union(long[] a, long[] b) {
        if (a == null) {
            return b.clone();
        }
        return new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.max(a[3], b[3])};
    }

    /** The number of input positions each image's crop covers (padding included), for reports. */
    long inputCropArea() {
        return height(boxes[0][0]) * width(boxes[0][0]);
    }
}
