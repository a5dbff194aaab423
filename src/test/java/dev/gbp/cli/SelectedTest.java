package dev.gbp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gbp.data.CifarImages;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a page's header says the images are. */
class SelectedTest {
    private static Selected of(List<String> sources, int... indices) {
        byte[] px = new byte[indices.length * CifarImages.PIXELS];
        return new Selected(new CifarImages(px, new int[indices.length], CifarImages.DEFAULT_CLASSES), sources, indices);
    }

    @Test
    void describesRecordsByRangeAndPicturesByCount() {
        Selected data = of(List.of("test_batch.bin#0", "test_batch.bin#1", "test_batch.bin#2", "test_batch.bin#3"), 0, 1, 2, 3);
        assertEquals("the first 4 images of test_batch.bin", data.describe());
        assertEquals("images 1 to 2 of test_batch.bin", data.range(1, 2, 100).describe());
        assertEquals("image 3 of test_batch.bin", data.range(3, null, 100).describe());
        assertEquals("2 image files", of(List.of("a.png", "b.jpg"), -1, -1).describe());
        assertEquals("1 image file", of(List.of("a.png"), -1).describe());
        // Records of two files given with --images, or records and pictures: counted.
        assertEquals("2 images", of(List.of("x.bin#0", "y.bin#1"), 0, 1).describe());
        assertEquals("2 images", of(List.of("x.bin#0", "a.png"), 0, -1).describe());
    }
}
