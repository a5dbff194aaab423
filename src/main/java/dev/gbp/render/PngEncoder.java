package dev.gbp.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Encodes opaque RGB pictures as 8-bit truecolour PNG, with the JDK's {@link Deflater} and {@link CRC32}. ImageIO's PNG
 * writer copies the picture row by row through generic rasters, tries every filter on every row and computes its CRCs
 * in Java (1.5-1.9 ms for one of {@code gbp explain}'s 345 x 186 pictures, against 0.4 ms here). Here a row equal to
 * the one above uses the Up filter (all zeros: a nearest-neighbour enlargement repeats rows) and every other row the Sub
 * filter (runs of equal pixels become zeros), deflate runs at level 3, and the checksums are the JDK's intrinsic
 * CRC-32. The files come out about 15% larger than ImageIO's (level 6 would make them 4% larger at three times the
 * time).
 */
final class PngEncoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** PNG's Sub filter: each byte minus the same channel's byte of the pixel to the left. */
    private static final int FILTER_SUB = 1;
    /** PNG's Up filter: each byte minus the byte above it. */
    private static final int FILTER_UP = 2;

    private PngEncoder() {}

    /** Writes {@code image} (any type; its alpha is dropped) as a PNG file's bytes to {@code out}. */
    static void write(BufferedImage image, OutputStream out) throws IOException {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] px = direct(image) ? ((DataBufferInt) image.getRaster().getDataBuffer()).getData()
                : image.getRGB(0, 0, w, h, null, 0, w);
        DataOutputStream data = new DataOutputStream(out);
        data.write(SIGNATURE);
        ByteArrayOutputStream header = new ByteArrayOutputStream(13);
        DataOutputStream hd = new DataOutputStream(header);
        hd.writeInt(w);
        hd.writeInt(h);
        hd.writeByte(8); // bits per sample
        hd.writeByte(2); // colour type: truecolour
        hd.writeByte(0); // deflate
        hd.writeByte(0); // adaptive filtering (per-row filter bytes)
        hd.writeByte(0); // not interlaced
        chunk(data, "IHDR", header.toByteArray(), header.size());

        ByteArrayOutputStream idat = new ByteArrayOutputStream(w * h + 1024);
        Deflater deflater = new Deflater(3);
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
            byte[] row = new byte[1 + 3 * w];
            byte[] same = new byte[1 + 3 * w];
            same[0] = FILTER_UP; // a row equal to the one above: all zeros
            for (int y = 0; y < h; y++) {
                if (y > 0 && java.util.Arrays.equals(px, y * w, y * w + w, px, (y - 1) * w, y * w)) {
                    z.write(same);
                    continue;
                }
                row[0] = FILTER_SUB;
                int pr = 0;
                int pg = 0;
                int pb = 0;
                int base = y * w;
                for (int x = 0, k = 1; x < w; x++, k += 3) {
                    int v = px[base + x];
                    int r = v >>> 16 & 0xff;
                    int g = v >>> 8 & 0xff;
                    int b = v & 0xff;
                    row[k] = (byte) (r - pr);
                    row[k + 1] = (byte) (g - pg);
                    row[k + 2] = (byte) (b - pb);
                    pr = r;
                    pg = g;
                    pb = b;
                }
                z.write(row);
            }
        } finally {
            deflater.end();
        }
        chunk(data, "IDAT", idat.toByteArray(), idat.size());
        chunk(data, "IEND", new byte[0], 0);
        data.flush();
    }

    /** Whether the picture's own int pixels are packed RGB, row after row from index 0 (not a sub-image). */
    private static boolean direct(BufferedImage image) {
        if (image.getType() != BufferedImage.TYPE_INT_RGB && image.getType() != BufferedImage.TYPE_INT_ARGB) {
            return false;
        }
        var raster = image.getRaster();
        return raster.getParent() == null && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && raster.getDataBuffer().getOffset() == 0 && raster.getDataBuffer().getNumBanks() == 1
                && raster.getSampleModel() instanceof java.awt.image.SinglePixelPackedSampleModel sm
                && sm.getScanlineStride() == image.getWidth();
    }

    private static void chunk(DataOutputStream out, String type, byte[] body, int length) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(body, 0, length);
        out.writeInt(length);
        out.write(t);
        out.write(body, 0, length);
        out.writeInt((int) crc.getValue());
    }
}
