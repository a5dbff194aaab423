package dev.gbp.model;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Reads and writes numpy {@code .npz} archives (a zip of {@code .npy} files, one per array). */
public final class Npz {
    private Npz() {}

    /**
     * Every array of the archive by name (without the {@code .npy} suffix), in archive order.
     *
     * @param file the archive
     * @return the arrays by name
     * @throws ModelException naming the file (and entry) when it cannot be read or an entry is malformed
     */
    public static Map<String, NpyArray> read(Path file) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName().endsWith(".npy")
                        ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                try (InputStream in = zip.getInputStream(e)) {
                    out.put(name, Npy.parse(in.readAllBytes(), file + ":" + e.getName()));
                }
            }
        } catch (IOException e) {
            throw new ModelException(file + " is not a readable .npz archive: " + e.getMessage(), e);
        }
        return out;
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
