package dev.gbp.attr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.gbp.GbpInputException;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;

/**
 * Grad-CAM (Selvaraju et al. 2017) at a 4-D layer A: channel weights {@code a_k = mean_ij dT/dA_kij}
 * (plain gradients), map {@code ReLU(sum_k a_k A_k)}, upsampled bilinearly (half-pixel centres, as
 * PyTorch's {@code interpolate(align_corners=False)}) to the input size. The heat map is repeated on
 * the input's channels so every method's maps share the input's shape. With {@code guided} set this is
 * guided Grad-CAM: the guided backpropagation map times the upsampled heat map.
 */
public final class GradCam implements Attribution {
    private final Network net;
    private final int layer;
    private final boolean guided;
    private final LayerwiseBackprop gradient;
    private final LayerwiseBackprop guidedBackprop;

    /**
     * Grad-CAM, or guided Grad-CAM, of {@code net}.
     *
     * @param net the network to explain
     * @param layerRef the layer A (name or index); null picks the default: the target's own layer for
     *     neuron targets when it is 4-D, else the last 4-D layer of the network
     * @param guided true for guided Grad-CAM
     * @throws GbpInputException when {@code layerRef} names no layer, or one whose output is not 4-D
     */
    public GradCam(Network net, String layerRef, boolean guided) {
        this.net = net;
        this.layer = layerRef == null ? -1 : checkLayer(net.spec(), net.spec().resolveLayer(layerRef));
        this.guided = guided;
        this.gradient = new LayerwiseBackprop(net, ReluRule.GRADIENT);
        this.guidedBackprop = guided ? new LayerwiseBackprop(net, ReluRule.GUIDED) : null;
    }

    @Override
    public String name() {
        return guided ? "guided-gradcam" : "gradcam";
    }

    /**
     * The layer Grad-CAM looks at for {@code target}.
     *
     * @param target what is explained
     * @return the layer's index
     * @throws GbpInputException when the chosen layer does not feed the target's, or no 4-D layer does
     */
    public int camLayer(Target target) {
        ModelSpec spec = net.spec();
        int seeded = target.layer(spec);
        boolean[] feeds = spec.ancestors(seeded);
        if (layer >= 0) {
            if (!feeds[layer]) {
                throw GbpInputException.parameter("camLayer", "names layer " + Target.layerLabel(spec, layer)
                        + ", which does not feed the target's layer " + Target.layerLabel(spec, seeded)
                        + ": Grad-CAM needs a layer at or below it");
            }
            return layer;
        }
        if (target.isNeuronTarget() && spec.outputShape(seeded).length == 3) {
            return seeded;
        }
        for (int i = seeded; i >= 0; i--) {
            if (feeds[i] && spec.outputShape(i).length == 3) {
                return i;
            }
        }
        throw new GbpInputException("Grad-CAM needs a layer with a 4-D (N x C x H x W) output at or below the target's"
                + " layer " + Target.layerLabel(spec, seeded) + ", and this network has none there");
    }

    private static int checkLayer(ModelSpec spec, int l) {
        if (spec.outputShape(l).length != 3) {
            throw GbpInputException.parameter("camLayer", "names layer " + Target.layerLabel(spec, l) + ", which outputs "
                    + java.util.Arrays.toString(spec.outputShape(l)) + " per image: Grad-CAM needs a 4-D (N x C x H x W)"
                    + " layer output");
        }
        return l;
    }

    @Override
    public AttributionResult attribute(NDArray input, Target target) {
        long[] shape = input.getShape().getShape();
        int n = (int) shape[0];
        int c = (int) shape[1];
        int hIn = (int) shape[2];
        int wIn = (int) shape[3];
        int l = camLayer(target);
        float[] cam;
        LayerwiseBackprop.Pass pass;
        long[] a;
        try (NDScope scope = new NDScope()) {
            pass = gradient.pass(input, target, l);
            float[] act = pass.activationBelow.toFloatArray();
            float[] grad = pass.values();
            a = net.spec().outputShape(l);
            cam = heatMaps(act, grad, n, (int) a[0], (int) a[1], (int) a[2]);
        }
        float[] up = upsample(cam, n, (int) a[1], (int) a[2], hIn, wIn);
        int plane = hIn * wIn;
        float[] maps = new float[n * c * plane];
        float[] base = null;
        if (guided) {
            base = guidedBackprop.attribute(input, target).maps();
        }
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int k = 0; k < plane; k++) {
                    int at = (i * c + ch) * plane + k;
                    float heat = up[i * plane + k];
                    maps[at] = guided ? base[at] * heat : heat;
                }
            }
        }
        return new AttributionResult(name(), target, maps, shape, pass.selection.choices, pass.selection.predicted,
                pass.selection.probability, pass.applied, pass.onPath);
    }

    /** ReLU(sum_k a_k A_k) with a_k the spatial mean of the gradient, per image (n x h x w). */
    static float[] heatMaps(float[] act, float[] grad, int n, int k, int h, int w) {
        int plane = h * w;
        float[] out = new float[n * plane];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < k; ch++) {
                int base = (i * k + ch) * plane;
                double alpha = 0;
                for (int p = 0; p < plane; p++) {
                    alpha += grad[base + p];
                }
                alpha /= plane;
                if (alpha == 0) {
                    continue;
                }
                for (int p = 0; p < plane; p++) {
                    out[i * plane + p] += (float) (alpha * act[base + p]);
                }
            }
            for (int p = 0; p < plane; p++) {
                out[i * plane + p] = Math.max(0f, out[i * plane + p]);
            }
        }
        return out;
    }

    /** Bilinear resize of n maps from h x w to H x W, half-pixel centres, edges clamped. */
    static float[] upsample(float[] maps, int n, int h, int w, int outH, int outW) {
        float[] out = new float[n * outH * outW];
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < outH; y++) {
                double sy = Math.max(0, (y + 0.5) * h / outH - 0.5);
                int y0 = Math.min((int) sy, h - 1);
                int y1 = Math.min(y0 + 1, h - 1);
                double fy = sy - y0;
                for (int x = 0; x < outW; x++) {
                    double sx = Math.max(0, (x + 0.5) * w / outW - 0.5);
                    int x0 = Math.min((int) sx, w - 1);
                    int x1 = Math.min(x0 + 1, w - 1);
                    double fx = sx - x0;
                    int b = i * h * w;
                    double v = (1 - fy) * ((1 - fx) * maps[b + y0 * w + x0] + fx * maps[b + y0 * w + x1])
                            + fy * ((1 - fx) * maps[b + y1 * w + x0] + fx * maps[b + y1 * w + x1]);
                    out[(i * outH + y) * outW + x] = (float) v;
                }
            }
        }
        return out;
    }
}
