package dev.gbp.atlas;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.BatchRunner;
import dev.gbp.attr.GuidedBackprop;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import dev.gbp.model.ReceptiveField;
import java.util.ArrayList;
import java.util.List;

/**
 * The atlas's two stages on one machine, without Spark: ranking images per channel ({@link #scan}) and guided
 * backprop of each winner's neuron, cropped to its receptive field ({@link #reconstruct}). {@link AtlasJob} runs
 * them on partitions of a data set.
 */
public final class AtlasScan {
    private AtlasScan() {}

    /**
     * The layer an atlas can be made of: a node with a C x H x W output.
     *
     * @throws dev.gbp.GbpInputException naming the layer when it has a flat output
     */
    public static int layer(ModelSpec spec, String ref) {
        int layer = spec.resolveLayer(ref);
        long[] shape = spec.outputShape(layer);
        if (shape.length != 3) {
            throw dev.gbp.GbpInputException.parameter("layer", "must name a node with channels x height x width output;"
                    + " " + spec.layer(layer).name() + " has a flat output of " + shape[0] + " values");
        }
        return layer;
    }

    /**
     * Runs the network to {@code layer} (inference: no gradients) on images {@code 0..n} of {@code images} and offers
     * each image's per-channel maximum to {@code top}; image {@code i} is offered as index {@code firstIndex + i}.
     */
    public static TopK scan(Network net, int layer, CifarImages images, long firstIndex, int batchSize, TopK top) {
        long[] shape = net.spec().outputShape(layer);
        int channels = (int) shape[0];
        int plane = (int) (shape[1] * shape[2]);
        int width = (int) shape[2];
        for (int from = 0; from < images.size(); from += batchSize) {
            int to = Math.min(images.size(), from + batchSize);
            float[] v;
            try (NDScope scope = new NDScope()) {
                NDArray x = net.preprocess(net.manager(), images, from, to);
                v = net.forwardTo(x, layer).toFloatArray();
            }
            offer(top, v, to - from, channels, plane, width, firstIndex + from);
        }
        return top;
    }

    /**
     * Offers {@code n} images' activations ({@code values}: n x channels x plane, row-major) to {@code top}: per
     * channel, the maximum and its first position in (y, x) row-major order.
     */
    static void offer(TopK top, float[] values, int n, int channels, int plane, int width, long firstIndex) {
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int base = (i * channels + c) * plane;
                int best = 0;
                float max = values[base];
                for (int p = 1; p < plane; p++) {
                    if (values[base + p] > max || Float.isNaN(max)) {
                        max = values[base + p];
                        best = p;
                    }
                }
                top.offer(c, firstIndex + i, best / width, best % width, max);
            }
        }
    }

    /**
     * Guided backprop of each winner's own neuron {@code (channel, y, x)} of {@code layer}, seeded with its value as
     * {@code neuron:L:c,y,x} is, cropped to the neuron's receptive field (clipped to the image).
     *
     * @param images the winners' images, row {@code i} the image of {@code winners.get(i)}
     */
    public static List<Patch> reconstruct(Network net, int layer, List<Winner> winners, CifarImages images, int batchSize) {
        ModelSpec spec = net.spec();
        long[] shape = spec.outputShape(layer);
        int h = (int) shape[1];
        int w = (int) shape[2];
        int[] flat = new int[winners.size()];
        for (int i = 0; i < flat.length; i++) {
            Winner wi = winners.get(i);
            flat[i] = (wi.channel() * h + wi.y()) * w + wi.x();
        }
        String label = "neuron:" + spec.layer(layer).name();
        AttributionResult r = BatchRunner.run(GuidedBackprop.of(net), net, images,
                new Target.Fixed(label, layer, flat, false, true), batchSize, null);
        int c = images.channels();
        int ih = images.height();
        int iw = images.width();
        float[] maps = r.maps();
        List<Patch> out = new ArrayList<>(winners.size());
        for (int i = 0; i < winners.size(); i++) {
            Winner wi = winners.get(i);
            int[] box = ReceptiveField.of(spec, layer, wi.y(), wi.x());
            int bw = box[2] - box[0] + 1;
            int bh = box[3] - box[1] + 1;
            float[] map = new float[c * bh * bw];
            byte[] pixels = new byte[c * bh * bw];
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < bh; y++) {
                    System.arraycopy(maps, ((i * c + ch) * ih + box[1] + y) * iw + box[0], map, (ch * bh + y) * bw, bw);
                    for (int x = 0; x < bw; x++) {
                        pixels[(ch * bh + y) * bw + x] = (byte) images.pixel(i, ch, box[1] + y, box[0] + x);
                    }
                }
            }
            out.add(new Patch(wi, box, c, bh, bw, map, pixels, r.choice(i).activation()));
        }
        return out;
    }
}
