package dev.gbp.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** {@link HostCopy#floats} gives what DJL's {@link NDArray#toFloatArray} gives, for every layout the walk hands it. */
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
            NDArray ints = m.arange(0, 6, 1, DataType.INT32);
            assertThrows(IllegalStateException.class, () -> HostCopy.floats(ints));
        }
    }
}
