package dev.gbp.data;

import dev.gbp.GbpInputException;
import dev.gbp.io.FileErrors;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads user images: CIFAR {@code .bin} files (with their labels) and PNG/JPEG files (label unknown, -1).
 * Pictures of another size than the model's input are brought to it in one of two ways ({@link Resize}) and then
 * resized by area averaging (each output pixel is the mean of the input pixels it covers); every such change is
 * reported as a {@link Resized}. For a 3-channel model grayscale is copied to R, G and B; for a 1-channel model colour
 * is converted to gray (BT.601 luma). Transparent pixels are composited over white. CIFAR {@code .bin} files serve
 * only models that take 3 x 32 x 32 images.
 *
 * <p>Hostile files are refused by name before they cost memory: a picture's size is read from its header and checked
 * against {@code maxPixels} ({@link #DEFAULT_MAX_PIXELS}) before it is decoded, pictures of more than
 * {@link #FULL_DECODE_PIXELS} are decoded subsampled, and a JPEG whose decoder warns that data is missing (a truncated
 * or damaged file) is refused rather than read with a grey remainder. CMYK JPEGs are converted as PIL converts them
 * (Adobe files store inverted inks); YCCK JPEGs are refused.
 */
public final class ImageFiles {
    /**
     * Most pixels (width x height) of a picture read unless the caller allows more: 2^26 = 67,108,864 (8192 x 8192).
     * That is above what common cameras make (a 61-megapixel sensor gives 60.2 million pixels), and what a picture
     * costs is bounded: its size is checked before decoding, and large pictures are decoded subsampled.
     */
    public static final long DEFAULT_MAX_PIXELS = 1L << 26;
    /**
     * Pictures of more pixels than this (2^24, 16.8 million: 67 MB as RGB) are decoded with every n-th row and column
     * (n as small as keeps them at most about this size and at least the model's input size), then resized as usual.
     */
    public static final long FULL_DECODE_PIXELS = 1L << 24;

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
         * @throws GbpInputException for the parameter {@code resize} otherwise
         */
        public static Resize parse(String s) {
            for (Resize r : values()) {
                if (r.name().equalsIgnoreCase(s)) {
                    return r;
                }
            }
            throw GbpInputException.parameter("resize", "must be stretch or crop, got " + GbpInputException.quote(s));
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
     * {@link #read(List, int, int, int, Resize, long, List, List, Consumer)}.
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
        return read(files, 3, height, width, resize, DEFAULT_MAX_PIXELS, names, indices, resized);
    }

    /**
     * {@link #read(List, int, int, int, Resize, long, List, List, Consumer)} with at most {@link #DEFAULT_MAX_PIXELS}
     * pixels per picture.
     *
     * @param files PNG, JPEG or CIFAR {@code .bin} files
     * @param channels the model's input channels, 1 or 3
     * @param height the model's input height
     * @param width the model's input width
     * @param resize how pictures of another shape are fitted
     * @param names receives a display name per image
     * @param indices receives per image its record number in a {@code .bin} file, or -1
     * @param resized told of each picture whose size was changed
     * @return the images, in order
     */
    public static CifarImages read(List<Path> files, int channels, int height, int width, Resize resize, List<String> names,
            List<Integer> indices, Consumer<Resized> resized) {
        return read(files, channels, height, width, resize, DEFAULT_MAX_PIXELS, names, indices, resized);
    }

    /**
     * The images of every file, in order, as {@code channels x height x width} images (the model's input
     * size; 1 channel: pictures are converted to gray, 3: R, G, B, gray pictures copied to all three);
     * {@code names} receives a display name per image, {@code indices} its record number in a
     * {@code .bin} file (-1 for pictures), and {@code resized} each picture whose size was changed.
     *
     * @param maxPixels the most pixels (width x height) a picture may have; larger ones are refused before they are
     *     decoded ({@link #DEFAULT_MAX_PIXELS} unless the user allows more)
     * @param files PNG, JPEG or CIFAR {@code .bin} files
     * @param channels the model's input channels, 1 or 3
     * @param height the model's input height
     * @param width the model's input width
     * @param resize how pictures of another shape are fitted
     * @param names receives a display name per image
     * @param indices receives per image its record number in a {@code .bin} file, or -1
     * @param resized told of each picture whose size was changed
     * @return the images, in order, with their labels ({@code .bin}) or -1 (pictures)
     * @throws DataException naming a file that is missing, not an image, damaged or truncated, or a {@code .bin} file
     *     when the model does not take CIFAR-10's 3 x 32 x 32 images
     * @throws GbpInputException for the parameter {@code maxPixels}, naming the picture that has more pixels
     */
    public static CifarImages read(List<Path> files, int channels, int height, int width, Resize resize, long maxPixels,
            List<String> names, List<Integer> indices, Consumer<Resized> resized) {
        if (maxPixels < 1) {
            throw GbpInputException.parameter("maxPixels", "must be at least 1, got " + maxPixels);
        }
        if (channels != 1 && channels != 3) {
            throw new DataException("the model takes " + channels + "-channel images; pictures can be read for models of 1"
                    + " (gray) or 3 (RGB) channels");
        }
        List<CifarImages> parts = new ArrayList<>();
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new DataException(f + ": " + (Files.isDirectory(f) ? "a folder, not an image file" : "no such file"));
            }
            String lower = f.getFileName().toString().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".bin")) {
                if (channels != CifarImages.CHANNELS || height != CifarImages.SIDE || width != CifarImages.SIDE) {
                    throw new DataException(f + ": CIFAR-10 .bin records are 3 x 32 x 32 images but the model"
                            + " takes " + channels + " x " + height + " x " + width + "; give PNG or JPEG pictures instead");
                }
                CifarImages bin = CifarReader.read(f, CifarReader.Split.TEST);
                for (int i = 0; i < bin.size(); i++) {
                    names.add(f.getFileName() + "#" + i);
                    indices.add(i);
                }
                parts.add(bin);
            } else {
                parts.add(readPicture(f, channels, height, width, resize, maxPixels, resized));
                names.add(f.getFileName().toString());
                indices.add(-1);
            }
        }
        return CifarImages.concat(parts);
    }

    /** One PNG/JPEG file as a 3 x {@code height x width} image with label -1. */
    static CifarImages readPicture(Path f, int height, int width, Resize resize, Consumer<Resized> resized) {
        return readPicture(f, 3, height, width, resize, DEFAULT_MAX_PIXELS, resized);
    }

    /**
     * One PNG/JPEG file as a {@code channels x height x width} image with label -1 (1 channel: gray, the
     * picture's own gray values, or ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B of a colour picture).
     */
    static CifarImages readPicture(Path f, int channels, int height, int width, Resize resize, long maxPixels,
            Consumer<Resized> resized) {
        Decoded d = decode(f, width, height, maxPixels);
        BufferedImage src = d.image();
        // Flatten transparency over white first, then crop and resize.
        boolean gray = src.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
        BufferedImage rgb = opaque(src, gray);
        BufferedImage small = rgb;
        if (d.width() != width || d.height() != height) {
            BufferedImage region = resize == Resize.CROP ? centreCrop(rgb, width, height) : rgb;
            Image scaled = region.getScaledInstance(width, height, Image.SCALE_AREA_AVERAGING);
            small = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D s = small.createGraphics();
            s.drawImage(scaled, 0, 0, null);
            s.dispose();
            int[] crop = resize == Resize.CROP ? cropSize(d.width(), d.height(), width, height)
                    : new int[] {d.width(), d.height()};
            resized.accept(new Resized(f.getFileName().toString(), d.width(), d.height(), crop[0], crop[1], width, height));
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
        int[] c = cropSize(img.getWidth(), img.getHeight(), width, height);
        return img.getSubimage((img.getWidth() - c[0]) / 2, (img.getHeight() - c[1]) / 2, c[0], c[1]);
    }

    /** {width, height} of the largest region of a {@code w x h} picture with the aspect ratio {@code width : height}. */
    private static int[] cropSize(int w, int h, int width, int height) {
        if ((long) w * height > (long) h * width) {
            return new int[] {(int) Math.max(1, Math.round((double) h * width / height)), h};
        }
        return new int[] {w, (int) Math.max(1, Math.round((double) w * height / width))};
    }

    /** A decoded picture (perhaps subsampled) and the size its file declares. */
    private record Decoded(BufferedImage image, int width, int height) {}

    /**
     * Decodes a PNG or JPEG file, its size checked against {@code maxPixels} from its header first, subsampled when it
     * has more than {@link #FULL_DECODE_PIXELS} (but kept at least {@code toWidth x toHeight}).
     */
    private static Decoded decode(Path f, int toWidth, int toHeight, long maxPixels) {
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            if (Files.size(f) == 0) {
                throw new DataException(f + ": an empty file, not a picture");
            }
            ImageReader reader = readerFor(in, f);
            boolean jpeg = reader.getFormatName().equalsIgnoreCase("jpeg");
            try {
                // A JPEG's metadata is read only for CMYK files, whose Adobe marker says how the inks are stored.
                reader.setInput(in, !jpeg, !jpeg);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w < 1 || h < 1) {
                    throw new DataException(f + ": declares a picture of " + w + " x " + h + " pixels");
                }
                if ((long) w * h > maxPixels) {
                    throw GbpInputException.parameter("maxPixels", "is " + maxPixels + ", but " + f + " has " + w + " x " + h
                            + " = " + (long) w * h + " pixels; allow more to read it (its pixels are not decoded until then)");
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(w, h, toWidth, toHeight);
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
                ImageTypeSpecifier type = types.hasNext() ? types.next() : null;
                BufferedImage img = jpeg && type != null && type.getNumBands() == 4 ? cmyk(reader, param, f)
                        : reader.read(0, param);
                for (String warning : warnings) {
                    // libjpeg's "extraneous bytes before marker" loses no data; every other warning means some is missing.
                    if (!warning.contains("extraneous bytes")) {
                        throw new DataException(f + ": a damaged or truncated " + reader.getFormatName() + " picture (the"
                                + " decoder says " + GbpInputException.quote(warning) + ")");
                    }
                }
                return new Decoded(img, w, h);
            } catch (GbpInputException e) {
                throw e;
            } catch (RuntimeException e) {
                // The JDK's decoders report some malformed files with unchecked exceptions rather than IIOException.
                throw new DataException(f + ": cannot be decoded as a " + reader.getFormatName() + " picture (" + e + ")", e);
            } finally {
                reader.dispose();
            }
        } catch (javax.imageio.IIOException e) {
            throw new DataException(f + ": cannot be read as a picture (" + e.getMessage() + "; a damaged or truncated file?)", e);
        } catch (IOException e) {
            throw new DataException(f + ": cannot be read (" + FileErrors.reason(e) + ")", e);
        }
    }

    /** The PNG or JPEG reader for the file; other formats are refused by name. */
    private static ImageReader readerFor(ImageInputStream in, Path f) throws IOException {
        if (in == null) {
            throw new DataException(f + ": cannot be opened");
        }
        String other = null;
        for (Iterator<ImageReader> it = ImageIO.getImageReaders(in); it.hasNext(); ) {
            ImageReader r = it.next();
            String format = r.getFormatName().toLowerCase(Locale.ROOT);
            if (format.equals("png") || format.equals("jpeg")) {
                return r;
            }
            other = other == null ? format.toUpperCase(Locale.ROOT) : other;
        }
        throw new DataException(f + ": not a PNG, JPEG or CIFAR .bin file" + (other == null ? ""
                : " (it looks like a " + other + " picture; convert it to PNG)"));
    }

    /** Every how many rows and columns a {@code w x h} picture is decoded, to fit the model's {@code tw x th} input. */
    static int subsampling(int w, int h, int tw, int th) {
        if ((long) w * h <= FULL_DECODE_PIXELS) {
            return 1;
        }
        int step = (int) Math.ceil(Math.sqrt((double) w * h / FULL_DECODE_PIXELS));
        return Math.max(1, Math.min(step, Math.min(w / tw, h / th)));
    }

    /**
     * A 4-channel JPEG as RGB, the way PIL (and most viewers without colour management) convert CMYK: each channel
     * {@code (255 - ink)(255 - K) / 255}, rounded; an Adobe file stores {@code 255 - ink}. YCCK files (Adobe colour
     * transform 2) are refused.
     */
    private static BufferedImage cmyk(ImageReader reader, ImageReadParam param, Path f) throws IOException {
        int transform = adobeTransform(reader.getImageMetadata(0));
        if (transform > 0) {
            throw new DataException(f + ": a " + (transform == 2 ? "YCCK" : "4-channel") + " JPEG (Adobe colour transform "
                    + transform + "), which gbp does not convert; save it as an RGB picture");
        }
        java.awt.image.Raster raw = reader.readRaster(0, param);
        boolean inverted = transform == 0;
        BufferedImage out = new BufferedImage(raw.getWidth(), raw.getHeight(), BufferedImage.TYPE_INT_RGB);
        int[] px = new int[4];
        for (int y = 0; y < raw.getHeight(); y++) {
            for (int x = 0; x < raw.getWidth(); x++) {
                raw.getPixel(raw.getMinX() + x, raw.getMinY() + y, px);
                int nk = inverted ? px[3] : 255 - px[3];
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    int ink = inverted ? 255 - px[c] : px[c];
                    rgb = rgb << 8 | nk - mulDiv255(ink, nk);
                }
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }

    /** {@code a * b / 255} rounded, as PIL computes it. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    /** The Adobe APP14 marker's colour transform (0: none, 1: YCbCr, 2: YCCK), or -1 when there is none. */
    private static int adobeTransform(javax.imageio.metadata.IIOMetadata metadata) {
        org.w3c.dom.Node root = metadata.getAsTree("javax_imageio_jpeg_image_1.0");
        org.w3c.dom.NodeList adobe = ((org.w3c.dom.Element) root).getElementsByTagName("app14Adobe");
        if (adobe.getLength() == 0) {
            return -1;
        }
        org.w3c.dom.Node t = adobe.item(0).getAttributes().getNamedItem("transform");
        return t == null ? -1 : Integer.parseInt(t.getNodeValue());
    }
}
