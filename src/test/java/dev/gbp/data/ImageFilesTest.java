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

    @Test
    void picturesAreResizedToAnyInputSize() {
        List<ImageFiles.Resized> notes = new ArrayList<>();
        CifarImages im = ImageFiles.read(List.of(wide), 3, 40, 48, ImageFiles.Resize.STRETCH, new ArrayList<>(),
                new ArrayList<>(), notes::add);
        assertEquals(1, im.size());
        assertEquals(3, im.channels());
        assertEquals(40, im.height());
        assertEquals(48, im.width());
        assertEquals(3 * 40 * 48, im.imageSize());
        assertEquals("wide.png: 128x64 squashed to 48x40 (aspect changed)", notes.get(0).describe());
        // 128 -> 48 columns: the left 12 are the red quarter, the right 12 the blue one.
        assertPixel(im, 0, 20, 255, 0, 0);
        assertPixel(im, 47, 20, 0, 0, 255);

        notes.clear();
        CifarImages big = ImageFiles.read(List.of(wide), 3, 224, 224, ImageFiles.Resize.CROP, new ArrayList<>(),
                new ArrayList<>(), notes::add);
        assertEquals(224, big.height());
        assertEquals(224, big.width());
        assertTrue(notes.get(0).cropped());
        assertFalse(notes.get(0).aspectChanged());
    }

    @Test
    void grayPicturesAreCopiedToRgbAndColourIsConvertedForGrayModels() throws Exception {
        BufferedImage gray = new BufferedImage(8, 6, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                gray.getRaster().setSample(x, y, 0, 10 * x + 30 * y);
            }
        }
        Path g = tmp.resolve("gray.png");
        ImageIO.write(gray, "png", g.toFile());
        List<ImageFiles.Resized> notes = new ArrayList<>();
        CifarImages rgb = ImageFiles.read(List.of(g), 3, 6, 8, ImageFiles.Resize.STRETCH, new ArrayList<>(), new ArrayList<>(),
                notes::add);
        CifarImages one = ImageFiles.read(List.of(g), 1, 6, 8, ImageFiles.Resize.STRETCH, new ArrayList<>(), new ArrayList<>(),
                notes::add);
        assertTrue(notes.isEmpty());
        assertEquals(1, one.channels());
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(10 * x + 30 * y, rgb.pixel(0, c, y, x), "the stored gray value, exactly, in every channel");
                }
                assertEquals(10 * x + 30 * y, one.pixel(0, 0, y, x));
            }
        }
        // Colour to gray: BT.601 luma of (200, 100, 50) = 59.8 + 58.7 + 5.7 = 124.2.
        BufferedImage colour = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                colour.setRGB(x, y, 200 << 16 | 100 << 8 | 50);
            }
        }
        Path c = tmp.resolve("colour.png");
        ImageIO.write(colour, "png", c.toFile());
        CifarImages luma = ImageFiles.read(List.of(c), 1, 4, 4, ImageFiles.Resize.STRETCH, new ArrayList<>(), new ArrayList<>(),
                notes::add);
        assertEquals(124, luma.pixel(0, 0, 2, 3));
    }

    @Test
    void cifarBinFilesServeOnlyThirtyTwoPixelModels() throws Exception {
        Path bin = tmp.resolve("two.bin");
        java.nio.file.Files.write(bin, dev.gbp.TestFiles.records(2, 5));
        List<String> names = new ArrayList<>();
        CifarImages ok = ImageFiles.read(List.of(bin), 3, 32, 32, ImageFiles.Resize.STRETCH, names, new ArrayList<>(), r -> {});
        assertEquals(2, ok.size());
        assertEquals(List.of("two.bin#0", "two.bin#1"), names);
        DataException e = org.junit.jupiter.api.Assertions.assertThrows(DataException.class, () -> ImageFiles.read(List.of(bin),
                3, 224, 224, ImageFiles.Resize.STRETCH, new ArrayList<>(), new ArrayList<>(), r -> {}));
        assertTrue(e.getMessage().contains("3 x 32 x 32") && e.getMessage().contains("3 x 224 x 224")
                && e.getMessage().contains("PNG or JPEG"), e.getMessage());
        DataException channels = org.junit.jupiter.api.Assertions.assertThrows(DataException.class, () -> ImageFiles.read(
                List.of(wide), 4, 32, 32, ImageFiles.Resize.STRETCH, new ArrayList<>(), new ArrayList<>(), r -> {}));
        assertTrue(channels.getMessage().contains("4-channel"), channels.getMessage());
    }

    @Test
    void imageSetsOfOneSizeJoinAndOfAnotherDoNot() {
        CifarImages a = new CifarImages(1, 2, 3, new byte[12], new int[] {0, 1}, CifarImages.DEFAULT_CLASSES);
        CifarImages b = new CifarImages(1, 2, 3, new byte[6], new int[] {2}, CifarImages.DEFAULT_CLASSES);
        CifarImages ab = CifarImages.concat(List.of(a, b));
        assertEquals(3, ab.size());
        assertEquals(2, ab.label(2));
        assertEquals(1, ab.slice(1, 2).size());
        assertEquals(6, ab.select(new int[] {2, 0}).imageSize());
        CifarImages other = new CifarImages(1, 3, 2, new byte[6], new int[] {0}, CifarImages.DEFAULT_CLASSES);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> CifarImages.concat(List.of(a, other)));
    }
}
