package dev.gbp.cli;

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
            description = {"Use these files instead of --data: CIFAR .bin files or PNG/JPEG pictures",
                "(other sizes are resized to 32x32 by area averaging; grayscale is copied to RGB;",
                "transparency is composited over white)."})
    List<Path> images;

    @Option(names = "--split", defaultValue = "test", description = "Split of a data folder: test or train (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--skip", defaultValue = "0", paramLabel = "K", description = "Skip the first K images.")
    int skip;

    /** The chosen images: {@code first} of them after the skipped ones (null: all). */
    Selected load(Integer first, PrintWriter err) {
        return Selected.load(data, images, split, skip, first, err);
    }
}
