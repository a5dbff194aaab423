package dev.gbp.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;

/**
 * An array's values in Java: copied in one pass ({@link #floats}), read in place ({@link #view}), or a new array's
 * written in place ({@link #writable}). DJL's
 * {@link NDArray#toFloatArray} copies the engine's memory into a new byte array and that into the float array: two
 * copies and a second zeroed allocation, for the walk's largest arrays (a layer's activations over a batch) several
 * megabytes each. Here the float array is filled straight from a view of the engine's memory, or the view is read.
 *
 * <p>Internal: public only because {@link dev.gbp.attr} calls it from another package.
 */
public final class HostCopy {
    private HostCopy() {}

    /**
     * The values of {@code a}, as {@link NDArray#toFloatArray} gives them.
     *
     * @param a a float array on the CPU
     * @return its values in row-major order
     */
    public static float[] floats(NDArray a) {
        if (a.getDataType() != DataType.FLOAT32) {
            return a.toFloatArray(); // its own conversion or error
        }
        FloatBuffer view = view(a);
        float[] out = new float[view.remaining()];
        view.get(out);
        return out;
    }

    /**
     * A view of {@code a}'s values in the engine's memory, in row-major order, without copying them (a non-contiguous
     * array is first made contiguous by the engine), for reading only: writing through it would change {@code a}.
     * Valid only while {@code a} is open.
     *
     * @param a a float array on the CPU
     * @return its values, read by index
     */
    public static FloatBuffer view(NDArray a) {
        if (a.getDataType() != DataType.FLOAT32) {
            return FloatBuffer.wrap(a.toFloatArray()); // its own conversion or error
        }
        if (a.size() == 0) {
            return FloatBuffer.allocate(0);
        }
        return a.toByteBuffer(true).asFloatBuffer();
    }

    /**
     * A new float array of {@code shape}, uninitialised, and a view of its memory for writing it: the engine's memory
     * filled in place, with no copy of a Java array made afterwards.
     *
     * @param manager the array's manager
     * @param shape its shape
     * @return the array and the view, valid while the array is open; every value must be written through it
     * @throws IllegalStateException when the engine gives a copy of the array's memory instead of the memory itself
     */
    public static Writable writable(NDManager manager, Shape shape) {
        NDArray a = manager.create(shape, DataType.FLOAT32);
        FloatBuffer view = a.toByteBuffer(true).asFloatBuffer();
        if (view.capacity() > 0) {
            // A write must reach the array, or the values written through the view would be lost.
            view.put(0, 1f);
            try (NDArray first = a.reshape(-1).get(0)) {
                if (first.getFloat() != 1f) {
                    a.close();
                    throw new IllegalStateException("the engine gave a copy of the array's memory, not the memory");
                }
            }
        }
        return new Writable(a, view);
    }

    /**
     * An array and a view of its memory for writing.
     *
     * @param array the array
     * @param view its values in row-major order
     */
    public record Writable(NDArray array, FloatBuffer view) {}
}
