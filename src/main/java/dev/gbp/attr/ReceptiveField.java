package dev.gbp.attr;

import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelSpec;

/**
 * The input pixels a neuron can see: its output position walked back through every convolution and
 * pooling window down to the input. Layers that mix all positions (flatten, global pooling, linear)
 * see the whole image. Near the border part of a field lies in the zero padding, outside the image:
 * {@link Field} keeps the whole box, {@link #of} clips it to the image.
 */
public final class ReceptiveField {
    /** Candidates of an interior target have at least this fraction of their field inside the image. */
    public static final double INTERIOR_FRACTION = 0.5;

    private ReceptiveField() {}

    /**
     * A neuron's receptive field before clipping, {@code x0..x1} by {@code y0..y1} inclusive, in input
     * pixels (negative or past the edge where it reaches into the padding), on an image of
     * {@code width} x {@code height}.
     */
    public record Field(int x0, int y0, int x1, int y1, int width, int height) {
        /** Columns the field spans, padding included. */
        public int fieldWidth() {
            return x1 - x0 + 1;
        }

        /** Rows the field spans, padding included. */
        public int fieldHeight() {
            return y1 - y0 + 1;
        }

        /** {@code {x0, y0, x1, y1}} clipped to the image. */
        public int[] clipped() {
            return new int[] {Math.max(0, x0), Math.max(0, y0), Math.min(width - 1, x1), Math.min(height - 1, y1)};
        }

        /** The fraction of the field's area that lies inside the image (1 for a field inside it). */
        public double insideFraction() {
            int[] c = clipped();
            double inside = (double) Math.max(0, c[2] - c[0] + 1) * Math.max(0, c[3] - c[1] + 1);
            return inside / ((double) fieldWidth() * fieldHeight());
        }

        /** Whether part of the field lies outside the image, in the padding. */
        public boolean isClipped() {
            return x0 < 0 || y0 < 0 || x1 >= width || y1 >= height;
        }
    }

    /** {@code {x0, y0, x1, y1}}, inclusive, in input pixels, for position (y, x) of layer {@code layer}'s output. */
    public static int[] of(ModelSpec model, int layer, int y, int x) {
        return field(model, layer, y, x).clipped();
    }

    /** The whole field of position (y, x) of layer {@code layer}'s output, padding included. */
    public static Field field(ModelSpec model, int layer, int y, int x) {
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
                        return new Field(0, 0, in[2] - 1, in[1] - 1, in[2], in[1]);
                    }
                    break;
                default:
                    break;
            }
        }
        return new Field((int) x0, (int) y0, (int) x1, (int) y1, in[2], in[1]);
    }

    /**
     * Per position of layer {@code layer}'s output (row-major y, x; one entry for a flat layer), whether
     * at least {@link #INTERIOR_FRACTION} of its field lies inside the image.
     */
    public static boolean[] interior(ModelSpec model, int layer) {
        long[] s = model.outputShape(layer);
        int h = s.length == 3 ? (int) s[1] : 1;
        int w = s.length == 3 ? (int) s[2] : 1;
        boolean[] out = new boolean[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = field(model, layer, y, x).insideFraction() >= INTERIOR_FRACTION;
            }
        }
        return out;
    }
}
