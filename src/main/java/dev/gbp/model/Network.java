package dev.gbp.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import dev.gbp.data.CifarImages;
import dev.gbp.engine.TorchRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A sequential DJL network built from a {@link ModelSpec}: one DJL block per layer of the spec, so
 * layer {@code i} of the spec is child {@code i} of the block and can be run on its own (the
 * layer-wise backward pass of the attribution engine depends on that).
 *
 * <p>Parameters are exchanged with {@code weights.npz} under PyTorch's names and layouts:
 * {@code <layer>.weight}, {@code .bias}, {@code .running_mean}, {@code .running_var}.
 */
public final class Network implements AutoCloseable {
    public static final String MODEL_FILE = "model.json";
    public static final String WEIGHTS_FILE = "weights.npz";

    private final ModelSpec spec;
    private final NDManager manager;
    private final SequentialBlock block;
    private final List<Block> layers;
    private final ParameterStore parameterStore;

    private Network(ModelSpec spec, NDManager parent, long seed) {
        TorchRuntime.start();
        this.spec = spec;
        this.manager = parent.newSubManager();
        this.block = new SequentialBlock();
        this.layers = new ArrayList<>();
        for (LayerSpec l : spec.layers()) {
            Block b = toBlock(l);
            layers.add(b);
            block.add(b);
        }
        // He initialisation (normal, fan-in, gain 2) suits ReLU networks trained from scratch.
        block.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        manager.getEngine().setRandomSeed((int) seed);
        int[] in = spec.input();
        block.initialize(manager, DataType.FLOAT32, new Shape(1, in[0], in[1], in[2]));
        this.parameterStore = new ParameterStore(manager, false);
    }

    /** A freshly initialised network (He-normal weights, seeded). */
    public static Network create(ModelSpec spec, NDManager parent, long seed) {
        return new Network(spec, parent, seed);
    }

    /** Loads a bundle folder holding {@code model.json} and {@code weights.npz}. */
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
        Map<String, NpyArray> weights = Npz.read(npz);
        Network net = new Network(spec, parent, 0);
        try {
            net.setWeights(weights, npz.toString());
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    public ModelSpec spec() {
        return spec;
    }

    public SequentialBlock block() {
        return block;
    }

    /** The DJL block of layer {@code i}. */
    public Block layer(int i) {
        return layers.get(i);
    }

    public int size() {
        return layers.size();
    }

    public NDManager manager() {
        return manager;
    }

    public ParameterStore parameterStore() {
        return parameterStore;
    }

    /** Stops (or restarts) gradients flowing into the parameters, as attribution needs. */
    public void freeze(boolean frozen) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter.Type t = p.getValue().getType();
            // Running statistics never take gradients; unfreezing them breaks PyTorch's batch_norm.
            if (t != Parameter.Type.RUNNING_MEAN && t != Parameter.Type.RUNNING_VAR) {
                p.getValue().freeze(frozen);
            }
        }
    }

    /** Runs the whole network. */
    public NDArray forward(NDArray x, boolean training) {
        return block.forward(parameterStore, new NDList(x), training).singletonOrThrow();
    }

    /**
     * Runs layers {@code 0..last} in inference mode and returns layer {@code last}'s output ({@code x}
     * itself when {@code last} is -1). Under a gradient collector the graph is recorded, as for any op.
     */
    public NDArray forwardTo(NDArray x, int last) {
        NDArray h = x;
        for (int i = 0; i <= last; i++) {
            h = forwardLayer(i, h, false);
        }
        return h;
    }

    /** Runs layer {@code i} alone. */
    public NDArray forwardLayer(int i, NDArray x, boolean training) {
        return layers.get(i).forward(parameterStore, new NDList(x), training).singletonOrThrow();
    }

    /**
     * Images {@code from..to} as the network's input: {@code (pixel/255 - mean) / std} per channel,
     * shape N x C x H x W, allocated in {@code target}.
     */
    public NDArray preprocess(NDManager target, CifarImages images, int from, int to) {
        int n = to - from;
        float[] out = new float[n * CifarImages.PIXELS];
        float[] mean = spec.mean();
        float[] std = spec.std();
        int plane = CifarImages.SIDE * CifarImages.SIDE;
        int[] px = new int[CifarImages.PIXELS];
        for (int i = 0; i < n; i++) {
            images.copyImage(from + i, px, 0);
            int base = i * CifarImages.PIXELS;
            for (int c = 0; c < 3; c++) {
                float m = mean[c];
                float s = std[c];
                for (int k = 0; k < plane; k++) {
                    out[base + c * plane + k] = (px[c * plane + k] / 255f - m) / s;
                }
            }
        }
        return target.create(out, new Shape(n, 3, CifarImages.SIDE, CifarImages.SIDE));
    }

    // ---- weights ----

    /** Every parameter and running statistic, under PyTorch's names, copied out of the engine. */
    public Map<String, NpyArray> weights() {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = spec.layer(i);
            for (Pair<String, Parameter> p : layers.get(i).getParameters()) {
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
     */
    public void setWeights(Map<String, NpyArray> weights, String source) {
        TreeSet<String> unused = new TreeSet<>(weights.keySet());
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = spec.layer(i);
            for (Pair<String, Parameter> p : layers.get(i).getParameters()) {
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
        for (int i = 0; i < layers.size(); i++) {
            LayerType t = spec.layer(i).type();
            if (t == LayerType.BATCHNORM1D || t == LayerType.BATCHNORM2D) {
                unused.remove(spec.layer(i).name() + ".num_batches_tracked");
            }
        }
        if (!unused.isEmpty()) {
            throw new ModelException(source + ": arrays not used by any layer: " + String.join(", ", unused)
                    + " (each array must be <layer name>.<weight|bias|running_mean|running_var> of a layer that has it)");
        }
    }

    /** Writes {@code model.json} and {@code weights.npz} into {@code dir} (which must exist). */
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

    private static Block toBlock(LayerSpec l) {
        switch (l.type()) {
            case CONV2D:
                return Conv2d.builder()
                        .setKernelShape(shape(l.kernel()))
                        .setFilters(l.outChannels())
                        .optStride(shape(l.stride()))
                        .optPadding(shape(l.padding()))
                        .optBias(l.bias())
                        .build();
            case LINEAR:
                return Linear.builder().setUnits(l.outFeatures()).optBias(l.bias()).build();
            case RELU:
                return Activation.reluBlock();
            case MAXPOOL2D:
                return Pool.maxPool2dBlock(shape(l.kernel()), shape(l.stride()), shape(l.padding()), false);
            case AVGPOOL2D:
                return Pool.avgPool2dBlock(shape(l.kernel()), shape(l.stride()), shape(l.padding()), false, true);
            case GLOBAL_AVGPOOL:
                return new LambdaBlock(in -> new NDList(globalAvgPool(in.singletonOrThrow())), "global_avgpool");
            case FLATTEN:
                return Blocks.batchFlattenBlock();
            case BATCHNORM1D:
            case BATCHNORM2D:
                return BatchNorm.builder().optEpsilon((float) l.eps()).optMomentum(0.9f).build();
            case DROPOUT:
                return Dropout.builder().optRate((float) l.p()).build();
            default:
                throw new ModelException("unsupported layer type " + l.type());
        }
    }

    /** Mean over H and W (N x C x H x W to N x C); PyTorch's DJL mean takes one axis at a time. */
    static NDArray globalAvgPool(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2});
    }

    private static Shape shape(int[] hw) {
        return new Shape(hw[0], hw[1]);
    }
}
