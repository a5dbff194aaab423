package dev.gbp.model;

import dev.gbp.GbpInputException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes numpy {@code .npz} archives (a zip of {@code .npy} files, one per array).
 *
 * <p>Reading trusts nothing the archive says: every entry is inflated through a cap (its {@code .npy} header, the
 * values that header declares, and at most {@link #TRAILING_BYTES} more), its CRC-32 and inflated size are checked
 * against the central directory, and an array name may occur only once. Against a model's declared shapes
 * ({@link #read(Path, Map, Set)}) each array's header must declare exactly its parameter's float32 shape before a value
 * is read. Every error is a {@link ModelException} naming the file and the entry.
 */
public final class Npz {
    /** Bytes an entry may hold after its array's values (numpy writes none); more is refused, not inflated. */
    public static final int TRAILING_BYTES = 4096;

    private Npz() {}

    /**
     * Every array of the archive by name (without the {@code .npy} suffix), in archive order; the arrays hold at most
     * {@link Npy#MAX_VALUES} values together.
     *
     * @param file the archive
     * @return the arrays by name
     * @throws ModelException naming the file and entry for a malformed, corrupted or oversized archive
     */
    public static Map<String, NpyArray> read(Path file) {
        return read(file, null, Set.of());
    }

    /**
     * The arrays of a bundle's {@code weights.npz}, read against the parameter shapes its model declares
     * ({@link ModelSpec#parameterShapes()}): each array named in {@code shapes} must be float32 of exactly that shape,
     * which its header must declare before a value is read; {@code optional} names arrays that may be there besides
     * (PyTorch's {@code num_batches_tracked} counters), of any dtype and at most one value. Any other array is refused
     * before it is inflated. Arrays that {@code shapes} names but the archive lacks are left for the caller to name.
     *
     * @param file the archive
     * @param shapes the float32 shape of every array the archive must hold, by name
     * @param optional names of arrays that may also be there (at most one value each)
     * @return the arrays by name
     * @throws ModelException naming the file and entry for an unexpected, malformed, corrupted or oversized entry
     */
    public static Map<String, NpyArray> read(Path file, Map<String, long[]> shapes, Set<String> optional) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<ZipEntry> entries = new ArrayList<>();
            Map<String, String> seen = new TreeMap<>();
            TreeSet<String> unexpected = new TreeSet<>();
            for (var it = zip.entries(); it.hasMoreElements(); ) {
                ZipEntry e = it.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                String name = arrayName(e);
                String before = seen.put(name, e.getName());
                if (before != null) {
                    throw new ModelException(file + ": holds the array " + GbpInputException.quote(name) + " twice (entries "
                            + GbpInputException.quote(before) + " and " + GbpInputException.quote(e.getName()) + ")");
                }
                if (shapes != null && !shapes.containsKey(name) && !optional.contains(name)) {
                    unexpected.add(GbpInputException.quote(name));
                }
                entries.add(e);
            }
            if (!unexpected.isEmpty()) {
                List<String> shown = new ArrayList<>(unexpected).subList(0, Math.min(unexpected.size(), 10));
                throw new ModelException(file + ": arrays not used by any layer: " + String.join(", ", shown)
                        + (unexpected.size() > shown.size() ? ", ... (" + unexpected.size() + " in all)" : "")
                        + " (each array must be <layer name>.<weight|bias|running_mean|running_var> of a layer that has it)");
            }
            long budget = Npy.MAX_VALUES;
            for (ZipEntry e : entries) {
                String name = arrayName(e);
                String where = file + ": entry " + GbpInputException.quote(e.getName());
                long[] want = shapes == null ? null : shapes.get(name);
                NpyArray a = readEntry(zip, e, where, want, want != null ? Long.MAX_VALUE : shapes == null ? budget : 1);
                if (shapes == null) {
                    budget -= NpyArray.size(a.shape());
                }
                out.put(name, a);
            }
        } catch (IOException e) {
            throw new ModelException(file + " is not a readable .npz archive: " + e.getMessage(), e);
        }
        return out;
    }

    private static String arrayName(ZipEntry e) {
        String n = e.getName();
        return n.endsWith(".npy") ? n.substring(0, n.length() - 4) : n;
    }

    /**
     * One entry, inflated through a cap: its header, then the values it declares ({@code want}: the only shape
     * accepted, as float32; else at most {@code maxValues} values of any dtype), then at most {@link #TRAILING_BYTES}.
     */
    private static NpyArray readEntry(ZipFile zip, ZipEntry e, String where, long[] want, long maxValues) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream raw = zip.getInputStream(e); CheckedInputStream in = new CheckedInputStream(raw, crc)) {
            Npy.Header h = Npy.readHeader(in, where);
            if (want != null) {
                if (!h.isFloat32()) {
                    throw new ModelException(where + ": array is " + h.descr() + ", expected float32 (<f4)");
                }
                if (!Arrays.equals(want, h.shape())) {
                    throw new ModelException(where + ": array has shape " + Arrays.toString(h.shape()) + ", expected "
                            + Arrays.toString(want));
                }
            }
            Npy.checkSize(h, maxValues, e.getSize(), where);
            NpyArray a = Npy.readData(in, h, where);
            long trailing = in.skip(TRAILING_BYTES + 1L); // reads through to the end, or one byte past the cap
            if (trailing > TRAILING_BYTES) {
                throw new ModelException(where + ": holds more than its array (over " + TRAILING_BYTES
                        + " bytes after the values its header declares)");
            }
            long size = h.bytes() + h.dataBytes() + trailing;
            if (e.getSize() >= 0 && size != e.getSize()) {
                throw new ModelException(where + ": inflates to " + size + " bytes but the archive's directory says "
                        + e.getSize() + " (a damaged or tampered archive)");
            }
            if (e.getCrc() >= 0 && crc.getValue() != e.getCrc()) {
                throw new ModelException(where + ": CRC-32 check failed (the archive is damaged: its bytes are not the ones"
                        + " that were written)");
            }
            return a;
        } catch (java.util.zip.ZipException | java.io.EOFException ex) {
            throw new ModelException(where + ": cannot be inflated (" + ex.getMessage() + "; the archive is damaged)", ex);
        }
    }

    /**
     * Writes arrays as an uncompressed archive (as {@code numpy.savez} does), names sorted, with a
     * fixed time stamp so that the same arrays always give the same bytes.
     *
     * @param file the archive, replaced if it exists
     * @param arrays float32 arrays by name
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, Map<String, NpyArray> arrays) throws IOException {
        try (OutputStream fo = new BufferedOutputStream(Files.newOutputStream(file));
                ZipOutputStream zip = new ZipOutputStream(fo)) {
            for (Map.Entry<String, NpyArray> e : new TreeMap<>(arrays).entrySet()) {
                byte[] bytes = Npy.toBytes(e.getValue());
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(bytes.length);
                entry.setCompressedSize(bytes.length);
                CRC32 crc = new CRC32();
                crc.update(bytes);
                entry.setCrc(crc.getValue());
                entry.setTime(315532800000L + 86400000L); // 1980-01-02, the zip epoch
                zip.putNextEntry(entry);
                zip.write(bytes);
                zip.closeEntry();
            }
        }
    }
}
