package dev.gbp.data;

import dev.gbp.io.FileErrors;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CIFAR-10 in the official binary layout: records of 1 label byte and 3,072 pixel bytes.
 *
 * <p>A folder is read by split ({@code data_batch_1..5.bin} for train, {@code test_batch.bin} for
 * test); a single {@code .bin} file may hold any whole number of records.
 */
public final class CifarReader {
    /** The training split's files, in order. */
    public static final List<String> TRAIN_FILES = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    /** The test split's file. */
    public static final String TEST_FILE = "test_batch.bin";
    /** The class names, one per line. */
    public static final String META_FILE = "batches.meta.txt";
    /**
     * Most records read at once, from one file or one split of a folder: 100,000 (307 MB of pixels; CIFAR-10's
     * training split holds 50,000). Checked from the files' lengths before anything is read.
     */
    public static final int MAX_RECORDS = 100_000;
    /** Largest {@link #META_FILE} read, in bytes (ten class names take about 60). */
    public static final long MAX_META_BYTES = 64 * 1024;

    /** Which part of the data set. */
    public enum Split {
        /** The 50,000 training records ({@link #TRAIN_FILES}). */
        TRAIN,
        /** The 10,000 test records ({@link #TEST_FILE}). */
        TEST;

        /**
         * The split's files.
         *
         * @return their names, in order
         */
        public List<String> files() {
            return this == TRAIN ? TRAIN_FILES : List.of(TEST_FILE);
        }
    }

    private CifarReader() {}

    /**
     * Reads {@code split} from a folder, or the whole of a single {@code .bin} file. The files' lengths are checked
     * (whole records, at most {@link #MAX_RECORDS} in all) before a byte is read.
     *
     * @param path the folder, or a {@code .bin} file
     * @param split the part to read from a folder (ignored for a file)
     * @return the images with their labels
     * @throws DataException naming the file at fault
     */
    public static CifarImages read(Path path, Split split) {
        if (Files.isDirectory(path)) {
            List<String> classes = readClassNames(path);
            List<Path> files = new ArrayList<>();
            long records = 0;
            for (String name : split.files()) {
                Path file = path.resolve(name);
                if (!Files.isRegularFile(file)) {
                    throw new DataException("CIFAR-10 folder " + path + " has no " + name
                            + " (expected the official binary layout: data_batch_1.bin .. data_batch_5.bin, test_batch.bin)");
                }
                records += recordCount(file);
                if (records > MAX_RECORDS) {
                    throw new DataException("CIFAR-10 folder " + path + ": its " + split.name().toLowerCase(java.util.Locale.ROOT)
                            + " files hold more than " + MAX_RECORDS + " records (at most " + MAX_RECORDS + " are read)");
                }
                files.add(file);
            }
            List<CifarImages> parts = new ArrayList<>();
            for (Path file : files) {
                parts.add(readFile(file, classes));
            }
            return CifarImages.concat(parts);
        }
        if (Files.isRegularFile(path)) {
            Path parent = path.toAbsolutePath().getParent();
            return readFile(path, parent == null ? CifarImages.DEFAULT_CLASSES : readClassNames(parent));
        }
        throw new DataException("no such CIFAR-10 file or folder: " + path);
    }

    /**
     * True when {@code dir} holds every file of the official binary layout.
     *
     * @param dir the folder
     * @return whether none is missing
     */
    public static boolean isComplete(Path dir) {
        return Files.isDirectory(dir) && missingFiles(dir).isEmpty();
    }

    /**
     * The files of the official binary layout (the five training files and the test file) that {@code dir} lacks.
     *
     * @param dir the folder
     * @return the missing files' names, empty when it is complete
     */
    public static List<String> missingFiles(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String f : TRAIN_FILES) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                missing.add(f);
            }
        }
        if (!Files.isRegularFile(dir.resolve(TEST_FILE))) {
            missing.add(TEST_FILE);
        }
        return missing;
    }

    /**
     * Reads every record of one file, checking its length (whole records, at most {@link #MAX_RECORDS}) before
     * reading and each label while reading; the records are streamed into the images, never held twice.
     *
     * @param file the {@code .bin} file
     * @param classes the class names labels index
     * @return the images with their labels
     * @throws DataException naming the file, and the record at fault
     */
    public static CifarImages readFile(Path file, List<String> classes) {
        int n = recordCount(file);
        byte[] pixels = new byte[n * CifarImages.PIXELS];
        int[] labels = new int[n];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] record = new byte[CifarImages.RECORD_BYTES];
            for (int i = 0; i < n; i++) {
                if (in.readNBytes(record, 0, record.length) < record.length) {
                    throw new DataException(file + ": ends inside record " + i + " (the file changed while it was read)");
                }
                int label = record[0] & 0xff;
                if (label > 9) {
                    throw new DataException(file + ": record " + i + " has label " + label + " (labels are 0..9)");
                }
                labels[i] = label;
                System.arraycopy(record, 1, pixels, i * CifarImages.PIXELS, CifarImages.PIXELS);
            }
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + FileErrors.reason(e), e);
        }
        return new CifarImages(pixels, labels, classes);
    }

    /** How many records {@code file} holds, from its length: a whole number of them, 1 to {@link #MAX_RECORDS}. */
    private static int recordCount(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + FileErrors.reason(e), e);
        }
        if (size == 0 || size % CifarImages.RECORD_BYTES != 0) {
            throw new DataException(file + ": size " + size + " bytes is not a whole number of "
                    + CifarImages.RECORD_BYTES + "-byte CIFAR-10 records");
        }
        if (size / CifarImages.RECORD_BYTES > MAX_RECORDS) {
            throw new DataException(file + ": " + size / CifarImages.RECORD_BYTES + " records (" + size + " bytes); at most "
                    + MAX_RECORDS + " are read (CIFAR-10's files hold 10,000 each)");
        }
        return (int) (size / CifarImages.RECORD_BYTES);
    }

    /**
     * Class names from {@code batches.meta.txt}, or the standard ten when the file is absent.
     *
     * @param dir the data folder
     * @return the names in label order
     */
    public static List<String> readClassNames(Path dir) {
        Path meta = dir.resolve(META_FILE);
        if (!Files.isRegularFile(meta)) {
            return CifarImages.DEFAULT_CLASSES;
        }
        try {
            if (Files.size(meta) > MAX_META_BYTES) {
                throw new DataException(meta + ": " + Files.size(meta) + " bytes; a list of 10 class names may be at most "
                        + MAX_META_BYTES);
            }
            List<String> names = new ArrayList<>();
            for (String line : Files.readAllLines(meta, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    names.add(line.trim());
                }
            }
            if (names.size() != 10) {
                throw new DataException(meta + ": expected 10 class names, found " + names.size());
            }
            return names;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new DataException(meta + " is not UTF-8 text", e);
        } catch (IOException e) {
            throw new DataException("cannot read " + meta + ": " + FileErrors.reason(e), e);
        }
    }
}
