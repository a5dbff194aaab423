package dev.gbp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gbp.GbpInputException;
import dev.gbp.HostileFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pictures that are too large, truncated, in CMYK, or in the less common PNG layouts: read right, or refused by name
 * before they cost memory.
 */
class ImageLimitsTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/images");

    @TempDir
    Path tmp;

    private static CifarImages read(Path f, int channels, int height, int width, long maxPixels) {
        return ImageFiles.read(List.of(f), channels, height, width, ImageFiles.Resize.STRETCH, maxPixels, new ArrayList<>(),
                new ArrayList<>(), r -> {});
    }

    private static String refusal(Path f) {
        return assertThrows(DataException.class, () -> read(f, 3, 32, 32, ImageFiles.DEFAULT_MAX_PIXELS)).getMessage();
    }

    @Test
    void aPictureOfTwoGigapixelsIsRefusedFromItsHeader() throws Exception {
        // 46000 x 46000 declared in 60 bytes. Before: ImageIO.read tried to allocate 2.1 GB (OutOfMemoryError).
        Path f = Files.write(tmp.resolve("huge.png"), HostileFiles.png(46000, 46000, 8, 0, new byte[] {0x78, 0x01}));
        GbpInputException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(GbpInputException.class,
                () -> read(f, 3, 32, 32, ImageFiles.DEFAULT_MAX_PIXELS)));
        assertEquals("maxPixels", e.parameter());
        assertEquals("maxPixels is 67108864, but " + f + " has 46000 x 46000 = 2116000000 pixels; allow more to read it"
                + " (its pixels are not decoded until then)", e.getMessage());
    }

    @Test
    void aLargePictureIsDecodedSubsampledAndAllowedOnlyUpToTheLimit() throws Exception {
        // 6000 x 6000 gray: the left half 50, the right half 200 (a 36-megapixel picture in a few KB).
        byte[] row = new byte[6000];
        Arrays.fill(row, 0, 3000, (byte) 50);
        Arrays.fill(row, 3000, 6000, (byte) 200);
        Path f = Files.write(tmp.resolve("big.png"), HostileFiles.png(6000, 6000, 8, 0, HostileFiles.zlibRows(6000, y -> row)));
        assertEquals(2, ImageFiles.subsampling(6000, 6000, 32, 32), "36 MP decode as 3000 x 3000");
        assertEquals(1, ImageFiles.subsampling(4000, 4000, 32, 32), "16 MP and less decode whole");
        assertEquals(1, ImageFiles.subsampling(100_000, 200, 224, 224), "never below the model's input");
        CifarImages im = read(f, 1, 32, 32, ImageFiles.DEFAULT_MAX_PIXELS);
        for (int x = 0; x < 32; x++) {
            assertEquals(x < 16 ? 50 : 200, im.pixel(0, 0, 5, x), "column " + x);
        }
        GbpInputException e = assertThrows(GbpInputException.class, () -> read(f, 1, 32, 32, 10_000_000));
        assertTrue(e.getMessage().contains("has 6000 x 6000 = 36000000 pixels"), e.getMessage());
        assertEquals("maxPixels", assertThrows(GbpInputException.class, () -> read(f, 1, 32, 32, 0)).parameter());
    }

    @Test
    void aJpegCutInHalfIsRefusedNotReadAsGrey() throws Exception {
        BufferedImage img = new BufferedImage(256, 192, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(3);
        for (int y = 0; y < 192; y++) {
            for (int x = 0; x < 256; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", out);
        byte[] whole = out.toByteArray();
        Path ok = Files.write(tmp.resolve("whole.jpg"), whole);
        assertEquals(1, read(ok, 3, 32, 32, ImageFiles.DEFAULT_MAX_PIXELS).size());
        // Before: read with its lower half grey, exit 0.
        Path half = Files.write(tmp.resolve("half.jpg"), Arrays.copyOf(whole, whole.length / 2));
        String m = refusal(half);
        assertTrue(m.startsWith(half + ": a damaged or truncated JPEG picture"), m);
    }

    @Test
    void aCmykJpegGetsTheColoursPilGivesIt() throws Exception {
        // cmyk.jpg and PIL's RGB of it come from make_cmyk_jpeg.py. Before: Java's own CMYK profile, mean 144 against 87.
        BufferedImage want = ImageIO.read(FIXTURES.resolve("cmyk-expected-rgb.png").toFile());
        CifarImages got = read(FIXTURES.resolve("cmyk.jpg"), 3, 16, 24, ImageFiles.DEFAULT_MAX_PIXELS);
        int worst = 0;
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                int rgb = want.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    worst = Math.max(worst, Math.abs(((rgb >> (16 - 8 * c)) & 0xff) - got.pixel(0, c, y, x)));
                }
            }
        }
        // The two JPEG decoders (the JDK's libjpeg 6b and PIL's libjpeg-turbo) round differently.
        assertTrue(worst <= 2, "largest difference " + worst);
    }

    @Test
    void aYcckJpegIsRefusedByName() throws Exception {
        byte[] b = Files.readAllBytes(FIXTURES.resolve("cmyk.jpg"));
        int adobe = indexOf(b, "Adobe".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(adobe > 0, "the fixture has an Adobe marker");
        b[adobe + 11] = 2; // the colour transform: 2 is YCCK
        Path f = Files.write(tmp.resolve("ycck.jpg"), b);
        String m = refusal(f);
        assertTrue(m.startsWith(f + ": a YCCK JPEG (Adobe colour transform 2)"), m);
    }

    @Test
    void sixteenBitPaletteAndGrayAlphaPngsAreRead() throws Exception {
        // 16-bit RGB: 0x8080 is 128 of 255 (0x8080 * 255 / 65535 = 128.0), 0x1234 is 18.1.
        byte[] rgb16 = ByteBuffer.allocate(12).putShort((short) 0x8080).putShort((short) 0).putShort((short) 0xffff)
                .putShort((short) 0x1234).putShort((short) 0xffff).putShort((short) 0).array();
        CifarImages a = read(png("rgb16.png", 2, 16, 2, rgb16), 3, 1, 2, ImageFiles.DEFAULT_MAX_PIXELS);
        assertPixel(a, 0, 128, 0, 255);
        assertPixel(a, 1, 18, 255, 0);
        // Palette: index 0 opaque red, index 1 transparent (so white).
        Path pal = Files.write(tmp.resolve("palette.png"), HostileFiles.png(2, 1, 8, 3, HostileFiles.zlibRows(1,
                y -> new byte[] {0, 1}), "PLTE", new byte[] {(byte) 255, 0, 0, 0, 0, (byte) 255}, "tRNS",
                new byte[] {(byte) 255, 0}));
        CifarImages p = read(pal, 3, 1, 2, ImageFiles.DEFAULT_MAX_PIXELS);
        assertPixel(p, 0, 255, 0, 0);
        assertPixel(p, 1, 255, 255, 255);
        // Gray + alpha: 100 at alpha 128 over white is 100 * 128/255 + 255 * 127/255 = 177.2; opaque 30 stays 30.
        CifarImages g = read(png("ga.png", 2, 8, 4, new byte[] {100, (byte) 128, 30, (byte) 255}), 1, 1, 2,
                ImageFiles.DEFAULT_MAX_PIXELS);
        assertEquals(177, g.pixel(0, 0, 0, 0), 1);
        assertEquals(30, g.pixel(0, 0, 0, 1));
        // 16-bit gray + alpha: 0x6464 (100.0 of 255) at full alpha.
        CifarImages g16 = read(png("ga16.png", 1, 16, 4, new byte[] {0x64, 0x64, (byte) 0xff, (byte) 0xff}), 3, 1, 1,
                ImageFiles.DEFAULT_MAX_PIXELS);
        assertPixel(g16, 0, 100, 100, 100);
    }

    @Test
    void emptyNonImageAndOtherFormatFilesAreRefusedByName() throws Exception {
        Path empty = Files.write(tmp.resolve("empty.png"), new byte[0]);
        assertTrue(refusal(empty).startsWith(empty + ": an empty file"));
        Path text = Files.writeString(tmp.resolve("notes.jpg"), "not a picture at all");
        assertTrue(refusal(text).startsWith(text + ": not a PNG, JPEG or CIFAR .bin file"));
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        Path gif = tmp.resolve("pic.png");
        ImageIO.write(img, "gif", gif.toFile());
        String m = refusal(gif);
        assertTrue(m.contains("looks like a GIF picture"), m);
        Path folder = Files.createDirectory(tmp.resolve("folder.png"));
        assertTrue(refusal(folder).contains("a folder, not an image file"));
    }

    private Path png(String name, int width, int bitDepth, int colourType, byte[] row) throws Exception {
        return Files.write(tmp.resolve(name), HostileFiles.png(width, 1, bitDepth, colourType, HostileFiles.zlibRows(1, y -> row)));
    }

    private static void assertPixel(CifarImages im, int x, int r, int g, int b) {
        int[] want = {r, g, b};
        for (int c = 0; c < 3; c++) {
            assertEquals(want[c], im.pixel(0, c, 0, x), 1, "channel " + c + " of pixel " + x);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
