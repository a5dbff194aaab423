package dev.gbp.data;

import java.io.IOException;
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
     * Reads {@code split} from a folder, or the whole of a single {@code .bin} file.
     *
     * @param path the folder, or a {@code .bin} file
     * @param split the part to read from a folder (ignored for a file)
     * @return the images with their labels
     * @throws DataException naming the file or record when a file is missing or malformed
     */
    public static CifarImages read(Path path, Split split) {
        if (Files.isDirectory(path)) {
            List<String> classes = readClassNames(path);
            List<CifarImages> parts = new ArrayList<>();
            for (String name : split.files()) {
                Path file = path.resolve(name);
                if (!Files.isRegularFile(file)) {
                    throw new DataException("CIFAR-10 folder " + path + " has no " + name
                            + " (expected the official binary layout: data_batch_1.bin .. data_batch_5.bin, test_batch.bin)");
                }
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
     * Reads every record of one file, checking its size and labels.
     *
     * @param file the {@code .bin} file
     * @param classes the class names labels index
     * @return the images with their labels
     * @throws DataException naming the file or record when it is missing or malformed
     */
    public static CifarImages readFile(Path file, List<String> classes) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.toString(), classes);
    }

    /**
     * Parses records from memory; {@code source} names them in error messages.
     *
     * @param bytes whole records
     * @param source where they come from, for messages
     * @param classes the class names labels index
     * @return the images with their labels
     * @throws DataException naming {@code source} and the record when the size or a label is wrong
     */
    public static CifarImages parse(byte[] bytes, String source, List<String> classes) {
        if (bytes.length == 0 || bytes.length % CifarImages.RECORD_BYTES != 0) {
            throw new DataException(source + ": size " + bytes.length + " bytes is not a whole number of "
                    + CifarImages.RECORD_BYTES + "-byte CIFAR-10 records");
        }
        int n = bytes.length / CifarImages.RECORD_BYTES;
        byte[] pixels = new byte[n * CifarImages.PIXELS];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int at = i * CifarImages.RECORD_BYTES;
            int label = bytes[at] & 0xff;
            if (label > 9) {
                throw new DataException(source + ": record " + i + " has label " + label + " (labels are 0..9)");
            }
            labels[i] = label;
            System.arraycopy(bytes, at + 1, pixels, i * CifarImages.PIXELS, CifarImages.PIXELS);
        }
        return new CifarImages(pixels, labels, classes);
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
        } catch (IOException e) {
            throw new DataException("cannot read " + meta + ": " + e.getMessage(), e);
        }
    }
}
