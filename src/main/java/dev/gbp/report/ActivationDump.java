package dev.gbp.report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import dev.gbp.model.Npz;
import dev.gbp.model.NpyArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --dump-activations}: the normalised input, every layer's output (inference mode) and the
 * logits, as one {@code .npz} that numpy or PyTorch users can check a run against.
 */
public final class ActivationDump {
    private ActivationDump() {}

    public static void write(Path file, Network net, CifarImages images, int batchSize) throws IOException {
        ModelSpec spec = net.spec();
        int n = images.size();
        int layers = spec.layers().size();
        float[][] outs = new float[layers][];
        float[] input = new float[n * images.imageSize()];
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            try (NDScope scope = new NDScope()) {
                NDArray h = net.preprocess(net.manager(), images, from, to);
                System.arraycopy(h.toFloatArray(), 0, input, from * images.imageSize(), (to - from) * images.imageSize());
                NDArray[] each = net.forwardEach(h);
                for (int l = 0; l < layers; l++) {
                    float[] v = each[l].toFloatArray();
                    int per = v.length / (to - from);
                    if (outs[l] == null) {
                        outs[l] = new float[n * per];
                    }
                    System.arraycopy(v, 0, outs[l], from * per, v.length);
                }
            }
        }
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        int[] in = spec.input();
        arrays.put("input", new NpyArray(new long[] {n, in[0], in[1], in[2]}, input));
        for (int l = 0; l < layers; l++) {
            long[] dims = spec.outputShape(l);
            long[] shape = new long[dims.length + 1];
            shape[0] = n;
            System.arraycopy(dims, 0, shape, 1, dims.length);
            arrays.put(String.format("layer%02d_%s", l, key(spec, l)),
                    new NpyArray(shape, outs[l]));
        }
        arrays.put("logits", arrays.get(String.format("layer%02d_%s", layers - 1,
                key(spec, layers - 1))));
        Npz.write(file, arrays);
    }

    /** The node's label as an npz key: characters other than letters, digits, '_', '.' and '-' become '_'. */
    private static String key(ModelSpec spec, int l) {
        return Target.layerLabel(spec, l).replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
