package dev.gbp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pictures fitted to the model's input: stretched or centre-cropped, each change reported. */
class ImageFilesTest {
    @TempDir
    static Path tmp;

    static Path wide;

    /**
     * 128 x 64: the left 32 columns red, the right 32 blue, the middle 64 columns in 2 x 2 blocks whose
     * colour is (8 bx, 8 by, 100) for block (bx, by).
     */
    @BeforeAll
    static void setUp() throws Exception {
        BufferedImage img = new BufferedImage(128, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 128; x++) {
                int rgb = x < 32 ? 0xff0000 : x >= 96 ? 0x0000ff : (8 * ((x - 32) / 2)) << 16 | (8 * (y / 2)) << 8 | 100;
                img.setRGB(x, y, rgb);
            }
        }
        wide = tmp.resolve("wide.png");
        ImageIO.write(img, "png", wide.toFile());
    }

    private static CifarImages read(ImageFiles.Resize how, List<ImageFiles.Resized> notes) {
        return ImageFiles.read(List.of(wide), 32, 32, how, new ArrayList<>(), new ArrayList<>(), notes::add);
    }

    private static void assertPixel(CifarImages im, int x, int y, int r, int g, int b) {
        int[] want = {r, g, b};
        for (int c = 0; c < 3; c++) {
            assertEquals(want[c], im.pixel(0, c, y, x), 1, "channel " + c + " at (" + x + ", " + y + ")");
        }
    }

    @Test
    void stretchAveragesFourByTwoBlocksAndSaysTheAspectChanged() {
        List<ImageFiles.Resized> notes = new ArrayList<>();
        CifarImages im = read(ImageFiles.Resize.STRETCH, notes);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                if (x < 8) {
                    assertPixel(im, x, y, 255, 0, 0);
                } else if (x >= 24) {
                    assertPixel(im, x, y, 0, 0, 255);
                } else {
                    // Columns 4x..4x+3 hold blocks 2x-16 and 2x-15: red 8 (2x - 15.5); rows 2y, 2y+1 are block y.
                    assertPixel(im, x, y, 16 * x - 124, 8 * y, 100);
                }
            }
        }
        assertEquals(1, notes.size());
        ImageFiles.Resized n = notes.get(0);
        assertTrue(n.aspectChanged());
        assertFalse(n.cropped());
        assertEquals("wide.png: 128x64 squashed to 32x32 (aspect changed)", n.describe());
    }

    @Test
    void cropKeepsTheCentreSquareWhichHalvesExactly() {
        List<ImageFiles.Resized> notes = new ArrayList<>();
        CifarImages im = read(ImageFiles.Resize.CROP, notes);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                assertPixel(im, x, y, 8 * x, 8 * y, 100);
            }
        }
        ImageFiles.Resized n = notes.get(0);
        assertEquals(64, n.cropWidth());
        assertEquals(64, n.cropHeight());
        assertFalse(n.aspectChanged());
        assertEquals("wide.png: 128x64 cropped to its centre 64x64, then scaled to 32x32 (aspect kept)", n.describe());
    }

    @Test
    void picturesOfTheInputSizeAreLeftAlone() throws Exception {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        img.setRGB(5, 7, 0x123456);
        Path f = tmp.resolve("exact.png");
        ImageIO.write(img, "png", f.toFile());
        List<ImageFiles.Resized> notes = new ArrayList<>();
        CifarImages im = ImageFiles.read(List.of(f), 32, 32, ImageFiles.Resize.CROP, new ArrayList<>(), new ArrayList<>(), notes::add);
        assertTrue(notes.isEmpty());
        assertEquals(0x12, im.pixel(0, 0, 7, 5));
        assertEquals(0x34, im.pixel(0, 1, 7, 5));
        assertEquals(0x56, im.pixel(0, 2, 7, 5));
    }
}
