package dev.gbp.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes numpy's {@code .npy} format (versions 1 to 3) for float32 arrays.
 *
 * <p>Written by hand rather than with DJL's reader because DJL rejects Fortran-order arrays and
 * misreads big-endian ones; here both are converted to little-endian C order exactly.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /**
     * Parses one {@code .npy} payload; {@code source} names it in error messages.
     *
     * @param bytes the whole payload
     * @param source the file or entry, for messages
     * @return the array (without data when it is not float32)
     * @throws ModelException naming {@code source} when the payload is malformed
     */
    public static NpyArray parse(byte[] bytes, String source) {
        if (bytes.length < 10) {
            throw new ModelException(source + ": not a .npy array (too short)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new ModelException(source + ": not a .npy array (bad magic bytes)");
            }
        }
        int major = bytes[6] & 0xff;
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            headerLen = bb.getInt(8);
            headerStart = 12;
        } else {
            throw new ModelException(source + ": unsupported .npy version " + major);
        }
        if (headerStart + headerLen > bytes.length || headerLen < 0) {
            throw new ModelException(source + ": truncated .npy header");
        }
        String header = new String(bytes, headerStart, headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new ModelException(source + ": unreadable .npy header " + header.trim());
        }
        String descr = d.group(1);
        boolean fortran = f.group(1).equals("True");
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                dims.add(Long.parseLong(part.trim()));
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long count = NpyArray.size(shape);
        boolean f4 = descr.equals("<f4") || descr.equals(">f4") || (descr.equals("=f4")
                && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        if (!f4) {
            return new NpyArray(descr, shape, null);
        }
        int dataStart = headerStart + headerLen;
        if ((long) bytes.length - dataStart < count * 4) {
            throw new ModelException(source + ": data is truncated (" + (bytes.length - dataStart)
                    + " bytes for " + count + " float32 values)");
        }
        if (count > Integer.MAX_VALUE) {
            throw new ModelException(source + ": array too large");
        }
        ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        float[] raw = new float[(int) count];
        ByteBuffer.wrap(bytes, dataStart, (int) count * 4).order(order).asFloatBuffer().get(raw);
        float[] data = fortran ? fortranToC(raw, shape) : raw;
        return new NpyArray(shape, data);
    }

    /** Reorders column-major values into row-major order. */
    static float[] fortranToC(float[] raw, long[] shape) {
        int rank = shape.length;
        if (rank < 2) {
            return raw;
        }
        float[] out = new float[raw.length];
        int[] idx = new int[rank];
        // Strides of the Fortran layout: the first axis varies fastest.
        long[] fStride = new long[rank];
        fStride[0] = 1;
        for (int a = 1; a < rank; a++) {
            fStride[a] = fStride[a - 1] * shape[a - 1];
        }
        for (int k = 0; k < out.length; k++) {
            long src = 0;
            for (int a = 0; a < rank; a++) {
                src += idx[a] * fStride[a];
            }
            out[k] = raw[(int) src];
            for (int a = rank - 1; a >= 0; a--) {
                if (++idx[a] < shape[a]) {
                    break;
                }
                idx[a] = 0;
            }
        }
        return out;
    }

    /**
     * The {@code .npy} (version 1.0, little-endian float32, C order) bytes of an array.
     *
     * @param array a float32 array
     * @return the file's bytes
     */
    public static byte[] toBytes(NpyArray array) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(array.shape(), array.data(), out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /**
     * Streams a float32 array as {@code .npy}; fine for arrays larger than memory allows twice.
     *
     * @param shape the array's shape
     * @param data its values in C order
     * @param out where the bytes go (not closed)
     * @throws IOException when {@code out} fails
     */
    public static void write(long[] shape, float[] data, OutputStream out) throws IOException {
        StringBuilder sh = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            sh.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + sh + "), }";
        // Pad with spaces so that the data starts on a 64-byte boundary, ending with a newline.
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        out.write(MAGIC);
        out.write(1);
        out.write(0);
        int len = header.length();
        out.write(len & 0xff);
        out.write((len >>> 8) & 0xff);
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putFloat(v);
        }
        out.write(buf.array(), 0, buf.position());
    }

    /**
     * Writes one array to a {@code .npy} file.
     *
     * @param file the file, replaced if it exists
     * @param shape the array's shape
     * @param data its values in C order
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, long[] shape, float[] data) throws IOException {
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            write(shape, data, out);
        }
    }

    /**
     * Reads one {@code .npy} file.
     *
     * @param file the file
     * @return the array (without data when it is not float32)
     * @throws IOException when the file cannot be read
     * @throws ModelException naming the file when it is malformed
     */
    public static NpyArray read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }
}
