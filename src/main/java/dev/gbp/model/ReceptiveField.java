package dev.gbp.model;

import java.util.List;

/**
 * The input pixels a neuron can see: its output position walked back through every node down to the
 * input, each kind mapping a box of its output to the box of its input that it reads
 * ({@link NodeKind#inputBox}); where paths join, the field is the union (the bounding box) over them.
 * A node whose output is flat (flatten, global pooling, linear) sees the whole image. Near the border part of a field lies in the zero padding, outside the image:
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
     *
     * @param x0 the first column
     * @param y0 the first row
     * @param x1 the last column
     * @param y1 the last row
     * @param width the image's width
     * @param height the image's height
     */
    public record Field(int x0, int y0, int x1, int y1, int width, int height) {
        /**
         * Columns the field spans, padding included.
         *
         * @return {@code x1 - x0 + 1}
         */
        public int fieldWidth() {
            return x1 - x0 + 1;
        }

        /**
         * Rows the field spans, padding included.
         *
         * @return {@code y1 - y0 + 1}
         */
        public int fieldHeight() {
            return y1 - y0 + 1;
        }

        /**
         * The field clipped to the image.
         *
         * @return {@code {x0, y0, x1, y1}}, inclusive
         */
        public int[] clipped() {
            return new int[] {Math.max(0, x0), Math.max(0, y0), Math.min(width - 1, x1), Math.min(height - 1, y1)};
        }

        /**
         * The fraction of the field's area that lies inside the image (1 for a field inside it).
         *
         * @return the fraction, 0 to 1
         */
        public double insideFraction() {
            int[] c = clipped();
            double inside = (double) Math.max(0, c[2] - c[0] + 1) * Math.max(0, c[3] - c[1] + 1);
            return inside / ((double) fieldWidth() * fieldHeight());
        }

        /**
         * Whether part of the field lies outside the image, in the padding.
         *
         * @return true when it reaches past an edge
         */
        public boolean isClipped() {
            return x0 < 0 || y0 < 0 || x1 >= width || y1 >= height;
        }
    }

    /**
     * The field of position (y, x) of layer {@code layer}'s output, clipped to the image.
     *
     * @param model the network's spec
     * @param layer the node's index
     * @param y the row in its output
     * @param x the column in its output
     * @return {@code {x0, y0, x1, y1}}, inclusive, in input pixels
     */
    public static int[] of(ModelSpec model, int layer, int y, int x) {
        return field(model, layer, y, x).clipped();
    }

    /**
     * The whole field of position (y, x) of node {@code layer}'s output, padding included.
     *
     * @param model the network's spec
     * @param layer the node's index
     * @param y the row in its output
     * @param x the column in its output
     * @return the field
     */
    public static Field field(ModelSpec model, int layer, int y, int x) {
        int[] in = model.input();
        Field whole = new Field(0, 0, in[2] - 1, in[1] - 1, in[2], in[1]);
        long[][] boxes = new long[layer + 1][];
        boxes[layer] = new long[] {y, y, x, x};
        long[] atInput = null;
        for (int i = layer; i >= 0; i--) {
            if (boxes[i] == null) {
                continue; // not on a path to the neuron
            }
            if (model.outputShape(i).length != 3) {
                return whole; // a flat output mixes every position
            }
            LayerSpec l = model.layer(i);
            List<long[]> inShapes = model.inputShapes(i);
            long[] box = inShapes.get(0).length == 3 ? l.kind().inputBox(l, boxes[i]) : null;
            if (box == null) {
                return whole;
            }
            for (int j : model.inputsOf(i)) {
                if (j == ModelSpec.GRAPH_INPUT) {
                    atInput = union(atInput, box);
                } else {
                    boxes[j] = union(boxes[j], box);
                }
            }
        }
        long[] b = atInput == null ? new long[] {y, y, x, x} : atInput;
        return new Field((int) b[2], (int) b[0], (int) b[3], (int) b[1], in[2], in[1]);
    }

    private static long[] union(long[] a, long[] b) {
        if (a == null) {
            return b.clone();
        }
        return new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.max(a[3], b[3])};
    }

    /**
     * Per position of layer {@code layer}'s output (row-major y, x; one entry for a flat layer), whether
     * at least {@link #INTERIOR_FRACTION} of its field lies inside the image.
     *
     * @param model the network's spec
     * @param layer the node's index
     * @return one flag per position
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
