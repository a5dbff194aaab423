package dev.gbp.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.gbp.engine.TorchRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A DJL network built from a {@link ModelSpec}: one DJL block per node that has parameters, run node
 * by node in topological order, so any node can be run on its own (the layer-wise backward pass of the
 * attribution engine depends on that). What each node does is its kind's ({@link NodeKind}).
 *
 * <p>Parameters are exchanged with {@code weights.npz} under PyTorch's names and layouts:
 * {@code <node>.weight}, {@code .bias}, {@code .running_mean}, {@code .running_var}.
 *
 * <p>The first network starts the PyTorch engine ({@link dev.gbp.engine.TorchRuntime#start()}) unless it runs
 * already; start it yourself with {@link dev.gbp.engine.TorchRuntime#start(int)} before anything else touches
 * DJL. A network is not thread-safe. Its arrays live in a sub-manager of the manager it is given, released by
 * {@link #close()}.
 */
public final class Network implements AutoCloseable {
    /** The bundle's architecture file. */
    public static final String MODEL_FILE = "model.json";
    /** The bundle's weights file. */
    public static final String WEIGHTS_FILE = "weights.npz";

    private final ModelSpec spec;
    private final NDManager manager;
    private final Block[] blocks;
    private final ParameterStore parameterStore;
    private final NodeCache[] caches;

    private Network(ModelSpec spec, NDManager parent, long seed) {
        TorchRuntime.start();
        this.spec = spec;
        this.manager = parent.newSubManager();
        int n = spec.layers().size();
        this.blocks = new Block[n];
        this.caches = new NodeCache[n];
        manager.getEngine().setRandomSeed((int) seed);
        for (int i = 0; i < n; i++) {
            LayerSpec l = spec.layer(i);
            caches[i] = new NodeCache(manager);
            blocks[i] = l.kind().block(l);
            if (blocks[i] == null) {
                continue;
            }
            // He initialisation (normal, fan-in, gain 2) suits ReLU networks trained from scratch.
            blocks[i].setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                    XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
            List<long[]> ins = spec.inputShapes(i);
            long[] s = ins.get(0);
            long[] withBatch = new long[s.length + 1];
            withBatch[0] = 1;
            System.arraycopy(s, 0, withBatch, 1, s.length);
            if (l.type() == LayerType.CONV2D && !l.symmetricPadding()) {
                int[] p = l.padding();
                withBatch[2] += p[0] + p[2];
                withBatch[3] += p[1] + p[3];
            }
            blocks[i].initialize(manager, DataType.FLOAT32, new Shape(withBatch));
        }
        this.parameterStore = new ParameterStore(manager, false);
    }

    /**
     * A freshly initialised network (He-normal weights, seeded).
     *
     * @param spec the architecture
     * @param parent the manager whose sub-manager holds the network's arrays
     * @param seed the engine's random seed for the initial weights
     * @return the network; close it when done
     */
    public static Network create(ModelSpec spec, NDManager parent, long seed) {
        return new Network(spec, parent, seed);
    }

    /**
     * Loads a bundle folder holding {@code model.json} and {@code weights.npz}. Loading runs no code from the files:
     * the description is checked ({@link ModelSpec#read}), then every array against its node's declared shape
     * ({@link Npz#read(Path, Map, Set)}), before the network's memory is allocated.
     *
     * @param dir the bundle folder
     * @param parent the manager whose sub-manager holds the network's arrays
     * @return the network; close it when done
     * @throws ModelException naming the file, node or array when the bundle is missing, malformed or inconsistent
     */
    public static Network load(Path dir, NDManager parent) {
        if (!Files.isDirectory(dir)) {
            throw new ModelException("model folder " + dir + " does not exist");
        }
        Path json = dir.resolve(MODEL_FILE);
        Path npz = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(json)) {
            throw new ModelException(dir + " has no " + MODEL_FILE + " (a model bundle holds model.json and weights.npz)");
        }
        if (!Files.isRegularFile(npz)) {
            throw new ModelException(dir + " has no " + WEIGHTS_FILE + " (a model bundle holds model.json and weights.npz)");
        }
        ModelSpec spec = ModelSpec.read(json);
        // Read against the declared shapes, so that no entry inflates past what the model needs.
        Set<String> counters = new HashSet<>();
        for (LayerSpec l : spec.layers()) {
            if (l.type().isBatchNorm()) {
                counters.add(l.name() + ".num_batches_tracked");
            }
        }
        Map<String, NpyArray> weights = Npz.read(npz, spec.parameterShapes(), counters);
        Network net = new Network(spec, parent, 0);
        try {
            net.setWeights(weights, npz.toString());
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    /**
     * The architecture: input size, classes, normalisation and nodes.
     *
     * @return the spec
     */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * The DJL block holding node {@code i}'s parameters, or null when it has none.
     *
     * @param i the node's index
     * @return the block, or null
     */
    public Block layer(int i) {
        return blocks[i];
    }

    /**
     * Arrays node {@code i} derives from its parameters for its backward step (for the attribution engine).
     *
     * @param i the node's index
     * @return the node's cache
     */
    public NodeCache cache(int i) {
        return caches[i];
    }

    /**
     * The number of nodes.
     *
     * @return the count; the last node is the output
     */
    public int size() {
        return blocks.length;
    }

    /**
     * The manager that holds the network's arrays (a sub-manager of the one it was made with).
     *
     * @return the manager
     */
    public NDManager manager() {
        return manager;
    }

    /**
     * The DJL parameter store the blocks run with.
     *
     * @return the store
     */
    public ParameterStore parameterStore() {
        return parameterStore;
    }

    /**
     * Every parameter and running statistic, under DJL's names prefixed by the node's index.
     *
     * @return e.g. {@code 0.weight}, {@code 1.gamma}, in node order
     */
    public PairList<String, Parameter> parameters() {
        PairList<String, Parameter> out = new PairList<>();
        for (int i = 0; i < blocks.length; i++) {
            if (blocks[i] != null) {
                for (Pair<String, Parameter> p : blocks[i].getParameters()) {
                    out.add(i + "." + p.getKey(), p.getValue());
                }
            }
        }
        return out;
    }

    /**
     * Stops (or restarts) gradients flowing into the parameters, as attribution needs.
     *
     * @param frozen true to stop them
     */
    public void freeze(boolean frozen) {
        for (Pair<String, Parameter> p : parameters()) {
            Parameter.Type t = p.getValue().getType();
            // Running statistics never take gradients; unfreezing them breaks PyTorch's batch_norm.
            if (t != Parameter.Type.RUNNING_MEAN && t != Parameter.Type.RUNNING_VAR) {
                p.getValue().freeze(frozen);
            }
        }
    }

    /**
     * Runs the whole network.
     *
     * @param x normalised images, N x C x H x W
     * @param training true to run as in training (BatchNorm on batch statistics, dropout on)
     * @return the logits, N x classes
     */
    public NDArray forward(NDArray x, boolean training) {
        return forwardTo(x, blocks.length - 1, training);
    }

    /**
     * Runs the nodes {@code 0..last} in inference mode and returns node {@code last}'s output ({@code x}
     * itself when {@code last} is -1). Under a gradient collector the graph is recorded, as for any op.
     *
     * @param x normalised images, N x C x H x W
     * @param last the node whose output is wanted
     * @return its output, with the batch axis
     */
    public NDArray forwardTo(NDArray x, int last) {
        return forwardTo(x, last, false);
    }

    /**
     * Runs the nodes up to {@code last} that it depends on, once in inference mode, and returns each one's output as
     * {@link #forwardTo} would give it.
     *
     * @param x normalised images, N x C x H x W
     * @param last the last node to run
     * @return one output per node up to {@code last}, null for the nodes {@code last} does not depend on
     */
    public NDArray[] forwardEach(NDArray x, int last) {
        NDArray[] all = new NDArray[last + 1];
        forwardTo(x, last, false, all);
        return all;
    }

    private NDArray forwardTo(NDArray x, int last, boolean training) {
        return forwardTo(x, last, training, null);
    }

    /** The forward pass to node {@code last}; each node's output is also left in {@code all} when it is given. */
    private NDArray forwardTo(NDArray x, int last, boolean training, NDArray[] all) {
        if (last < 0) {
            return x;
        }
        NDArray[] outs = new NDArray[last + 1];
        int[] left = remainingUses(last);
        for (int i = 0; i <= last; i++) {
            if (left[i] == 0 && i != last) {
                continue; // not an ancestor of the requested node
            }
            int[] ins = spec.inputsOf(i);
            NDList in = new NDList(ins.length);
            for (int j : ins) {
                in.add(j == ModelSpec.GRAPH_INPUT ? x : outs[j]);
            }
            outs[i] = forwardNode(i, in, training);
            if (all != null) {
                all[i] = outs[i];
            }
            for (int j : ins) {
                if (j != ModelSpec.GRAPH_INPUT && --left[j] == 0) {
                    outs[j] = null; // no later node reads it: let its memory go with the scope
                }
            }
        }
        return outs[last];
    }

    /** How many nodes up to {@code last} read each node, counting only ancestors of {@code last}. */
    private int[] remainingUses(int last) {
        int[] uses = new int[last + 1];
        boolean[] needed = new boolean[last + 1];
        needed[last] = true;
        for (int i = last; i >= 0; i--) {
            if (!needed[i]) {
                continue;
            }
            for (int j : spec.inputsOf(i)) {
                if (j != ModelSpec.GRAPH_INPUT) {
                    needed[j] = true;
                    uses[j]++;
                }
            }
        }
        return uses;
    }

    /**
     * Runs the whole network in inference mode and returns every node's output, in node order.
     *
     * @param x normalised images, N x C x H x W
     * @return one output per node
     */
    public NDArray[] forwardEach(NDArray x) {
        NDArray[] outs = new NDArray[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            int[] ins = spec.inputsOf(i);
            NDList in = new NDList(ins.length);
            for (int j : ins) {
                in.add(j == ModelSpec.GRAPH_INPUT ? x : outs[j]);
            }
            outs[i] = forwardNode(i, in, false);
        }
        return outs;
    }

    /**
     * Runs node {@code i} alone on its inputs.
     *
     * @param i the node's index
     * @param inputs its inputs, in the order {@link ModelSpec#inputsOf} gives
     * @param training true to run as in training
     * @return its output
     */
    public NDArray forwardNode(int i, NDList inputs, boolean training) {
        LayerSpec l = spec.layer(i);
        return l.kind().forward(l, blocks[i], parameterStore, inputs, training);
    }

    /**
     * Runs node {@code i}, which reads one input, alone.
     *
     * @param i the node's index
     * @param x its input
     * @param training true to run as in training
     * @return its output
     */
    public NDArray forwardLayer(int i, NDArray x, boolean training) {
        return forwardNode(i, new NDList(x), training);
    }

    /**
     * Images {@code from..to} as the network's input: {@code (pixel/255 - mean) / std} per channel,
     * shape N x C x H x W, allocated in {@code target}.
     *
     * @param target the manager that owns the array
     * @param images the images, of the network's input size
     * @param from the first image
     * @param to the image after the last
     * @return the network's input for those images
     * @throws ModelException when the images' size is not the network's input size
     */
    public NDArray preprocess(NDManager target, Pixels images, int from, int to) {
        int[] in = spec.input();
        if (images.channels() != in[0] || images.height() != in[1] || images.width() != in[2]) {
            throw new ModelException("the images are " + images.channels() + " x " + images.height() + " x "
                    + images.width() + " but the network takes " + in[0] + " x " + in[1] + " x " + in[2]);
        }
        int n = to - from;
        int plane = in[1] * in[2];
        int pixels = in[0] * plane;
        float[] out = new float[Math.multiplyExact(n, pixels)];
        float[] mean = spec.mean();
        float[] std = spec.std();
        int[] px = new int[pixels];
        for (int i = 0; i < n; i++) {
            images.copyImage(from + i, px, 0);
            int base = i * pixels;
            for (int c = 0; c < in[0]; c++) {
                float m = mean[c];
                float s = std[c];
                for (int k = 0; k < plane; k++) {
                    out[base + c * plane + k] = (px[c * plane + k] / 255f - m) / s;
                }
            }
        }
        return target.create(out, new Shape(n, in[0], in[1], in[2]));
    }

    // ---- weights ----

    /**
     * Every parameter and running statistic, under PyTorch's names, copied out of the engine.
     *
     * @return the arrays by name, e.g. {@code conv1.weight}, in node order
     */
    public Map<String, NpyArray> weights() {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        for (int i = 0; i < blocks.length; i++) {
            LayerSpec l = spec.layer(i);
            for (Pair<String, Parameter> p : parametersOf(i)) {
                NDArray a = p.getValue().getArray();
                out.put(l.name() + "." + torchName(p.getKey()), new NpyArray(a.getShape().getShape(), a.toFloatArray()));
            }
        }
        return out;
    }

    /**
     * Replaces every parameter with the arrays of {@code weights}. Each array the network expects must
     * be there, float32 and of the right shape, and no array may be left over (but a BatchNorm's
     * {@code num_batches_tracked}, which PyTorch exports and inference ignores).
     *
     * @param weights the arrays by PyTorch name, e.g. {@code conv1.weight}
     * @param source where they come from, for messages (e.g. the file)
     * @throws ModelException naming the node and array when one is missing, not float32, of the wrong shape or
     *     left over
     */
    public void setWeights(Map<String, NpyArray> weights, String source) {
        TreeSet<String> unused = new TreeSet<>(weights.keySet());
        for (int i = 0; i < blocks.length; i++) {
            LayerSpec l = spec.layer(i);
            for (Pair<String, Parameter> p : parametersOf(i)) {
                String key = l.name() + "." + torchName(p.getKey());
                NpyArray a = weights.get(key);
                String where = l.describe(i);
                if (a == null) {
                    throw new ModelException(where + ": " + source + " has no array '" + key + "'");
                }
                if (!a.isFloat32()) {
                    throw new ModelException(where + ": array '" + key + "' is " + a.dtype()
                            + ", expected float32 (<f4)");
                }
                long[] want = p.getValue().getArray().getShape().getShape();
                if (!Arrays.equals(want, a.shape())) {
                    throw new ModelException(where + ": array '" + key + "' has shape " + Arrays.toString(a.shape())
                            + ", expected " + Arrays.toString(want));
                }
                p.getValue().getArray().set(a.data());
                unused.remove(key);
            }
        }
        // PyTorch's state_dict also holds each BatchNorm's update counter, which inference never reads.
        for (int i = 0; i < blocks.length; i++) {
            if (spec.layer(i).type().isBatchNorm()) {
                unused.remove(spec.layer(i).name() + ".num_batches_tracked");
            }
        }
        if (!unused.isEmpty()) {
            throw new ModelException(source + ": arrays not used by any layer: " + String.join(", ", unused)
                    + " (each array must be <layer name>.<weight|bias|running_mean|running_var> of a layer that has it)");
        }
    }

    /**
     * Writes {@code model.json} and {@code weights.npz} into {@code dir} (which must exist).
     *
     * @param dir the bundle folder
     * @throws IOException when a file cannot be written
     */
    public void save(Path dir) throws IOException {
        spec.write(dir.resolve(MODEL_FILE));
        Npz.write(dir.resolve(WEIGHTS_FILE), weights());
    }

    @Override
    public void close() {
        manager.close();
    }

    /** DJL's parameter names to PyTorch's. */
    static String torchName(String djl) {
        switch (djl) {
            case "gamma":
                return "weight";
            case "beta":
                return "bias";
            case "runningMean":
                return "running_mean";
            case "runningVar":
                return "running_var";
            default:
                return djl;
        }
    }

    private PairList<String, Parameter> parametersOf(int i) {
        return blocks[i] == null ? new PairList<>() : blocks[i].getParameters();
    }

}
