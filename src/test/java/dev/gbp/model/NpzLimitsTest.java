package dev.gbp.model;

import static dev.gbp.HostileFiles.floats;
import static dev.gbp.HostileFiles.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gbp.HostileFiles;
import dev.gbp.HostileFiles.Entry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy headers and .npz archives that lie about their sizes, are damaged or are malformed: each refused by name. */
class NpzLimitsTest {
    @TempDir
    Path tmp;

    private static final String F4_2X2 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";

    private static String npyError(byte[] bytes) {
        return assertThrows(ModelException.class, () -> Npy.parse(bytes, "w.npy")).getMessage();
    }

    private Path archive(Entry... entries) throws Exception {
        return Files.write(tmp.resolve("weights.npz"), HostileFiles.zip(List.of(entries)));
    }

    private static String npzError(Path file, Map<String, long[]> shapes) {
        return assertThrows(ModelException.class, () -> Npz.read(file, shapes, Set.of())).getMessage();
    }

    @Test
    void aNegativeDimensionIsRefusedNamingTheSource() {
        // Before: NegativeArraySizeException "-1" (gbp said "failed: -1", exit 1).
        String m = npyError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 4), }", floats(1, 2, 3, 4)));
        assertTrue(m.startsWith("w.npy: malformed .npy header") && m.contains("non-negative"), m);
    }

    @Test
    void aNonIntegerDimensionNamesTheSource() {
        // Before: NumberFormatException 'For input string: "10.0"', naming no file.
        String m = npyError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (10.0,), }", floats(new float[10])));
        assertTrue(m.startsWith("w.npy: malformed .npy header"), m);
    }

    @Test
    void aHeaderLengthOf2GiBIsRefusedBeforeItIsRead() {
        // A version 2 header declaring 0x7fffffff bytes: before, the bounds check overflowed an int.
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(0x7fffffff);
        String m = npyError(b.array());
        assertTrue(m.contains("w.npy") && m.contains("2147483647 bytes"), m);
    }

    @Test
    void aShapeWhoseProductOverflowsIsRefused() {
        String m = npyError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }",
                floats(1)));
        assertTrue(m.startsWith("w.npy: array of shape") && m.contains("more than 2^63"), m);
    }

    @Test
    void malformedHeaderFieldsAreRefusedNamingTheSource() {
        String[] bad = {
            "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 2), }",
            "{'descr': '<f4', 'shape': (2, 2), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'extra': 1, }",
            "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
            "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 2), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), } trailing",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (4), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 2], }",
            "{'descr': 'O', 'fortran_order': False, 'shape': (2, 2), }",
            "{'descr': '<f4', 'fortran_order': False 'shape': (2, 2), }",
            // The old reader took the first match anywhere in the text.
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'x': \"'descr': '<f4'\"}",
        };
        for (String dict : bad) {
            String m = npyError(npy(dict, floats(1, 2, 3, 4)));
            assertTrue(m.startsWith("w.npy: "), dict + " -> " + m);
        }
    }

    @Test
    void wellFormedHeadersInEveryStyleNumpyWritesAreRead() {
        float[] v = {1, 2, 3, 4};
        for (String dict : new String[] {F4_2X2, "{\"descr\":\"<f4\",\"fortran_order\":False,\"shape\":(2,2)}",
            "{'shape': (2L, 2L), 'fortran_order': False, 'descr': '<f4'}"}) {
            assertArrayEquals(v, Npy.parse(npy(dict, floats(v)), "w.npy").data(), dict);
        }
    }

    @Test
    void anArrayLargerThanItsBytesIsRefusedBeforeItIsAllocated() {
        // 2^28 float32 values (1 GiB) declared, 16 bytes present.
        String m = npyError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (268435456,), }", floats(1, 2, 3, 4)));
        assertTrue(m.contains("data is truncated") && m.contains("268435456"), m);
    }

    @Test
    void anEntryThatInflatesToGigabytesIsCutAtItsDeclaredArray() throws Exception {
        // Header and 4 values, then 3 GiB of zeros: a 3 MB entry. Before, Npz.read inflated all of it (OutOfMemoryError).
        byte[] head = npy(F4_2X2, floats(1, 2, 3, 4));
        byte[] bomb = HostileFiles.deflatedZeros(head, 3072);
        long size = head.length + (3072L << 20);
        Path file = archive(new Entry("a.weight.npy", 8, bomb, 0, size, bomb.length, false));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            String m = assertThrows(ModelException.class, () -> Npz.read(file)).getMessage();
            assertTrue(m.contains("weights.npz: entry 'a.weight.npy': holds more than its array"), m);
            String m2 = npzError(file, Map.of("a.weight", new long[] {2, 2}));
            assertTrue(m2.contains("holds more than its array"), m2);
        });
    }

    @Test
    void aFlippedByteInTheShippedWeightsFailsTheCrcCheck() throws Exception {
        // Before: the flipped weight was loaded and the model ran with it (exit 0).
        Path copy = tmp.resolve("weights.npz");
        byte[] bytes = Files.readAllBytes(Path.of("models/cifar10-seed/weights.npz"));
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(copy, bytes);
        String m = assertThrows(ModelException.class, () -> Npz.read(copy)).getMessage();
        assertTrue(m.startsWith(copy + ": entry '") && m.contains("CRC-32 check failed"), m);
    }

    @Test
    void theCentralDirectoryMustAgreeWithWhatAnEntryInflatesTo() throws Exception {
        byte[] content = npy(F4_2X2, floats(1, 2, 3, 4));
        Path file = archive(Entry.deflated("a.weight.npy", content).withSize(content.length + 100));
        assertTrue(npzError(file, Map.of("a.weight", new long[] {2, 2})).contains("the archive's directory says"));
        Path crc = archive(Entry.deflated("a.weight.npy", content).withCrc(12345));
        assertTrue(npzError(crc, Map.of("a.weight", new long[] {2, 2})).contains("CRC-32 check failed"));
    }

    @Test
    void dataDescriptorsAndDeflatedEntriesAreReadWhenHonest() throws Exception {
        byte[] content = npy(F4_2X2, floats(1, 2, 3, 4));
        Path file = archive(Entry.deflated("a.weight.npy", content).withDescriptor(),
                Entry.stored("a.bias.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", floats(5, 6))));
        Map<String, NpyArray> w = Npz.read(file, Map.of("a.weight", new long[] {2, 2}, "a.bias", new long[] {2}), Set.of());
        assertArrayEquals(new float[] {1, 2, 3, 4}, w.get("a.weight").data());
        assertArrayEquals(new float[] {5, 6}, w.get("a.bias").data());
    }

    @Test
    void duplicateExtraAndMisshapenEntriesAreRefusedByName() throws Exception {
        byte[] a = npy(F4_2X2, floats(1, 2, 3, 4));
        Path twice = archive(Entry.stored("a.weight.npy", a), Entry.stored("a.weight", a));
        String m = npzError(twice, Map.of("a.weight", new long[] {2, 2}));
        assertTrue(m.contains("holds the array 'a.weight' twice"), m);
        Path extra = archive(Entry.stored("a.weight.npy", a), Entry.stored("evil.npy", a));
        m = npzError(extra, Map.of("a.weight", new long[] {2, 2}));
        assertTrue(m.contains("arrays not used by any layer: 'evil'"), m);
        m = npzError(archive(Entry.stored("a.weight.npy", a)), Map.of("a.weight", new long[] {4}));
        assertTrue(m.contains("entry 'a.weight.npy': array has shape [2, 2], expected [4]"), m);
        byte[] f8 = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", new byte[32]);
        m = npzError(archive(Entry.stored("a.weight.npy", f8)), Map.of("a.weight", new long[] {2, 2}));
        assertTrue(m.contains("array is <f8, expected float32"), m);
    }

    @Test
    void aCounterOfAnyDtypeIsAcceptedButNotALargeOne() throws Exception {
        byte[] counter = npy("{'descr': '<i8', 'fortran_order': False, 'shape': (), }", new byte[8]);
        Path ok = archive(Entry.stored("bn.num_batches_tracked.npy", counter));
        assertEquals(Set.of("bn.num_batches_tracked"), Npz.read(ok, Map.of(), Set.of("bn.num_batches_tracked")).keySet());
        byte[] big = npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1000,), }", new byte[8000]);
        Path bad = archive(Entry.stored("bn.num_batches_tracked.npy", big));
        String m = assertThrows(ModelException.class, () -> Npz.read(bad, Map.of(), Set.of("bn.num_batches_tracked")))
                .getMessage();
        assertTrue(m.contains("at most 1 are read"), m);
    }

    @Test
    void aFileThatIsNotAnArchiveIsNamed() throws Exception {
        Path file = Files.write(tmp.resolve("weights.npz"), "not a zip".getBytes(StandardCharsets.US_ASCII));
        String m = assertThrows(ModelException.class, () -> Npz.read(file)).getMessage();
        assertTrue(m.startsWith(file + " is not a readable .npz archive"), m);
    }
}
