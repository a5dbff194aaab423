package dev.gbp.cli;

import dev.gbp.data.CifarImages;
import dev.gbp.data.CifarReader;
import dev.gbp.data.ImageFiles;
import dev.gbp.model.ModelSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The images a command works on: from {@code --images} files or the data set, after {@code --skip}
 * and {@code --first}, each with a display name and its index in the data set (-1 for pictures).
 */
record Selected(CifarImages images, List<String> sources, int[] indices) {
    /** {@code --first}'s default when it means every image. */
    static final int ALL = Integer.MAX_VALUE;

    /**
     * Every image of {@code split} of the data (a single file is used whole), named like {@code test_batch.bin#7},
     * for a model that must take CIFAR-10's 3 x 32 x 32 images ({@code imagesHere}: the command has --images,
     * which the refusal suggests).
     */
    static Selected fromData(ModelSpec spec, boolean imagesHere, DataOption data, CifarReader.Split split, PrintWriter err) {
        ModelInput.requireCifarData(spec, imagesHere);
        Path p = data.resolve(err);
        CifarImages all = CifarReader.read(p, split);
        String prefix = Files.isDirectory(p) ? (split == CifarReader.Split.TEST ? CifarReader.TEST_FILE : "train")
                : p.getFileName().toString();
        List<String> names = new ArrayList<>();
        int[] index = new int[all.size()];
        for (int i = 0; i < all.size(); i++) {
            names.add(prefix + "#" + i);
            index[i] = i;
        }
        return new Selected(all, names, index);
    }

    /** Every image of the files, each picture (of at most {@code maxPixels}) brought to {@code channels x height x width}. */
    static Selected fromFiles(List<Path> files, int channels, int height, int width, ImageFiles.Resize resize,
            long maxPixels, Consumer<ImageFiles.Resized> resized) {
        List<String> names = new ArrayList<>();
        List<Integer> index = new ArrayList<>();
        CifarImages all = ImageFiles.read(files, channels, height, width, resize, maxPixels, names, index, resized);
        return new Selected(all, names, index.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The images after the first {@code skip}: {@code first} of them when given (more than there are is an
     * error), else {@code byDefault} or as many as there are. {@code skip} is at least 0 and {@code first}, when
     * given, at least 1 (their options' {@link Range}s).
     */
    Selected range(int skip, Integer first, int byDefault) {
        int size = images.size();
        if (skip >= size) {
            throw new UsageException("--skip " + skip + " leaves no images (there are " + size + ")");
        }
        int available = size - skip;
        if (first != null && first > available) {
            throw new UsageException("--first " + first + ": only " + Counts.of(available, "image is", "images are")
                    + " available" + (skip > 0 ? " after --skip " + skip + " (" + size + " in all)" : "")
                    + "; use --first 1.." + available + " or leave it out");
        }
        int end = skip + Math.min(available, first != null ? first : byDefault);
        int[] idx = new int[end - skip];
        System.arraycopy(indices, skip, idx, 0, idx.length);
        return new Selected(images.slice(skip, end), List.copyOf(sources.subList(skip, end)), idx);
    }

    /**
     * What the images are, for a page's header: "the first 100 images of test_batch.bin", "images 50 to 149 of
     * test_batch.bin", "4 image files", or "12 images" (records of several files, or records and pictures).
     */
    String describe() {
        int n = images.size();
        String first = sources.get(0);
        int hash = first.lastIndexOf('#');
        String from = hash < 0 ? null : first.substring(0, hash);
        boolean pictures = true;
        boolean range = from != null;
        for (int i = 0; i < n; i++) {
            pictures &= indices[i] < 0;
            range &= indices[i] >= 0 && indices[i] == indices[0] + i && sources.get(i).equals(from + "#" + indices[i]);
        }
        if (pictures) {
            return Counts.of(n, "image file");
        }
        if (!range) {
            return Counts.of(n, "image");
        }
        if (n == 1) {
            return "image " + indices[0] + " of " + from;
        }
        return indices[0] == 0 ? "the first " + n + " images of " + from
                : "images " + indices[0] + " to " + indices[n - 1] + " of " + from;
    }
}
