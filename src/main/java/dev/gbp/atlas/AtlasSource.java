package dev.gbp.atlas;

import dev.gbp.data.CifarImages;
import dev.gbp.data.CifarReader;
import dev.gbp.data.DataException;
import dev.gbp.data.ImageFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The images of an atlas, addressed by index, readable on any executor: CIFAR-10 {@code .bin} records (read by
 * offset, only the records a task needs) or picture files under a folder (sorted by their relative path). Paths must
 * name the same files on every machine of the cluster (a shared file system); in local mode they are the driver's.
 */
public sealed interface AtlasSource extends Serializable {
    /** How many images. */
    int size();

    /** What {@code atlas.json} calls image {@code i}: its record index, or its path relative to the folder. */
    Object id(long i);

    /** What the images are, for people: "test split of /data/cifar (10000 images)". */
    String describe();

    /** The split's name ("test", "train") or {@code "images"} for a folder of pictures. */
    String split();

    /**
     * Images {@code indices} in that order, at the model's input size.
     *
     * @param input the model's C x H x W
     */
    CifarImages read(long[] indices, int[] input);

    /** Images {@code from..to} (exclusive). */
    default CifarImages read(long from, long to, int[] input) {
        long[] idx = new long[(int) (to - from)];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return read(idx, input);
    }

    /**
     * CIFAR-10 binary records: the files of a split, in order, each of {@code counts[i]} records of
     * {@link CifarImages#RECORD_BYTES} bytes.
     */
    record Records(String split, List<String> files, int[] counts, List<String> classes) implements AtlasSource {
        /**
         * The records of {@code split} under a CIFAR-10 folder, or of one {@code .bin} file; sizes are checked here,
         * records are read by the tasks.
         */
        public static Records of(Path path, CifarReader.Split split) {
            List<Path> files = new ArrayList<>();
            List<String> classes;
            String name;
            if (Files.isDirectory(path)) {
                classes = CifarReader.readClassNames(path);
                for (String f : split.files()) {
                    Path file = path.resolve(f);
                    if (!Files.isRegularFile(file)) {
                        throw new DataException("CIFAR-10 folder " + path + " has no " + f
                                + " (expected the official binary layout: data_batch_1.bin .. data_batch_5.bin, test_batch.bin)");
                    }
                    files.add(file);
                }
                name = split.name().toLowerCase(java.util.Locale.ROOT);
            } else if (Files.isRegularFile(path)) {
                Path parent = path.toAbsolutePath().getParent();
                classes = parent == null ? CifarImages.DEFAULT_CLASSES : CifarReader.readClassNames(parent);
                files.add(path);
                name = path.getFileName().toString();
            } else {
                throw new DataException("no such CIFAR-10 file or folder: " + path);
            }
            int[] counts = new int[files.size()];
            List<String> names = new ArrayList<>();
            for (int i = 0; i < counts.length; i++) {
                Path f = files.get(i);
                long bytes;
                try {
                    bytes = Files.size(f);
                } catch (IOException e) {
                    throw new DataException("cannot read " + f + ": " + e.getMessage(), e);
                }
                if (bytes == 0 || bytes % CifarImages.RECORD_BYTES != 0 || bytes / CifarImages.RECORD_BYTES > Integer.MAX_VALUE) {
                    throw new DataException(f + ": size " + bytes + " bytes is not a whole number of "
                            + CifarImages.RECORD_BYTES + "-byte CIFAR-10 records");
                }
                counts[i] = (int) (bytes / CifarImages.RECORD_BYTES);
                names.add(f.toAbsolutePath().toString());
            }
            return new Records(name, List.copyOf(names), counts, List.copyOf(classes));
        }

        @Override
        public int size() {
            long n = 0;
            for (int c : counts) {
                n += c;
            }
            return Math.toIntExact(n);
        }

        @Override
        public Object id(long i) {
            return i;
        }

        @Override
        public String describe() {
            return split + " records of " + (files.size() == 1 ? files.get(0) : Path.of(files.get(0)).getParent())
                    + " (" + size() + " images)";
        }

