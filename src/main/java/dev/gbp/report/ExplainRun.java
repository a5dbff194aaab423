package dev.gbp.report;

import dev.gbp.attr.AttributionResult;
import dev.gbp.data.CifarImages;
import dev.gbp.model.ModelSpec;
import dev.gbp.render.Normalization;
import java.util.List;

/**
 * Everything an explain run produced and needs to write out.
 *
 * @param modelPath the bundle folder, as given
 * @param spec the model's spec
 * @param images the explained images (labels -1 where unknown)
 * @param sources a display name per image (e.g. {@code test_batch.bin#17} or a file name)
 * @param datasetIndex per image, its index in the data set, or -1 for image files
 * @param result the maps and per-image metadata
 * @param normalization how maps are drawn
 * @param scale nearest-neighbour upscaling factor of pictures
 */
public record ExplainRun(String modelPath, ModelSpec spec, CifarImages images, List<String> sources, int[] datasetIndex,
        AttributionResult result, Normalization normalization, int scale) {

    /** Image {@code i}'s label's name, or "?" when it has none. */
    public String labelName(int i) {
        return spec.labelName(images.label(i));
    }

    public String predictedName(int i) {
        return spec.classes().get(result.predicted(i));
    }

    /** File name of image {@code i}'s picture, inside the output folder. */
    public String pictureFile(int i) {
        return pictureFileOf(i);
    }

    /** File name of the {@code i}-th picture of a run, inside the output folder. */
    static String pictureFileOf(int i) {
        return "images/" + String.format(java.util.Locale.ROOT, "%04d", i) + ".png";
    }
}
