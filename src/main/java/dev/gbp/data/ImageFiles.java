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
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/**
 * Reads user images for {@code --images}: CIFAR {@code .bin} files (with their labels) and PNG/JPEG
 * files (label unknown, -1). Pictures of another size than the model's input are brought to it in one of
 * two ways ({@link Resize}) and then resized by area averaging (each output pixel is the mean of the input
 * pixels it covers); every such change is reported as a {@link Resized}. For a 3-channel model grayscale is
 * copied to R, G and B; for a 1-channel model colour is converted to gray (BT.601 luma). Transparent pixels are
 * composited over white. CIFAR {@code .bin} files serve only models that take 3 x 32 x 32 images.
 */
public final class ImageFiles {
    /** How other sizes are brought to the model's input size, for captions and indexes. */
    public static final String RESIZE_METHOD = "area averaging (java.awt SCALE_AREA_AVERAGING) to the model's input size";

    /** How a picture of another shape is fitted to the model's input. */
    public enum Resize {
        /** The whole picture is scaled to the input size; a different aspect ratio distorts it. */
        STRETCH,
        /** The largest centred region of the input's aspect ratio is cut out, then scaled: nothing is distorted. */
        CROP;

        /**
         * The way named {@code s}, in any case.
         *
         * @param s {@code stretch} or {@code crop}
         * @return the way
         * @throws IllegalArgumentException for another name
         */
        public static Resize parse(String s) {
            for (Resize r : values()) {
                if (r.name().equalsIgnoreCase(s)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("--resize must be stretch or crop, got '" + s + "'");
        }
    }

    /**
     * What was done to one picture: its size, the centred region used ({@code cropWidth x cropHeight},
     * the whole picture unless cropped) and the size it was scaled to.
     *
     * @param source the picture's file name
     * @param width its width
     * @param height its height
     * @param cropWidth the width of the region used
     * @param cropHeight the height of the region used
     * @param toWidth the width it was scaled to
     * @param toHeight the height it was scaled to
     */
    public record Resized(String source, int width, int height, int cropWidth, int cropHeight, int toWidth, int toHeight) {
        /**
         * Whether only a centred region of the picture was used.
         *
         * @return true when cropped
         */
        public boolean cropped() {
            return cropWidth != width || cropHeight != height;
        }

        /**
         * True when the picture's shape was distorted (its aspect ratio differs from the result's).
         *
         * @return whether the aspect ratio changed
         */
        public boolean aspectChanged() {
            return (long) cropWidth * toHeight != (long) cropHeight * toWidth;
        }

        /**
         * What was done, in words.
         *
         * @return e.g. "photo.jpg: 200x120 squashed to 32x32 (aspect changed)"
         */
        public String describe() {
            String to = toWidth + "x" + toHeight;
            String from = source + ": " + width + "x" + height;
            if (cropped()) {
                return from + " cropped to its centre " + cropWidth + "x" + cropHeight + ", then scaled to " + to + " (aspect kept)";
            }
            return aspectChanged() ? from + " squashed to " + to + " (aspect changed)" : from + " scaled to " + to + " (aspect kept)";
        }
    }

    private ImageFiles() {}

    /**
     * The images of every file, in order, as 3 x {@code height x width} images; see
     * {@link #read(List, int, int, int, Resize, List, List, Consumer)}.
     *
     * @param files PNG, JPEG or CIFAR {@code .bin} files
     * @param height the model's input height
     * @param width the model's input width
     * @param resize how pictures of another shape are fitted
     * @param names receives a display name per image
     * @param indices receives per image its record number in a {@code .bin} file, or -1
     * @param resized told of each picture whose size was changed
     * @return the images, in order
     * @throws DataException naming a file that is missing or not an image
     */
    public static CifarImages read(List<Path> files, int height, int width, Resize resize, List<String> names,
            List<Integer> indices, Consumer<Resized> resized) {
        return read(files, 3, height, width, resize, names, indices, resized);
    }

    /**
     * The images of every file, in order, as {@code channels x height x width} images (the model's input
     * size; 1 channel: pictures are converted to gray, 3: R, G, B, gray pictures copied to all three);
     * {@code names} receives a display name per image, {@code indices} its record number in a
     * {@code .bin} file (-1 for pictures), and {@code resized} each picture whose size was changed.
     *
     * @param files PNG, JPEG or CIFAR {@code .bin} files
     * @param channels the model's input channels, 1 or 3
     * @param height the model's input height
     * @param width the model's input width
     * @param resize how pictures of another shape are fitted
     * @param names receives a display name per image
     * @param indices receives per image its record number in a {@code .bin} file, or -1
     * @param resized told of each picture whose size was changed
     * @return the images, in order, with their labels ({@code .bin}) or -1 (pictures)
     * @throws DataException naming a file that is missing or not an image, or a {@code .bin} file when the
     *     model does not take CIFAR-10's 3 x 32 x 32 images
     */
    public static CifarImages read(List<Path> files, int channels, int height, int width, Resize resize, List<String> names,
            List<Integer> indices, Consumer<Resized> resized) {
        if (channels != 1 && channels != 3) {
            throw new DataException("the model takes " + channels + "-channel images; pictures can be read for models of 1"
                    + " (gray) or 3 (RGB) channels");
        }
        List<CifarImages> parts = new ArrayList<>();
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new DataException("--images " + f + ": " + (Files.isDirectory(f) ? "a folder, not an image file" : "no such file"));
            }
            String lower = f.getFileName().toString().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".bin")) {
                if (channels != CifarImages.CHANNELS || height != CifarImages.SIDE || width != CifarImages.SIDE) {
                    throw new DataException("--images " + f + ": CIFAR-10 .bin records are 3 x 32 x 32 images but the model"
                            + " takes " + channels + " x " + height + " x " + width + "; give PNG or JPEG pictures instead");
                }
                CifarImages bin = CifarReader.read(f, CifarReader.Split.TEST);
                for (int i = 0; i < bin.size(); i++) {
                    names.add(f.getFileName() + "#" + i);
                    indices.add(i);
                }
                parts.add(bin);
            } else {
                parts.add(readPicture(f, channels, height, width, resize, resized));
                names.add(f.getFileName().toString());
                indices.add(-1);
            }
        }
        return CifarImages.concat(parts);
    }

    /** One PNG/JPEG file as a 3 x {@code height x width} image with label -1. */
    static CifarImages readPicture(Path f, int height, int width, Resize resize, Consumer<Resized> resized) {
        return readPicture(f, 3, height, width, resize, resized);
    }

    /**
     * One PNG/JPEG file as a {@code channels x height x width} image with label -1 (1 channel: gray, the
     * picture's own gray values, or ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B of a colour picture).
     */
    static CifarImages readPicture(Path f, int channels, int height, int width, Resize resize, Consumer<Resized> resized) {
        BufferedImage src;
        try {
            src = ImageIO.read(f.toFile());
        } catch (IOException e) {
            throw new DataException("--images " + f + ": cannot read it as an image (" + e.getMessage() + ")");
        }
        if (src == null) {
            throw new DataException("--images " + f + ": not a PNG, JPEG or CIFAR .bin file");
        }
        // Flatten transparency over white first, then crop and resize.
        boolean gray = src.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
        BufferedImage rgb = opaque(src, gray);
        BufferedImage small = rgb;
        if (rgb.getWidth() != width || rgb.getHeight() != height) {
            BufferedImage region = resize == Resize.CROP ? centreCrop(rgb, width, height) : rgb;
            Image scaled = region.getScaledInstance(width, height, Image.SCALE_AREA_AVERAGING);
            small = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D s = small.createGraphics();
            s.drawImage(scaled, 0, 0, null);
            s.dispose();
            resized.accept(new Resized(f.getFileName().toString(), rgb.getWidth(), rgb.getHeight(), region.getWidth(),
                    region.getHeight(), width, height));
        }
        int plane = height * width;
        byte[] px = new byte[channels * plane];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = small.getRGB(x, y);
                int r = (v >> 16) & 0xff;
                int g = (v >> 8) & 0xff;
                int b = v & 0xff;
                if (channels == 1) {
                    px[y * width + x] = (byte) (gray ? r : Math.round(0.299f * r + 0.587f * g + 0.114f * b));
                } else {
                    px[y * width + x] = (byte) r;
                    px[plane + y * width + x] = (byte) g;
                    px[2 * plane + y * width + x] = (byte) b;
                }
            }
        }
        return new CifarImages(channels, height, width, px, new int[] {-1}, CifarImages.DEFAULT_CLASSES);
    }

    /**
     * The picture as opaque RGB, transparency composited over white. A gray picture's stored values are
     * copied to R, G and B as they are (java.awt would convert them from its linear gray colour space).
     */
    static BufferedImage opaque(BufferedImage src, boolean gray) {
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        if (gray) {
            java.awt.image.Raster raster = src.getRaster();
            int bands = raster.getNumBands();
            int max = (1 << src.getColorModel().getComponentSize(0)) - 1;
            int alphaMax = bands > 1 ? (1 << src.getColorModel().getComponentSize(bands - 1)) - 1 : 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = raster.getSample(x, y, 0) * 255.0 / max;
                    if (bands > 1) {
                        double a = raster.getSample(x, y, bands - 1) / (double) alphaMax;
                        v = v * a + 255.0 * (1 - a);
                    }
                    int g = (int) Math.max(0, Math.min(255, Math.round(v)));
                    rgb.setRGB(x, y, g << 16 | g << 8 | g);
                }
            }
            return rgb;
        }
        Graphics2D g = rgb.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return rgb;
    }

    /** The largest centred region of {@code img} with the aspect ratio {@code width : height}. */
    static BufferedImage centreCrop(BufferedImage img, int width, int height) {
        int w = img.getWidth();
        int h = img.getHeight();
        int cw = w;
        int ch = h;
        if ((long) w * height > (long) h * width) {
            cw = (int) Math.max(1, Math.round((double) h * width / height));
        } else {
            ch = (int) Math.max(1, Math.round((double) w * height / width));
        }
        return img.getSubimage((w - cw) / 2, (h - ch) / 2, cw, ch);
    }
}
