package dev.gbp.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.FloatBuffer;

/**
 * An array's values in Java: copied in one pass ({@link #floats}) or read in place ({@link #view}). DJL's
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
}
