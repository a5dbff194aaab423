package dev.gbp.data;

import dev.gbp.io.AtomicDirectory;
import dev.gbp.io.Hashing;
import dev.gbp.io.TempSiblings;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Downloads the official CIFAR-10 binary archive, checks its MD5, unpacks it into a temporary folder
 * and moves the complete {@code cifar-10-batches-bin} folder into the cache. Any failure leaves the
 * cache as it was, and removes the folders the download created (e.g. {@code ~/.cache/gbp}). Progress lines
 * go to the writer the caller gives, without a prefix.
 */
public final class Downloader {
    /** Where the official archive is. */
    public static final URI OFFICIAL_URL = URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz");
    /** The official archive's MD5, as its site gives it. */
    public static final String OFFICIAL_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
    static final String FOLDER = "cifar-10-batches-bin";

    private final URI url;
    private final String md5;
    private final Path cacheDir;

    /** The official archive into the default cache. */
    public Downloader() {
        this(OFFICIAL_URL, OFFICIAL_MD5, DataLocator.cacheDir());
    }

    /**
     * A downloader of another archive or into another folder.
     *
     * @param url the archive's address
     * @param md5 its MD5, hex
     * @param cacheDir the folder the unpacked data goes to
     */
    public Downloader(URI url, String md5, Path cacheDir) {
        this.url = url;
        this.md5 = md5;
        this.cacheDir = cacheDir;
    }

    /**
     * The cache folder, downloading into it first unless it is already complete.
     *
     * @param err receives progress lines
     * @return the cache folder, complete
     * @throws FetchException when the download fails
     */
    public Path fetchIntoCache(PrintWriter err) {
        if (CifarReader.isComplete(cacheDir)) {
            return cacheDir;
        }
        return fetch(err, false);
    }

    /**
     * Downloads and installs the data set, replacing an incomplete cache folder, or a complete one
     * when {@code replace} is set.
     *
     * @param err receives progress lines
     * @param replace whether a complete cache folder is downloaded again
     * @return the cache folder, complete
     * @throws FetchException when the download fails
     */
    public Path fetch(PrintWriter err, boolean replace) {
        if (CifarReader.isComplete(cacheDir) && !replace) {
            return cacheDir;
        }
        Path parent = cacheDir.toAbsolutePath().getParent();
        List<Path> created = missingFolders(parent);
        Path work = null;
        boolean installed = false;
        try {
            Files.createDirectories(parent);
            // A download killed outright leaves its hidden folder (the archive, 170 MB): the next one removes it.
            String name = cacheDir.getFileName().toString();
            TempSiblings.removeStale(parent, name);
            work = TempSiblings.create(parent, name, TempSiblings.Kind.TMP);
            Path archive = work.resolve("cifar-10-binary.tar.gz");
            download(archive, err);
            String got = Hashing.md5(archive);
            if (!got.equalsIgnoreCase(md5)) {
                throw new FetchException("checksum mismatch for " + url + ": MD5 is " + got + ", expected " + md5
                        + " (the download is corrupt or not the official archive); nothing was installed", null);
            }
            Path extracted = work.resolve("extracted");
            extract(archive, extracted);
            Path folder = findDataFolder(extracted);
            if (folder == null || !CifarReader.isComplete(folder)) {
                throw new FetchException("the archive from " + url + " does not hold a complete " + FOLDER
                        + " folder; nothing was installed", null);
            }
            install(folder);
            installed = true;
            // An old cache that a killed run moved aside goes only now that the new one is in place.
            TempSiblings.removeStale(parent, name);
            err.println("CIFAR-10 installed in " + cacheDir);
            return cacheDir;
        } catch (IOException e) {
            throw new FetchException("download of " + url + " failed: " + describe(e) + "\n" + manualHelp(), e);
        } finally {
            if (work != null) {
                AtomicDirectory.deleteTree(work);
            }
            if (!installed) {
                removeEmpty(created);
            }
        }
    }

    /** {@code dir} and those of its parents that do not exist yet, innermost first. */
    private static List<Path> missingFolders(Path dir) {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        return missing;
    }

    /** Deletes these folders, innermost first, while they are empty. */
    private static void removeEmpty(List<Path> folders) {
        for (Path p : folders) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                return; // not empty (or not ours to delete): leave it and its parents
            }
        }
    }

    /**
     * How to get the files without this downloader.
     *
     * @return a paragraph for the user
     */
    public String manualHelp() {
        return "To provide the data by hand: on a machine with internet access download " + OFFICIAL_URL
                + " (MD5 " + OFFICIAL_MD5 + "), unpack it (tar xzf), and pass the " + FOLDER
                + " folder with --data, set $" + DataLocator.ENV + " to it, or move it to " + cacheDir + ".";
    }

    private void download(Path archive, PrintWriter err) throws IOException {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2)).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("the server answered HTTP " + response.statusCode());
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            err.println("downloading " + url + (length > 0 ? " (" + length / 1_000_000 + " MB)" : ""));
            err.flush();
            long copied;
            try (ProgressBar bar = bar(length); OutputStream out = Files.newOutputStream(archive)) {
                copied = copy(body, out, bar::stepTo);
            }
            if (length >= 0 && copied != length) {
                throw new IOException("the body was truncated: " + copied + " of " + length + " bytes");
            }
        }
    }

    private static ProgressBar bar(long length) {
        return new ProgressBarBuilder()
                .setTaskName("download")
                .setInitialMax(length)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" MB", 1_000_000)
                .setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(System.err, 100))
                .showSpeed()
                .build();
    }

    private static long copy(InputStream in, OutputStream out, LongConsumer progress) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            total += n;
            progress.accept(total);
        }
        return total;
    }

    /** Unpacks a .tar.gz, refusing entries that would land outside {@code dest}. */
    static void extract(Path archive, Path dest) throws IOException {
        Files.createDirectories(dest);
        Path root = dest.toAbsolutePath().normalize();
        try (InputStream fin = new BufferedInputStream(Files.newInputStream(archive));
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(fin))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path out = root.resolve(e.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException("archive entry " + e.getName() + " points outside the folder");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else if (e.isFile()) {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static Path findDataFolder(Path extracted) throws IOException {
        if (CifarReader.isComplete(extracted)) {
            return extracted;
        }
        try (Stream<Path> s = Files.walk(extracted, 3)) {
            return s.filter(Files::isDirectory).filter(CifarReader::isComplete).findFirst().orElse(null);
        }
    }

    private void install(Path folder) throws IOException {
        Path target = cacheDir.toAbsolutePath();
        Path old = null;
        if (Files.exists(target)) {
            old = TempSiblings.create(target.getParent(), target.getFileName().toString(), TempSiblings.Kind.OLD);
            Files.move(target, old.resolve(target.getFileName()));
        }
        try {
            Files.move(folder, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(folder, target);
        }
        if (old != null) {
            AtomicDirectory.deleteTree(old);
        }
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        String m = e.getMessage();
        if (e instanceof java.net.ConnectException || e instanceof java.net.UnknownHostException
                || e instanceof java.net.http.HttpConnectTimeoutException) {
            return "cannot reach the server (" + kind + (m == null ? "" : ": " + m) + "); is there a network?";
        }
        return m == null ? kind : m;
    }
}
