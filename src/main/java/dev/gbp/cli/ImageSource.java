package dev.gbp.cli;

import dev.gbp.model.ModelSpec;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the images of {@code explain} and {@code explore} come from: data (a split, after --skip) or files. */
final class ImageSource {
    @Mixin
    DataOption data;

    @Mixin
    ImageFilesOption files;

    @Option(names = "--split", paramLabel = "SPLIT", description = "Split of a data folder: test or train (default: test).")
    String split;

    @Option(names = "--skip", defaultValue = "0", paramLabel = "K", description = "Skip the first K images.")
    @Range(min = 0)
    int skip;

    /** Checks the options before anything is read: --data and --images exclude each other. */
    void check() {
        boolean given = files.given();
        if (given && data.data != null) {
            throw new UsageException("--data and --images exclude each other: give the data folder or the image files");
        }
        if (given && split != null) {
            throw new UsageException("--split chooses part of a data folder and does not apply to --images");
        }
        if (!given && files.resize != null) {
            throw new UsageException("--resize fits --images pictures to the model and does not apply to --data");
        }
        SplitOption.parse(split == null ? "test" : split);
        files.mode();
    }

    /**
     * The chosen images: {@code first} of them after the skipped ones (null: {@code byDefault} or all),
     * pictures brought to the model's input size with one line on {@code err} when any was resized.
     */
    Selected load(ModelSpec spec, Integer first, int byDefault, PrintWriter err) {
        check();
        Selected all;
        if (files.given()) {
            all = files.read(spec, err);
        } else {
            all = Selected.fromData(spec, true, data, SplitOption.parse(split == null ? "test" : split), err);
        }
        return all.range(skip, first, byDefault);
    }
}
