package dev.gbp.attr;

import ai.djl.ndarray.NDArray;
import dev.gbp.GbpInputException;
import dev.gbp.model.Network;

/**
 * Integrated gradients (Sundararajan et al. 2017): {@code (x - x') * mean_k grad f(x' + a_k (x - x'))}
 * with {@code a_k = (k + 1/2) / steps} (the midpoint rule), f the target's value seeded with 1.
 * Each image's completeness gap, {@code sum(attribution) - (f(x) - f(x'))}, is reported as the extra
 * {@code completeness_gap} (and {@code f_input}, {@code f_baseline}); it shrinks as steps grow.
 */
public final class IntegratedGradients implements Attribution {
    private final UnitGradients gradients;
    private final int steps;
    private final Baseline baseline;

    /**
     * Integrated gradients of {@code net}'s targets.
     *
     * @param net the network to explain
     * @param steps points on the path from the baseline to the image, at least 1
     * @param baseline where the path starts
     * @param internalBatch rows per internal batch (images x steps are run in batches of this size), at least 1
     * @throws GbpInputException when {@code steps} or {@code internalBatch} is below 1
     */
    public IntegratedGradients(Network net, int steps, Baseline baseline, int internalBatch) {
        if (steps < 1) {
            throw GbpInputException.parameter("steps", "must be at least 1 (got " + steps + ")");
        }
        this.gradients = new UnitGradients(net, ReluRule.GRADIENT, internalBatch);
        this.steps = steps;
        this.baseline = baseline;
    }

    @Override
    public String name() {
        return "integrated-gradients";
    }

    @Override
    public AttributionResult attribute(NDArray input, Target target) {
        Network net = gradients.network();
        long[] shape = input.getShape().getShape();
        int n = (int) shape[0];
        int c = (int) shape[1];
        int h = (int) shape[2];
        int w = (int) shape[3];
        float[] x = input.toFloatArray();
        int per = x.length / n;
        float[] rows = new float[UnitGradients.rowValues(n, steps, per, "steps")];
        NeuronChoice[] choices = gradients.resolve(input, target);
        float[] base = new float[n * per];
        for (int i = 0; i < n; i++) {
            float[] img = java.util.Arrays.copyOfRange(x, i * per, (i + 1) * per);
            System.arraycopy(baseline.of(img, c, h, w, net.spec().mean(), net.spec().std()), 0, base, i * per, per);
        }
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < steps; s++) {
                float a = (s + 0.5f) / steps;
                int r = (i * steps + s) * per;
                for (int k = 0; k < per; k++) {
                    float b = base[i * per + k];
                    rows[r + k] = b + a * (x[i * per + k] - b);
                }
            }
        }
        float[] g = gradients.gradients(rows, shape, target, choices, steps, null);
        float[] fx = gradients.values(x, shape, target, choices, 1);
        float[] fb = gradients.values(base, shape, target, choices, 1);
        float[] maps = new float[n * per];
        float[] gap = new float[n];
        for (int i = 0; i < n; i++) {
            double total = 0;
            for (int k = 0; k < per; k++) {
                double sum = 0;
                for (int s = 0; s < steps; s++) {
                    sum += g[(i * steps + s) * per + k];
                }
                float attr = (float) ((x[i * per + k] - base[i * per + k]) * sum / steps);
                maps[i * per + k] = attr;
                total += attr;
            }
            gap[i] = (float) (total - (fx[i] - fb[i]));
        }
        return Results.of(name(), target, maps, shape, choices, net).withExtra("completeness_gap", gap)
                .withExtra("f_input", fx).withExtra("f_baseline", fb);
    }
}
