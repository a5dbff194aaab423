package dev.gbp.cli;

import dev.gbp.data.ImageFiles;
import dev.gbp.model.ModelSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the images of {@code explain} and {@code explore} come from: data (a split, after --skip) or files. */
final class ImageSource {
    @Mixin
    DataOption data;

    @Option(names = "--images", arity = "1..*", paramLabel = "FILE",
            description = {"Use these files instead of --data: CIFAR .bin files or PNG/JPEG pictures (pictures of",
                "another size are fitted to the model's input as --resize says and scaled by area averaging;",
                "grayscale is copied to RGB; transparency is composited over white)."})
    List<Path> images;

    @Option(names = "--resize", paramLabel = "HOW",
            description = {"How --images pictures of another shape are fitted to the model's input: stretch (the",
                "whole picture, aspect changed) or crop (its centre, aspect kept) (default: stretch)."})
    String resize;

    @Option(names = "--split", paramLabel = "SPLIT", description = "Split of a data folder: test or train (default: test).")
    String split;

    @Option(names = "--skip", defaultValue = "0", paramLabel = "K", description = "Skip the first K images.")
    int skip;

    /** Checks the options before anything is read: --data and --images exclude each other. */
    void check(Integer first) {
        boolean files = images != null && !images.isEmpty();
        if (files && data.data != null) {
            throw new UsageException("--data and --images exclude each other: give the data folder or the image files");
        }
        if (files && split != null) {
            throw new UsageException("--split chooses part of a data folder and does not apply to --images");
        }
        if (!files && resize != null) {
            throw new UsageException("--resize fits --images pictures to the model and does not apply to --data");
        }
        SplitOption.parse(split == null ? "test" : split);
        resizeMode();
        Selected.checkRange(skip, first);
    }

    /**
     * The chosen images: {@code first} of them after the skipped ones (null: {@code byDefault} or all),
     * pictures brought to the model's input size with a line on {@code err} for each one resized.
     */
    Selected load(ModelSpec spec, Integer first, int byDefault, PrintWriter err) {
        check(first);
        Selected all;
        if (images != null && !images.isEmpty()) {
            int[] in = spec.input();
            ImageFiles.Resize how = resizeMode();
            all = Selected.fromFiles(images, in[1], in[2], how, r -> err.println(r.describe()
                    + (how == ImageFiles.Resize.STRETCH && r.aspectChanged() ? "; --resize crop keeps the aspect" : "")));
        } else {
            all = Selected.fromData(data, SplitOption.parse(split == null ? "test" : split), err);
        }
        return all.range(skip, first, byDefault);
    }

    private ImageFiles.Resize resizeMode() {
        return resize == null ? ImageFiles.Resize.STRETCH : ImageFiles.Resize.parse(resize);
    }
}
