package dev.gbp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path tmp;

    @Test
    void roundTripKeepsShapeAndValues() throws Exception {
        float[] data = {1f, -2.5f, 3.25f, Float.MIN_VALUE, -0f, 1e30f};
        Path f = tmp.resolve("a.npz");
        Npz.write(f, Map.of("x.weight", new NpyArray(new long[] {2, 3}, data), "s", new NpyArray(new long[] {}, new float[] {4f})));
        Map<String, NpyArray> back = Npz.read(f);
        assertArrayEquals(new long[] {2, 3}, back.get("x.weight").shape());
        assertArrayEquals(data, back.get("x.weight").data());
        assertArrayEquals(new long[] {}, back.get("s").shape());
        assertEquals(4f, back.get("s").data()[0]);
    }

    @Test
    void headerIsPaddedToSixtyFourBytes() {
        byte[] b = Npy.toBytes(new NpyArray(new long[] {3}, new float[] {1, 2, 3}));
        int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLen) % 64);
        String header = new String(b, 10, headerLen, StandardCharsets.ISO_8859_1);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", header.trim());
    }

    @Test
    void fortranOrderAndBigEndianAreConverted() {
        // A 2x3 array [[0,1,2],[3,4,5]] stored column-major, big-endian.
        float[] colMajor = {0, 3, 1, 4, 2, 5};
        byte[] bytes = npy("{'descr': '>f4', 'fortran_order': True, 'shape': (2, 3), }", colMajor, ByteOrder.BIG_ENDIAN);
        NpyArray a = Npy.parse(bytes, "test");
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, a.data());
    }

    @Test
    void otherDtypesAreKeptWithoutData() {
        byte[] bytes = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new float[] {0, 0}, ByteOrder.LITTLE_ENDIAN);
        NpyArray a = Npy.parse(bytes, "test");
        assertFalse(a.isFloat32());
        assertEquals("<f8", a.dtype());
    }

    @Test
    void truncatedDataIsAnError() {
        byte[] bytes = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", new float[] {1, 2}, ByteOrder.LITTLE_ENDIAN);
        assertThrows(ModelException.class, () -> Npy.parse(bytes, "test"));
    }

    @Test
    void readsTheArchiveNumpyWrote() {
        Map<String, NpyArray> w = Npz.read(Path.of("src/test/resources/fixtures/numpy-bundle/weights.npz"));
        assertEquals(15, w.size());
        assertArrayEquals(new long[] {4, 3, 3, 3}, w.get("conv1.weight").shape());
        assertArrayEquals(new long[] {6, 4, 3, 2}, w.get("conv2.weight").shape());
    }

    private static byte[] npy(String dict, float[] values, ByteOrder order) {
        String header = dict + " ".repeat(64 - (10 + dict.length() + 1) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + values.length * 4);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        b.order(order);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
