package dev.gbp.cli;

import dev.gbp.data.CifarImages;
import dev.gbp.data.CifarReader;
import dev.gbp.data.ImageFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The images a command works on: from {@code --images} files or the data set, after {@code --skip}
 * and {@code --first}, each with a display name and its index in the data set (-1 for pictures).
 */
record Selected(CifarImages images, List<String> sources, int[] indices) {

    static Selected load(DataOption data, List<Path> files, String split, int skip, Integer first, PrintWriter err) {
        if (skip < 0) {
            throw new UsageException("--skip must not be negative, got " + skip);
        }
        if (first != null && first < 1) {
            throw new UsageException("--first must be at least 1, got " + first);
        }
        List<String> names = new ArrayList<>();
        List<Integer> index = new ArrayList<>();
        CifarImages all;
        if (files != null && !files.isEmpty()) {
            all = ImageFiles.read(files, names, index);
        } else {
            CifarReader.Split s = SplitOption.parse(split);
            Path p = data.resolve(err);
            all = CifarReader.read(p, s);
            String prefix = Files.isDirectory(p) ? (s == CifarReader.Split.TEST ? CifarReader.TEST_FILE : "train")
                    : p.getFileName().toString();
            for (int i = 0; i < all.size(); i++) {
                names.add(prefix + "#" + i);
                index.add(i);
            }
        }
        if (skip >= all.size()) {
            throw new UsageException("--skip " + skip + " leaves no images (there are " + all.size() + ")");
        }
        int end = first == null ? all.size() : (int) Math.min(all.size(), (long) skip + first);
        int[] idx = new int[end - skip];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = index.get(skip + i);
        }
        return new Selected(all.slice(skip, end), List.copyOf(names.subList(skip, end)), idx);
    }
}
