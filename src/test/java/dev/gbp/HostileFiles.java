package dev.gbp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Hand-made files for the readers' limit tests and the fuzz suite: {@code .npy} bytes with any header, zip archives
 * whose every field is chosen (so that the central directory, the local headers and the data can disagree), and
 * deflate streams that inflate to gigabytes from a few kilobytes, built without ever holding what they inflate to.
 */
public final class HostileFiles {
    private HostileFiles() {}

    /** A version 1 {@code .npy} file: magic, version, header length, {@code dict} padded to 64 bytes, then {@code data}. */
    public static byte[] npy(String dict, byte[] data) {
        String header = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        b.put(data);
        return b.array();
    }

    /** Little-endian float32 bytes. */
    public static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    /** One zip entry as written: {@code data} is stored as it is (already deflated for method 8). */
    public record Entry(String name, int method, byte[] data, long crc, long size, long compressedSize, boolean descriptor) {
        /** A stored entry with honest CRC and sizes. */
        public static Entry stored(String name, byte[] content) {
            return new Entry(name, 0, content, HostileFiles.crc(content), content.length, content.length, false);
        }

        /** A deflated entry with honest CRC and sizes. */
        public static Entry deflated(String name, byte[] content) {
            byte[] z = deflate(content);
            return new Entry(name, 8, z, HostileFiles.crc(content), content.length, z.length, false);
        }

        /** The same entry with another CRC in the local header and the central directory. */
        public Entry withCrc(long newCrc) {
            return new Entry(name, method, data, newCrc, size, compressedSize, descriptor);
        }

        /** The same entry declaring another inflated size. */
        public Entry withSize(long newSize) {
            return new Entry(name, method, data, crc, newSize, compressedSize, descriptor);
        }

        /** The same entry with zero CRC and sizes in its local header and a data descriptor after its data. */
        public Entry withDescriptor() {
            return new Entry(name, method, data, crc, size, compressedSize, true);
        }
    }

    /** A zip archive of the entries, in order, with a central directory that says what each entry declares. */
    public static byte[] zip(List<Entry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] offsets = new long[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            offsets[i] = out.size();
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            ByteBuffer loc = le(30 + name.length);
            loc.putInt(0x04034b50).putShort((short) 20).putShort((short) ((e.descriptor() ? 8 : 0) | 0x800))
                    .putShort((short) e.method()).putShort((short) 0).putShort((short) 0x21)
                    .putInt(e.descriptor() ? 0 : (int) e.crc()).putInt(e.descriptor() ? 0 : (int) e.compressedSize())
                    .putInt(e.descriptor() ? 0 : (int) e.size()).putShort((short) name.length).putShort((short) 0).put(name);
            out.writeBytes(loc.array());
            out.writeBytes(e.data());
            if (e.descriptor()) {
                out.writeBytes(le(16).putInt(0x08074b50).putInt((int) e.crc()).putInt((int) e.compressedSize())
                        .putInt((int) e.size()).array());
            }
        }
        long cen = out.size();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            ByteBuffer c = le(46 + name.length);
            c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20)
                    .putShort((short) ((e.descriptor() ? 8 : 0) | 0x800)).putShort((short) e.method()).putShort((short) 0)
                    .putShort((short) 0x21).putInt((int) e.crc()).putInt((int) e.compressedSize()).putInt((int) e.size())
                    .putShort((short) name.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt(0).putInt((int) offsets[i]).put(name);
            out.writeBytes(c.array());
        }
        long cenSize = out.size() - cen;
        out.writeBytes(le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size())
                .putShort((short) entries.size()).putInt((int) cenSize).putInt((int) cen).putShort((short) 0).array());
        return out.toByteArray();
    }

    /** Raw deflate (as in zip entries) of {@code content}. */
    public static byte[] deflate(byte[] content) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(content);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /**
     * A raw deflate stream that inflates to {@code prefix} followed by {@code mebibytes} MiB of zeros, built from a few
     * flushed blocks: once the window holds only zeros, every further MiB of zeros deflates to the same bytes, which
     * are repeated (about 1 KB per MiB), so a stream that inflates to gigabytes costs megabytes to make.
     */
    public static byte[] deflatedZeros(byte[] prefix, int mebibytes) {
        if (mebibytes < 3) {
            throw new IllegalArgumentException("at least 3 MiB");
        }
        Deflater d = new Deflater(9, true);
        byte[] zeros = new byte[1 << 20];
        byte[] head = flush(d, prefix);
        byte[] first = flush(d, zeros);
        byte[] second = flush(d, zeros);
        byte[] third = flush(d, zeros);
        if (!Arrays.equals(second, third)) {
            throw new IllegalStateException("the deflater did not repeat itself");
        }
        d.finish();
        ByteArrayOutputStream end = new ByteArrayOutputStream();
        byte[] buf = new byte[64];
        while (!d.finished()) {
            end.write(buf, 0, d.deflate(buf));
        }
        d.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head);
        out.writeBytes(first);
        for (int i = 1; i < mebibytes; i++) {
            out.writeBytes(second);
        }
        out.writeBytes(end.toByteArray());
        return out.toByteArray();
    }

    private static byte[] flush(Deflater d, byte[] input) {
        d.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        int n;
        do {
            n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length || !d.needsInput());
        return out.toByteArray();
    }

    /**
     * A PNG file: signature, IHDR ({@code colourType} 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA), the chunks
     * given as {type, data} pairs (e.g. PLTE, tRNS), one IDAT holding {@code zlib}, and IEND, every CRC right.
     */
    public static byte[] png(int width, int height, int bitDepth, int colourType, byte[] zlib, Object... chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth).put((byte) colourType)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        for (int i = 0; i < chunks.length; i += 2) {
            chunk(out, (String) chunks[i], (byte[]) chunks[i + 1]);
        }
        chunk(out, "IDAT", zlib);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** zlib (as in PNG's IDAT) of {@code height} rows, each filter byte 0 and then {@code row.apply(y)}. */
    public static byte[] zlibRows(int height, java.util.function.IntFunction<byte[]> row) {
        Deflater d = new Deflater(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        for (int y = 0; y < height; y++) {
            byte[] r = row.apply(y);
            byte[] line = new byte[r.length + 1];
            System.arraycopy(r, 0, line, 1, r.length);
            d.setInput(line);
            while (!d.needsInput()) {
                out.write(buf, 0, d.deflate(buf));
            }
        }
        d.finish();
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        CRC32 c = new CRC32();
        c.update(t);
        c.update(data);
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) c.getValue()).array());
    }

    /** CRC-32 of the bytes. */
    public static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
