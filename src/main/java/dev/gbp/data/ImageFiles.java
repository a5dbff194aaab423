package dev.gbp.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Reads user images for {@code --images}: CIFAR {@code .bin} files (with their labels) and PNG/JPEG
 * files (label unknown, -1). Pictures of another size are resized to 32 x 32 by area averaging
 * (each output pixel is the mean of the input pixels it covers); grayscale is copied to R, G and B,
 * and transparent pixels are composited over white.
 */
public final class ImageFiles {
    /** How other sizes are brought to 32 x 32, for captions and indexes. */
    public static final String RESIZE_METHOD = "area averaging (java.awt SCALE_AREA_AVERAGING) to 32x32";

    private ImageFiles() {}

    /**
     * The images of every file, in order; {@code names} receives a display name per image and
     * {@code indices} its record number in a {@code .bin} file (-1 for pictures).
     */
    public static CifarImages read(List<Path> files, List<String> names, List<Integer> indices) {
        List<CifarImages> parts = new ArrayList<>();
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new DataException("--images " + f + ": no such file");
            }
            String lower = f.getFileName().toString().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".bin")) {
                CifarImages bin = CifarReader.read(f, CifarReader.Split.TEST);
                for (int i = 0; i < bin.size(); i++) {
                    names.add(f.getFileName() + "#" + i);
                    indices.add(i);
                }
                parts.add(bin);
            } else {
                parts.add(readPicture(f));
                names.add(f.getFileName().toString());
                indices.add(-1);
            }
        }
        return CifarImages.concat(parts);
    }

    /** One PNG/JPEG file as a 32 x 32 image with label -1. */
    static CifarImages readPicture(Path f) {
        BufferedImage src;
        try {
            src = ImageIO.read(f.toFile());
        } catch (IOException e) {
            throw new DataException("--images " + f + ": cannot read it as an image (" + e.getMessage() + ")");
        }
        if (src == null) {
            throw new DataException("--images " + f + ": not a PNG, JPEG or CIFAR .bin file");
        }
        int side = CifarImages.SIDE;
        // Flatten transparency over white first, then resize.
        BufferedImage rgb = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
        g.drawImage(src, 0, 0, null);
        g.dispose();
        BufferedImage small = rgb;
        if (rgb.getWidth() != side || rgb.getHeight() != side) {
            Image scaled = rgb.getScaledInstance(side, side, Image.SCALE_AREA_AVERAGING);
            small = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
            Graphics2D s = small.createGraphics();
            s.drawImage(scaled, 0, 0, null);
            s.dispose();
        }
        byte[] px = new byte[CifarImages.PIXELS];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int v = small.getRGB(x, y);
                px[y * side + x] = (byte) (v >> 16);
                px[side * side + y * side + x] = (byte) (v >> 8);
                px[2 * side * side + y * side + x] = (byte) v;
            }
        }
        return new CifarImages(px, new int[] {-1}, CifarImages.DEFAULT_CLASSES);
    }
}
