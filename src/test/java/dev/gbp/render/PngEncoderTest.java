package dev.gbp.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The PNG encoder against the JDK's PNG decoder: every pixel back as it was, for many sizes and kinds of picture. */
class PngEncoderTest {
    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    private static BufferedImage roundTrip(BufferedImage img) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PngEncoder.write(img, out);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(img.getWidth(), back.getWidth());
        assertEquals(img.getHeight(), back.getHeight());
        return back;
    }

    @Test
    void decodesToTheSamePixelsForRandomSmoothAndBlockyPicturesOfManySizes() throws Exception {
        Random rnd = new Random(17);
        for (int trial = 0; trial < 60; trial++) {
            int w = 1 + rnd.nextInt(trial < 20 ? 5 : 300);
            int h = 1 + rnd.nextInt(trial < 20 ? 5 : 200);
            int type = switch (trial % 3) {
                case 0 -> BufferedImage.TYPE_INT_RGB;
                case 1 -> BufferedImage.TYPE_INT_ARGB;
                default -> BufferedImage.TYPE_3BYTE_BGR;
            };
            BufferedImage img = new BufferedImage(w, h, type);
            int kind = trial % 4;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = switch (kind) {
                        case 0 -> rnd.nextInt(1 << 24);
                        case 1 -> (x * 255 / w) << 16 | (y * 255 / h) << 8 | ((x + y) & 0xff);
                        case 2 -> ((x / 4 + y / 4) % 2 == 0 ? 0xff0000 : 0x00ff7f);
                        default -> 0xffffff;
                    };
                    img.setRGB(x, y, 0xff000000 | v);
                }
            }
            int[] want = pixels(img);
            for (int k = 0; k < want.length; k++) {
                want[k] |= 0xff000000; // PNG holds no alpha here: opaque
            }
            assertArrayEquals(want, pixels(roundTrip(img)), "trial " + trial + ": " + w + " x " + h);
        }
    }

    @Test
    void aSubImageIsEncodedAsItsOwnPixels() throws Exception {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(2);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                img.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        BufferedImage sub = img.getSubimage(7, 5, 20, 13);
        assertArrayEquals(pixels(sub), pixels(roundTrip(sub)));
    }
}
