package dev.gbp.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes numpy's {@code .npy} format (versions 1 to 3) for float32 arrays.
 *
 * <p>Written by hand rather than with DJL's reader because DJL rejects Fortran-order arrays and
 * misreads big-endian ones; here both are converted to little-endian C order exactly.
 *
 * <p>Reading is safe on hostile files: the header is parsed as the literal dictionary numpy writes (exactly the keys
 * {@code descr}, {@code fortran_order} and {@code shape}), sizes are checked with overflow-checked arithmetic against
 * {@link #MAX_HEADER_BYTES}, {@link #MAX_VALUES} (or the caller's own limit) and the bytes there are, and memory for
 * the values grows only as they are actually read. Every error is a {@link ModelException} naming the source.
 */
public final class Npy {
    /**
     * Longest header read, in bytes (numpy's own reader refuses headers over 10,000 bytes unless told otherwise; the
     * headers it writes are 118 bytes and less, padded to 64).
     */
    public static final int MAX_HEADER_BYTES = 64 * 1024;

    /**
     * Most values one array read without a model's shapes may hold: 2^28 (1 GiB of float32). Bundles are read
     * against their model's declared shapes instead ({@link Npz#read(Path, java.util.Map, java.util.Set)}).
     */
    public static final long MAX_VALUES = 1L << 28;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy's simple dtypes: byte order, kind, item size, and for datetimes a unit. */
    private static final Pattern DTYPE = Pattern.compile("([<>|=]?)([biufcSaUVmM])(\\d{1,6})(\\[\\w{1,4}\\])?");

    private Npy() {}

    /** What a {@code .npy} header declares; {@code bytes} is the length of magic, version, length and header. */
    record Header(String descr, boolean fortran, long[] shape, long count, int itemSize, long bytes) {
        /** Bytes of the values: {@code count} items. */
        long dataBytes() {
            return count * itemSize;
        }

        /** float32, in either byte order. */
        boolean isFloat32() {
            return descr.equals("<f4") || descr.equals(">f4") || descr.equals("=f4") || descr.equals("f4");
        }
    }

    /**
     * Parses one {@code .npy} payload; {@code source} names it in error messages.
     *
     * @param bytes the whole payload
     * @param source the file or entry, for messages
     * @return the array (without data when it is not float32)
     */
    public static NpyArray parse(byte[] bytes, String source) {
        try {
            InputStream in = new ByteArrayInputStream(bytes);
            Header h = readHeader(in, source);
            checkSize(h, MAX_VALUES, bytes.length, source);
            return readData(in, h, source);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a byte array does not fail
        }
    }

    /**
     * Reads the magic bytes, the version and the header dictionary, and nothing more.
     *
     * @throws ModelException naming {@code source} for anything that is not a well-formed {@code .npy} header
     */
    static Header readHeader(InputStream in, String source) throws IOException {
        byte[] pre = in.readNBytes(8);
        if (pre.length < 8 || !Arrays.equals(Arrays.copyOf(pre, 6), MAGIC)) {
            throw new ModelException(source + ": not a .npy array (" + (pre.length < 8 ? "too short" : "bad magic bytes") + ")");
        }
        int major = pre[6] & 0xff;
        if (major < 1 || major > 3) {
            throw new ModelException(source + ": unsupported .npy version " + major + " (versions 1 to 3 are read)");
        }
        byte[] len = in.readNBytes(major == 1 ? 2 : 4);
        if (len.length < (major == 1 ? 2 : 4)) {
            throw new ModelException(source + ": truncated .npy header");
        }
        ByteBuffer lb = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = major == 1 ? lb.getShort() & 0xffff : lb.getInt() & 0xffffffffL;
        if (headerLen > MAX_HEADER_BYTES) {
            throw new ModelException(source + ": .npy header of " + headerLen + " bytes (at most " + MAX_HEADER_BYTES
                    + " are read)");
        }
        byte[] text = in.readNBytes((int) headerLen);
        if (text.length < headerLen) {
            throw new ModelException(source + ": truncated .npy header (" + text.length + " of " + headerLen + " bytes)");
        }
        String header = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parseHeader(header, 8L + len.length + headerLen, source);
    }

    /** The header dictionary, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. */
    private static Header parseHeader(String header, long bytes, String source) {
        HeaderParser p = new HeaderParser(header, source);
        String descr = null;
        Boolean fortran = null;
        long[] shape = null;
        p.skipSpace();
        p.expect('{');
        while (true) {
            p.skipSpace();
            if (p.peek() == '}') {
                p.pos++;
                break;
            }
            String key = p.string();
            p.skipSpace();
            p.expect(':');
            p.skipSpace();
            switch (key) {
                case "descr":
                    if (descr != null) {
                        throw p.fail("'descr' is given twice");
                    }
                    if (p.peek() != '\'' && p.peek() != '"') {
                        throw p.fail("'descr' is not a simple dtype string (structured dtypes are not read)");
                    }
                    descr = p.string();
                    break;
                case "fortran_order":
                    if (fortran != null) {
                        throw p.fail("'fortran_order' is given twice");
                    }
                    fortran = p.bool();
                    break;
                case "shape":
                    if (shape != null) {
                        throw p.fail("'shape' is given twice");
                    }
                    shape = p.shape();
                    break;
                default:
                    throw p.fail("unexpected key " + dev.gbp.GbpInputException.quote(key)
                            + " (a .npy header holds 'descr', 'fortran_order' and 'shape')");
            }
            p.skipSpace();
            if (p.peek() == ',') {
                p.pos++;
            } else if (p.peek() != '}') {
                throw p.fail("expected ',' or '}'");
            }
        }
        p.skipSpace();
        if (p.pos != header.length()) {
            throw p.fail("text after the dictionary");
        }
        if (descr == null || fortran == null || shape == null) {
            throw p.fail("'descr', 'fortran_order' and 'shape' are all needed");
        }
        Matcher m = DTYPE.matcher(descr);
        if (!m.matches()) {
            throw new ModelException(source + ": dtype " + dev.gbp.GbpInputException.quote(descr)
                    + " is not supported (gbp reads float32, '<f4')");
        }
        long item = Long.parseLong(m.group(3)) * (m.group(2).equals("U") ? 4 : 1);
        if (item < 1 || item > Integer.MAX_VALUE) {
            throw new ModelException(source + ": dtype " + dev.gbp.GbpInputException.quote(descr) + " has no usable item size");
        }
        long count = 1;
        for (long d : shape) {
            count = multiplyOrMax(count, d);
        }
        return new Header(descr, fortran, shape, count, (int) item, bytes);
    }

    /** {@code a * b}, or {@link Long#MAX_VALUE} when that overflows; sizes above any limit are refused anyway. */
    static long multiplyOrMax(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    /**
     * Refuses an array of more than {@code maxValues} values, or whose values need more bytes than the {@code available}
     * (-1: unknown) after its header.
     */
    static void checkSize(Header h, long maxValues, long available, String source) {
        if (h.count() > maxValues) {
            throw new ModelException(source + ": array of shape " + Arrays.toString(h.shape()) + " holds "
                    + (h.count() == Long.MAX_VALUE ? "more than 2^63" : Long.toString(h.count())) + " values; at most "
                    + maxValues + " are read");
        }
        long data = multiplyOrMax(h.count(), h.itemSize());
        if (available >= 0 && data > available - h.bytes()) {
            throw new ModelException(source + ": data is truncated (" + Math.max(0, available - h.bytes()) + " bytes for "
                    + h.count() + " values of " + h.descr() + ")");
        }
    }

    /**
     * Reads the values that {@code h} declares (its size checked by the caller), the array growing only as bytes
     * arrive, so that a header that lies about its size costs no memory. Arrays of another dtype than float32 are
     * skipped and kept without data.
     */
    static NpyArray readData(InputStream in, Header h, String source) throws IOException {
        if (!h.isFloat32()) {
            long skip = h.dataBytes();
            byte[] sink = new byte[8192];
            while (skip > 0) {
                int n = in.readNBytes(sink, 0, (int) Math.min(sink.length, skip));
                if (n == 0) {
                    throw new ModelException(source + ": data is truncated (" + (h.dataBytes() - skip) + " bytes for "
                            + h.count() + " values of " + h.descr() + ")");
                }
                skip -= n;
            }
            return new NpyArray(h.descr(), h.shape(), null);
        }
        ByteOrder order = h.descr().startsWith(">") ? ByteOrder.BIG_ENDIAN
                : h.descr().startsWith("<") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder();
        if (h.count() > Integer.MAX_VALUE - 8) {
            throw new ModelException(source + ": array of " + h.count() + " values is too large for one Java array");
        }
        int count = (int) h.count();
        float[] values = new float[Math.min(count, 1 << 16)];
        byte[] buf = new byte[64 * 1024];
        int filled = 0;
        while (filled < count) {
            int want = (int) Math.min(buf.length, (count - filled) * 4L);
            int got = in.readNBytes(buf, 0, want);
            if (got < want) {
                throw new ModelException(source + ": data is truncated (" + ((long) filled * 4 + got) + " bytes for "
                        + count + " float32 values)");
            }
            if (filled + want / 4 > values.length) {
                values = Arrays.copyOf(values, (int) Math.min(count, Math.max(2L * values.length, filled + want / 4)));
            }
            ByteBuffer.wrap(buf, 0, want).order(order).asFloatBuffer().get(values, filled, want / 4);
            filled += want / 4;
        }
        return new NpyArray(h.shape(), h.fortran() ? fortranToC(values, h.shape()) : values);
    }

    /** A strict reader of the Python literal numpy writes as the header. */
    private static final class HeaderParser {
        final String s;
        final String source;
        int pos;

        HeaderParser(String s, String source) {
            this.s = s;
            this.source = source;
        }

        ModelException fail(String problem) {
            return new ModelException(source + ": malformed .npy header (" + problem + " at character " + pos + "): "
                    + dev.gbp.GbpInputException.quote(s.strip()));
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        void skipSpace() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n' || s.charAt(pos) == '\t'
                    || s.charAt(pos) == '\r')) {
                pos++;
            }
        }

        void expect(char c) {
            if (peek() != c) {
                throw fail("expected '" + c + "'");
            }
            pos++;
        }

        String string() {
            char q = peek();
            if (q != '\'' && q != '"') {
                throw fail("expected a quoted string");
            }
            int end = s.indexOf(q, pos + 1);
            if (end < 0) {
                throw fail("unterminated string");
            }
            String v = s.substring(pos + 1, end);
            if (v.indexOf('\\') >= 0) {
                throw fail("escapes in a string");
            }
            pos = end + 1;
            return v;
        }

        boolean bool() {
            if (s.startsWith("True", pos)) {
                pos += 4;
                return true;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return false;
            }
            throw fail("'fortran_order' must be True or False");
        }

        /** A tuple of non-negative integers: {@code ()}, {@code (3,)}, {@code (2, 3)}; Python 2's {@code 3L} too. */
        long[] shape() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            boolean comma = false;
            while (true) {
                skipSpace();
                if (peek() == ')') {
                    pos++;
                    break;
                }
                int start = pos;
                while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
                    pos++;
                }
                if (pos == start) {
                    throw fail("a dimension must be a non-negative integer");
                }
                if (pos - start > 10 || Long.parseLong(s.substring(start, pos)) > Integer.MAX_VALUE) {
                    throw fail("dimension " + s.substring(start, Math.min(pos, start + 24)) + " is too large");
                }
                dims.add(Long.parseLong(s.substring(start, pos)));
                if (peek() == 'L') {
                    pos++;
                }
                skipSpace();
                comma = peek() == ',';
                if (comma) {
                    pos++;
                } else if (peek() != ')') {
                    throw fail("expected ',' or ')' in the shape");
                }
            }
            if (dims.size() == 1 && !comma) {
                throw fail("a one-dimensional shape is written (n,)");
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }
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
        writeHeader(shape, out);
        writeValues(data, 0, data.length, out);
    }

    /**
     * Writes the header of a float32 {@code .npy} array; its values follow with {@link #writeValues}, as many as the
     * shape says, possibly in several calls (a file written batch by batch).
     *
     * @param shape the whole array's shape
     * @param out where the bytes go (not closed)
     * @throws IOException when {@code out} fails
     */
    public static void writeHeader(long[] shape, OutputStream out) throws IOException {
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
    }

    /**
     * Writes float32 values little-endian, as {@code .npy} data after {@link #writeHeader}.
     *
     * @param data the values
     * @param from the first to write
     * @param count how many
     * @param out where the bytes go (not closed)
     * @throws IOException when {@code out} fails
     */
    public static void writeValues(float[] data, int from, int count, OutputStream out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = from; k < from + count; k++) {
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putFloat(data[k]);
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
     * Reads one {@code .npy} file of at most {@link #MAX_VALUES} values; its declared size is checked against the
     * file's length before any value is read.
     *
     * @param file the file
     * @return the array (without data when it is not float32)
     * @throws ModelException naming the file when it is not a well-formed {@code .npy} array
     * @throws IOException when the file cannot be read
     */
    public static NpyArray read(Path file) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            Header h = readHeader(in, file.toString());
            checkSize(h, MAX_VALUES, Files.size(file), file.toString());
            return readData(in, h, file.toString());
        } catch (EOFException e) {
            throw new ModelException(file + ": truncated .npy file", e);
        }
    }
}
