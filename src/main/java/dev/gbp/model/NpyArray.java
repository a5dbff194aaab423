package dev.gbp.model;

import java.util.Arrays;

/**
 * A float32 array read from or written to numpy's {@code .npy} format, in C (row-major) order.
 * Arrays of another dtype are kept with their dtype and no data, so callers can name the problem.
 */
public final class NpyArray {
    private final String dtype;
    private final long[] shape;
    private final float[] data;

    /**
     * A float32 array.
     *
     * @param shape its shape
     * @param data its values in C order (kept, not copied), as many as the shape holds
     * @throws IllegalArgumentException when the shape does not hold {@code data.length} values
     */
    public NpyArray(long[] shape, float[] data) {
        this("<f4", shape, data);
    }

    NpyArray(String dtype, long[] shape, float[] data) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data;
        if (data != null && data.length != size(shape)) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size(shape)
                    + " values, not " + data.length);
        }
    }

    /**
     * numpy's dtype string as stored, e.g. {@code <f4}, {@code <f8}, {@code |u1}.
     *
     * @return the dtype
     */
    public String dtype() {
        return dtype;
    }

    /**
     * Whether the array is float32 and so has data.
     *
     * @return true for float32
     */
    public boolean isFloat32() {
        return data != null;
    }

    /**
     * The array's shape.
     *
     * @return the shape, a copy
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * The values in C order; throws for arrays that are not float32.
     *
     * @return the values (not a copy)
     * @throws IllegalStateException for an array that is not float32
     */
    public float[] data() {
        if (data == null) {
            throw new IllegalStateException("array of dtype " + dtype + " has no float32 data");
        }
        return data;
    }

    /**
     * The number of values a shape holds.
     *
     * @param shape the shape
     * @return the product of its sizes (1 for a scalar)
     */
    public static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
