package dev.gbp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gbp.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsHandMadeRecordsPixelByPixel() throws Exception {
        Path f = tmp.resolve("two.bin");
        byte[] a = TestFiles.record(7, 5);
        byte[] b = TestFiles.record(2, 200);
        byte[] both = Arrays.copyOf(a, a.length * 2);
        System.arraycopy(b, 0, both, a.length, b.length);
        Files.write(f, both);

        CifarImages images = CifarReader.read(f, CifarReader.Split.TEST);

        assertEquals(2, images.size());
        assertEquals(7, images.label(0));
        assertEquals(2, images.label(1));
        // R plane first, row-major: pixel (c, y, x) = (seed + 7c + 3y + x) mod 256.
        assertEquals(5, images.pixel(0, 0, 0, 0));
        assertEquals((5 + 3 * 2 + 1) & 0xff, images.pixel(0, 0, 2, 1));
        assertEquals((5 + 7 * 2 + 3 * 31 + 31) & 0xff, images.pixel(0, 2, 31, 31));
        assertEquals((200 + 7 + 3 * 10 + 4) & 0xff, images.pixel(1, 1, 10, 4));
    }

    @Test
    void folderSplitsUseTheOfficialFiles() throws Exception {
        Path dir = TestFiles.writeCifarFolder(tmp.resolve("cifar"), 3);
        CifarImages train = CifarReader.read(dir, CifarReader.Split.TRAIN);
        CifarImages test = CifarReader.read(dir, CifarReader.Split.TEST);
        assertEquals(15, train.size());
        assertEquals(3, test.size());
        assertEquals("airplane", train.classes().get(0));
        assertEquals("truck", train.classes().get(9));
        // data_batch_2 starts at record 3 with seed 200.
        assertEquals(200, train.pixel(3, 0, 0, 0));
        assertTrue(CifarReader.isComplete(dir));
    }

    @Test
    void sizeNotAMultipleOfTheRecordIsRejectedNamingTheFile() throws Exception {
        Path f = tmp.resolve("short.bin");
        Files.write(f, Arrays.copyOf(TestFiles.record(1, 1), 3000));
        DataException e = assertThrows(DataException.class, () -> CifarReader.read(f, CifarReader.Split.TEST));
        assertTrue(e.getMessage().contains("short.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("3073"), e.getMessage());
    }

    @Test
    void labelAboveNineIsRejectedNamingFileAndRecord() throws Exception {
        Path f = tmp.resolve("bad.bin");
        byte[] recs = TestFiles.records(4, 0);
        recs[2 * 3073] = 12;
        Files.write(f, recs);
        DataException e = assertThrows(DataException.class, () -> CifarReader.read(f, CifarReader.Split.TEST));
        assertTrue(e.getMessage().contains("bad.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("record 2"), e.getMessage());
        assertTrue(e.getMessage().contains("12"), e.getMessage());
    }

    @Test
    void folderWithoutTheTestFileIsNamed() throws Exception {
        Path dir = TestFiles.writeCifarFolder(tmp.resolve("c"), 1);
        Files.delete(dir.resolve("test_batch.bin"));
        DataException e = assertThrows(DataException.class, () -> CifarReader.read(dir, CifarReader.Split.TEST));
        assertTrue(e.getMessage().contains("test_batch.bin"), e.getMessage());
    }

    @Test
    void emptyFileAndMissingPathAreErrors() throws Exception {
        Path f = tmp.resolve("empty.bin");
        Files.write(f, new byte[0]);
        assertThrows(DataException.class, () -> CifarReader.read(f, CifarReader.Split.TEST));
        assertThrows(DataException.class, () -> CifarReader.read(tmp.resolve("nope"), CifarReader.Split.TEST));
    }

    /** A file of {@code bytes} bytes that holds nothing (sparse: no disk is used). */
    private static Path sparse(Path file, long bytes) throws Exception {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return file;
    }

    @Test
    void aThreeGigabyteBinIsRefusedFromItsLengthBeforeAnythingIsRead() throws Exception {
        // 1,000,000 whole records (3.07 GB). Before: Files.readAllBytes ran out of memory.
        Path f = sparse(tmp.resolve("huge.bin"), 1_000_000L * 3073);
        DataException e = assertThrows(DataException.class, () -> CifarReader.read(f, CifarReader.Split.TEST));
        assertTrue(e.getMessage().startsWith(f + ": 1000000 records (3073000000 bytes); at most 100000 are read"), e.getMessage());
    }

    @Test
    void aSplitWhoseFilesTogetherHoldTooManyRecordsIsRefusedBeforeReading() throws Exception {
        Path dir = TestFiles.writeCifarFolder(tmp.resolve("big"), 1);
        for (String name : CifarReader.TRAIN_FILES) {
            sparse(dir.resolve(name), 30_000L * 3073);
        }
        DataException e = assertThrows(DataException.class, () -> CifarReader.read(dir, CifarReader.Split.TRAIN));
        assertTrue(e.getMessage().contains("train files hold more than 100000 records"), e.getMessage());
        sparse(dir.resolve(CifarReader.META_FILE), 10L << 20);
        e = assertThrows(DataException.class, () -> CifarReader.read(dir, CifarReader.Split.TEST));
        assertTrue(e.getMessage().startsWith(dir.resolve(CifarReader.META_FILE) + ": 10485760 bytes"), e.getMessage());
    }

    @Test
    void realTestSetStartsWithCatShipShipPlane() {
        Path dir = TestFiles.realCifarOrSkip();
        CifarImages test = CifarReader.read(dir, CifarReader.Split.TEST);
        assertEquals(10_000, test.size());
        assertEquals(3, test.label(0));
        assertEquals(8, test.label(1));
        assertEquals(8, test.label(2));
        assertEquals(0, test.label(3));
    }
}
