package dev.gbp.cli;

import dev.gbp.GbpInputException;
import dev.gbp.data.ImageFiles;
import dev.gbp.model.ModelSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --images} and {@code --resize}: image files brought to the model's input size. */
final class ImageFilesOption {
    @Option(names = "--images", arity = "1..*", paramLabel = "FILE",
            description = {"Image files: PNG/JPEG pictures of any size, resized to the model's input as --resize says",
                "(area averaging; gray pictures are copied to R, G and B for RGB models, colour is converted to gray",
                "for 1-channel models; transparency is composited over white), or CIFAR .bin files (for models of",
                "3 x 32 x 32 input); instead of --data. In atlas and explain --format parquet, one folder given alone is",
                "searched for PNG and JPEG files, named by their paths relative to it."})
    List<Path> images;

    @Option(names = "--resize", paramLabel = "HOW",
            description = {"How --images pictures of another shape are fitted to the model's input: stretch (the",
                "whole picture, aspect changed) or crop (its centre, aspect kept) (default: stretch)."})
    String resize;

    boolean given() {
        return images != null && !images.isEmpty();
    }

    @Range(min = 1, max = 1L << 32)
    @Option(names = "--max-pixels", paramLabel = "N",
            description = {"The most pixels (width x height) an --images picture may have; larger ones are refused before",
                "they are decoded (default: ${DEFAULT-VALUE}, 8192 x 8192)."})
    long maxPixels = ImageFiles.DEFAULT_MAX_PIXELS;

    ImageFiles.Resize mode() {
        return resize == null ? ImageFiles.Resize.STRETCH : ImageFiles.Resize.parse(resize);
    }

    /**
     * Every image of the files at the model's input size ({@code spec.input()}), with one line on {@code err}
     * when pictures were resized, e.g. "resized 4 images to 224 x 224 (stretch)".
     */
    Selected read(ModelSpec spec, PrintWriter err) {
        int[] in = spec.input();
        ImageFiles.Resize how = mode();
        List<ImageFiles.Resized> resized = new ArrayList<>();
        Selected all = Selected.fromFiles(images, in[0], in[1], in[2], how, maxPixels, resized::add);
        if (!resized.isEmpty()) {
            err.println(summary(resized, in[1], in[2], how));
        }
        return all;
    }

    /** "resized 4 images to 224 x 224 (stretch)", saying how many changed their aspect ratio and how to keep it. */
    static String summary(List<ImageFiles.Resized> resized, int height, int width, ImageFiles.Resize how) {
        long changed = resized.stream().filter(ImageFiles.Resized::aspectChanged).count();
        long cropped = resized.stream().filter(ImageFiles.Resized::cropped).count();
        String line = String.format(Locale.ROOT, "resized %s to %d x %d (%s)", Counts.of(resized.size(), "image"), width,
                height, how.name().toLowerCase(Locale.ROOT));
        if (how == ImageFiles.Resize.STRETCH && changed > 0) {
            line += "; " + (changed == resized.size() ? (changed == 1 ? "its" : "their") : changed + " of them had their")
                    + " aspect ratio changed (--resize crop keeps it)";
        } else if (cropped > 0) {
            line += "; " + (cropped == resized.size() ? (cropped == 1 ? "" : "each ") : cropped + " of them ")
                    + "cut to the centre first";
        }
        return line;
    }
}
