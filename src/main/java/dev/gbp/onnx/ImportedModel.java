package dev.gbp.onnx;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.GbpInputException;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import dev.gbp.model.NpyArray;
import dev.gbp.model.Npz;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An imported network: the input size [C, H, W], the number of outputs, the {@code gbp-model/2} nodes in
 * topological order (the last is the output) and their arrays by name.
 *
 * @param input {C, H, W} of the images the network takes
 * @param outputs the number of outputs (classes)
 * @param nodes the nodes as {@code model.json} entries, in topological order
 * @param arrays the nodes' parameters by PyTorch-style name ({@code <node>.weight}, ...)
 */
public record ImportedModel(int[] input, int outputs, List<ObjectNode> nodes, Map<String, NpyArray> arrays) {

    /**
     * An imported network; {@code nodes} is copied into an unmodifiable list.
     *
     * @param input {C, H, W} of the images the network takes
     * @param outputs the number of outputs (classes)
     * @param nodes the nodes as {@code model.json} entries, in topological order
     * @param arrays the nodes' parameters by name
     */
    public ImportedModel {
        nodes = Collections.unmodifiableList(new ArrayList<>(nodes));
    }

    /**
     * Class names "0", "1", ... for when none are given.
     *
     * @return one name per output
     */
    public List<String> defaultClasses() {
        List<String> c = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            c.add(Integer.toString(i));
        }
        return c;
    }

    /**
     * The network as a spec, checked as every bundle is when it loads (names, inputs, shapes).
     *
     * @param mean per channel, the mean the model's input was normalised with (pixels in [0, 1])
     * @param std per channel, the standard deviation it was normalised with
     * @param classes one name per output
     * @return the spec
     * @throws IllegalArgumentException when mean, std or class names do not fit the network
     * @throws GbpInputException when mean, std or class names do not fit the network, a mean is not a finite float or a
     *     std not a positive one
     */
    public ModelSpec spec(double[] mean, double[] std, List<String> classes) {
        if (mean.length != input[0]) {
            throw GbpInputException.parameter("mean", "needs " + input[0] + " values (one per input channel), got " + mean.length);
        }
        if (std.length != input[0]) {
            throw GbpInputException.parameter("std", "needs " + input[0] + " values (one per input channel), got " + std.length);
        }
        for (int c = 0; c < input[0]; c++) {
            if (!Float.isFinite((float) mean[c])) {
                throw GbpInputException.parameter("mean", "needs finite numbers, got " + mean[c]);
            }
            if (!((float) std[c] > 0) || !Float.isFinite((float) std[c])) {
                throw GbpInputException.parameter("std", "needs finite numbers above 0, got " + std[c]);
            }
        }
        if (classes.size() != outputs) {
            throw GbpInputException.parameter("classes", "names " + classes.size() + " classes for " + outputs + " outputs");
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            layers.add(LayerSpec.fromJson(nodes.get(i), i));
        }
        return new ModelSpec(input, classes, floats(mean), floats(std), layers);
    }

    /**
     * Writes model.json (format 2) and weights.npz into {@code dir} (an existing, empty folder).
     *
     * @param dir the bundle folder
     * @param mean per channel, the mean the model's input was normalised with (pixels in [0, 1])
     * @param std per channel, the standard deviation it was normalised with
     * @param classes one name per output
     * @throws IOException when a file cannot be written
     */
    public void write(Path dir, double[] mean, double[] std, List<String> classes) throws IOException {
        spec(mean, std, classes).write(dir.resolve(Network.MODEL_FILE), true);
        Npz.write(dir.resolve(Network.WEIGHTS_FILE), arrays);
    }

    private static float[] floats(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }
}
