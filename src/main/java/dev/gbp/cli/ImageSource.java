package dev.gbp.cli;

import dev.gbp.GbpInputException;
import dev.gbp.atlas.AtlasSource;
import dev.gbp.data.CifarReader;
import dev.gbp.model.ModelSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        split();
        files.mode();
    }

    /** The --split chosen, test by default. */
    private CifarReader.Split split() {
        return SplitOption.parse(split == null ? "test" : split);
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
            all = Selected.fromData(spec, true, data, split(), err);
        }
        return all.range(skip, first, byDefault);
    }

    /**
     * The images as a Spark job reads them, by index on any executor: the records of a split or of one {@code .bin}
     * file, or pictures (a folder given alone is searched for PNG and JPEG files and names them by their path relative
     * to it; files are named as given).
     */
    AtlasSource spark(ModelSpec spec, PrintWriter err) {
        check();
        if (!files.given()) {
            ModelInput.requireCifarData(spec, true);
            return AtlasSource.Records.of(data.resolve(err), split());
        }
        List<Path> given = files.images;
        if (given.size() == 1 && Files.isDirectory(given.get(0))) {
            return AtlasSource.Pictures.of(given.get(0), files.mode(), files.maxPixels);
        }
        if (given.stream().anyMatch(p -> p.getFileName() != null && p.getFileName().toString().endsWith(".bin"))) {
            if (given.size() != 1) {
                throw new UsageException("--images: a Spark job reads one CIFAR-10 .bin file, or pictures");
            }
            ModelInput.requireCifarData(spec, true);
            return AtlasSource.Records.of(given.get(0), CifarReader.Split.TEST);
        }
        for (Path p : given) {
            if (!Files.isRegularFile(p)) {
                throw new UsageException("--images " + GbpInputException.quote(p.toString())
                        + ": no such file (in a Spark job, a folder is searched when it is the only --images)");
            }
        }
        return AtlasSource.Pictures.files(given, files.mode(), files.maxPixels);
    }
}