        @Override
        public CifarImages read(long[] indices, int[] input) {
            byte[] all = new byte[indices.length * CifarImages.RECORD_BYTES];
            byte[] one = new byte[CifarImages.RECORD_BYTES];
            // Consecutive indices (the scan's ranges) are read in one go per file.
            int i = 0;
            while (i < indices.length) {
                long at = indices[i];
                int file = 0;
                while (file < counts.length && at >= counts[file]) {
                    at -= counts[file];
                    file++;
                }
                if (indices[i] < 0 || file == counts.length) {
                    throw new IllegalArgumentException("image " + indices[i] + " is outside 0.." + (size() - 1));
                }
                int run = 1;
                while (i + run < indices.length && indices[i + run] == indices[i] + run && at + run < counts[file]) {
                    run++;
                }
                try (RandomAccessFile f = new RandomAccessFile(files.get(file), "r")) {
                    f.seek(at * CifarImages.RECORD_BYTES);
                    f.readFully(all, i * CifarImages.RECORD_BYTES, run * CifarImages.RECORD_BYTES);
                } catch (IOException e) {
                    throw new DataException("cannot read records " + at + ".." + (at + run - 1) + " of " + files.get(file)
                            + ": " + e.getMessage(), e);
                }
                i += run;
            }
            int n = indices.length;
            byte[] pixels = new byte[n * CifarImages.PIXELS];
            int[] labels = new int[n];
            for (int k = 0; k < n; k++) {
                int label = all[k * CifarImages.RECORD_BYTES] & 0xff;
                if (label > 9) {
                    throw new DataException(split + " record " + indices[k] + " has label " + label + " (labels are 0..9)");
                }
                labels[k] = label;
                System.arraycopy(all, k * CifarImages.RECORD_BYTES + 1, pixels, k * CifarImages.PIXELS, CifarImages.PIXELS);
            }
            return new CifarImages(pixels, labels, classes);
        }
    }

    /**
     * Picture files under {@code root}, by their paths relative to it, sorted; each fitted to the model's input as
     * {@code resize} says, and refused before decoding when it has more than {@code maxPixels} pixels.
     */
    record Pictures(String root, List<String> relative, ImageFiles.Resize resize, long maxPixels) implements AtlasSource {
        /** Extensions of the pictures a folder's tree is searched for. */
        public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

        /** Every PNG and JPEG file under {@code root}, sorted by relative path ('/'-separated). */
        public static Pictures of(Path root, ImageFiles.Resize resize, long maxPixels) {
            if (!Files.isDirectory(root)) {
                throw new DataException("--images " + root + ": not a folder (the atlas reads a folder tree of PNG and"
                        + " JPEG files)");
            }
            List<String> found = new ArrayList<>();
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(Files::isRegularFile).forEach(p -> {
                    String lower = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                    if (EXTENSIONS.stream().anyMatch(lower::endsWith)) {
                        found.add(root.relativize(p).toString().replace(java.io.File.separatorChar, '/'));
                    }
                });
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new DataException("cannot list " + root + ": " + e.getMessage(), e);
            }
            if (found.isEmpty()) {
                throw new DataException(root + " holds no PNG or JPEG files");
            }
            found.sort(null);
            return new Pictures(root.toAbsolutePath().toString(), List.copyOf(found), resize, maxPixels);
        }

        /** These picture files, in this order, each named by its path as given. */
        public static Pictures files(List<Path> files, ImageFiles.Resize resize, long maxPixels) {
            List<String> names = new ArrayList<>(files.size());
            for (Path p : files) {
                names.add(p.toString());
            }
            return new Pictures("", List.copyOf(names), resize, maxPixels);
        }

        @Override
        public int size() {
            return relative.size();
        }

        @Override
        public Object id(long i) {
            return relative.get(Math.toIntExact(i));
        }

        @Override
        public String describe() {
            return (root.isEmpty() ? "pictures" : "pictures under " + root) + " (" + size() + " images)";
        }

        @Override
        public String split() {
            return "images";
        }

        @Override
        public CifarImages read(long[] indices, int[] input) {
            List<Path> files = new ArrayList<>(indices.length);
            for (long i : indices) {
                files.add(Path.of(root, relative.get(Math.toIntExact(i))));
            }
            return ImageFiles.read(files, input[0], input[1], input[2], resize, maxPixels, new ArrayList<>(), new ArrayList<>(),
                    r -> { });
        }
    }
}
