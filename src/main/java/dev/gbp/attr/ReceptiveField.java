package dev.gbp.attr;

import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelSpec;

/**
 * The input pixels a neuron can see: its output position walked back through every convolution and
 * pooling window down to the input, clipped to the image. Layers that mix all positions (flatten,
 * global pooling, linear) see the whole image.
 */
public final class ReceptiveField {
    private ReceptiveField() {}

    /** {@code {x0, y0, x1, y1}}, inclusive, in input pixels, for position (y, x) of layer {@code layer}'s output. */
    public static int[] of(ModelSpec model, int layer, int y, int x) {
        int[] in = model.input();
        long y0 = y;
        long y1 = y;
        long x0 = x;
        long x1 = x;
        for (int i = layer; i >= 0; i--) {
            LayerSpec l = model.layer(i);
            switch (l.type()) {
                case CONV2D:
                case MAXPOOL2D:
                case AVGPOOL2D: {
                    int[] k = l.kernel();
                    int[] s = l.stride();
                    int[] p = l.padding();
                    y0 = y0 * s[0] - p[0];
                    y1 = y1 * s[0] - p[0] + k[0] - 1;
                    x0 = x0 * s[1] - p[1];
                    x1 = x1 * s[1] - p[1] + k[1] - 1;
                    break;
                }
                case FLATTEN:
                case GLOBAL_AVGPOOL:
                case LINEAR:
                case BATCHNORM1D:
                    if (model.outputShape(i).length == 1) {
                        return new int[] {0, 0, in[2] - 1, in[1] - 1};
                    }
                    break;
                default:
                    break;
            }
        }
        return new int[] {(int) Math.max(0, x0), (int) Math.max(0, y0), (int) Math.min(in[2] - 1, x1),
            (int) Math.min(in[1] - 1, y1)};
    }
}
