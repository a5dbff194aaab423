package dev.gbp.attr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.gbp.GbpInputException;
import dev.gbp.data.CifarImages;
import dev.gbp.model.Network;
import java.util.function.IntConsumer;

/**
 * Runs an attribution over a whole image set in batches, one NDArray scope per batch so memory stays
 * flat however many images there are, and joins the results.
 */
public final class BatchRunner {
    private BatchRunner() {}

    /**
     * Explains every image of a set, {@code batchSize} at a time, and attaches the network's predictions.
     *
     * @param method the attribution method
     * @param net the network {@code method} explains
     * @param images the images, of the network's input size
     * @param target what to explain, resolved per image
     * @param batchSize images per batch, at least 1
     * @param progress told the number of images done after each batch (may be null)
     * @return the maps of every image in order, with the predicted classes
     * @throws GbpInputException when {@code batchSize} is below 1, there are no images, or a map is not finite
     *     ({@link AttributionResult#requireFinite()})
     */
    public static AttributionResult run(Attribution method, Network net, CifarImages images, Target target,
            int batchSize, IntConsumer progress) {
        if (batchSize < 1) {
            throw GbpInputException.parameter("batchSize", "must be at least 1 (got " + batchSize + ")");
        }
        int n = images.size();
        if (n == 0) {
            throw GbpInputException.parameter("images", "holds no images to explain");
        }
        int per = images.imageSize();
        float[] maps = new float[n * per];
        NeuronChoice[] choices = new NeuronChoice[n];
        int[] predicted = new int[n];
        float[] probability = new float[n];
        int applied = 0;
        int onPath = 0;
        long[] shape = null;
        java.util.Map<String, float[]> extras = new java.util.LinkedHashMap<>();
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            AttributionResult r;
            try (NDScope scope = new NDScope()) {
                NDArray x = net.preprocess(net.manager(), images, from, to);
                Target part = target instanceof Target.Fixed f ? f.slice(from, to) : target;
                r = method.attributeWithPredictions(x, part, net);
            }
            System.arraycopy(r.maps(), 0, maps, from * per, (to - from) * per);
            for (int i = 0; i < to - from; i++) {
                choices[from + i] = r.choice(i);
                predicted[from + i] = r.predicted(i);
                probability[from + i] = r.probability(i);
            }
            for (var e : r.extras().entrySet()) {
                System.arraycopy(e.getValue(), 0, extras.computeIfAbsent(e.getKey(), k -> new float[n]), from, to - from);
            }
            applied = r.reluSitesApplied();
            onPath = r.reluSitesOnPath();
            shape = r.shape();
            if (progress != null) {
                progress.accept(to);
            }
        }
        shape[0] = n;
        AttributionResult all = new AttributionResult(method.name(), target, maps, shape, choices, predicted, probability,
                applied, onPath);
        extras.forEach(all::withExtra);
        return all.requireFinite();
    }
}
