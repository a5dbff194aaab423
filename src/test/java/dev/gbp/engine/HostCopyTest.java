package dev.gbp.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link HostCopy#floats} and {@link HostCopy#view} give what DJL's {@link NDArray#toFloatArray} gives, for every layout
 * the walk hands them; {@link HostCopy#writable} gives an array holding what was written.
 */
class HostCopyTest {
    @Test
    void equalsToFloatArrayForContiguousStridedAndDifferentiatedArrays() {
        TorchRuntime.start(1);
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            NDArray a = m.randomNormal(new Shape(3, 4, 5, 6));
            assertArrayEquals(a.toFloatArray(), HostCopy.floats(a));
            NDArray transposed = a.transpose(0, 2, 3, 1);
            assertArrayEquals(transposed.toFloatArray(), HostCopy.floats(transposed));
            NDArray slice = a.get(new NDIndex(":, 1:3, 2:4, 1:5"));
            assertArrayEquals(slice.toFloatArray(), HostCopy.floats(slice));
            NDArray empty = m.zeros(new Shape(0, 3));
            assertArrayEquals(new float[0], HostCopy.floats(empty));
            NDArray leaf = a.duplicate();
            leaf.setRequiresGradient(true);
            assertArrayEquals(a.toFloatArray(), HostCopy.floats(leaf));
            for (NDArray x : new NDArray[] {a, transposed, slice, empty, leaf}) {
                assertArrayEquals(x.toFloatArray(), read(HostCopy.view(x)));
            }
            NDArray ints = m.arange(0, 6, 1, DataType.INT32);
            assertThrows(IllegalStateException.class, () -> HostCopy.floats(ints));
        }
    }

    @Test
    void writableArrayHoldsWhatWasWrittenThroughItsView() {
        TorchRuntime.start(1);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] values = new float[2 * 3 * 4 * 5];
            for (int i = 0; i < values.length; i++) {
                values[i] = i * 0.5f - 7f;
            }
            HostCopy.Writable w = HostCopy.writable(m, new Shape(2, 3, 4, 5));
            w.view().put(0, values);
            assertArrayEquals(values, w.array().toFloatArray());
            assertEquals(new Shape(2, 3, 4, 5), w.array().getShape());
            // The engine computes with what was written: a sum over its own memory.
            assertEquals(sum(values), w.array().sum().getFloat(), 1e-3);
            HostCopy.Writable none = HostCopy.writable(m, new Shape(0, 3));
            assertEquals(0, none.view().capacity());
        }
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }

    /** Every value of {@code b}, read by index as the walk reads a view. */
    private static float[] read(FloatBuffer b) {
        float[] out = new float[b.limit()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }
}
