package dev.gbp.model;

import java.util.Arrays;
import java.util.List;

/** Shape rules shared by several node kinds, with messages that name the node. */
final class Shapes {
    private Shapes() {}

    static long[] single(List<long[]> inputs) {
        return inputs.get(0);
    }

    static void need3d(long[] s, String where) {
        if (s.length != 3) {
            throw new ModelException(where + ": expects a C x H x W input but gets shape " + Arrays.toString(s));
        }
    }

    static void needFlat(long[] s, String where, String hint) {
        if (s.length != 1) {
            throw new ModelException(where + ": expects a flat input but gets shape " + Arrays.toString(s) + hint);
        }
    }

    /**
     * Output size of a sliding window along one axis: PyTorch's rule, including ceil mode (a last window
     * that would start in the trailing padding is dropped).
     */
    static long window(long size, int kernel, int stride, int padBefore, int padAfter, int dilation, boolean ceil,
            String where) {
        long span = (long) dilation * (kernel - 1) + 1;
        long padded = size + padBefore + padAfter;
        if (padded < span) {
            throw new ModelException(where + ": kernel " + kernel + (dilation > 1 ? " (dilation " + dilation + ")" : "")
                    + " does not fit an input of size " + size + " with padding " + padBefore
                    + (padAfter != padBefore ? "+" + padAfter : ""));
        }
        long out;
        if (ceil) {
            out = (padded - span + stride - 1) / stride + 1;
            if ((out - 1) * stride >= size + padBefore) {
                out--;
            }
        } else {
            out = (padded - span) / stride + 1;
        }
        return out;
    }

    /** The input rows (or columns) {lo, hi} that output rows {lo, hi} of a window read. */
    static long[] windowSpan(long lo, long hi, int kernel, int stride, int padBefore, int dilation) {
        return new long[] {lo * stride - padBefore, hi * stride - padBefore + (long) dilation * (kernel - 1)};
    }

    /** {@code box} {y0, y1, x0, x1} through a window node. */
    static long[] windowBox(long[] box, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        long[] ys = windowSpan(box[0], box[1], kernel[0], stride[0], padding[0], dilation[0]);
        long[] xs = windowSpan(box[2], box[3], kernel[1], stride[1], padding[1], dilation[1]);
        return new long[] {ys[0], ys[1], xs[0], xs[1]};
    }
}
