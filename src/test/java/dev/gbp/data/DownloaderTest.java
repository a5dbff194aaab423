package dev.gbp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.gbp.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The downloader against a local HTTP server serving an archive made here. */
class DownloaderTest {
    @TempDir
    Path tmp;

    HttpServer server;
    byte[] archive;
    String md5;
    Path cache;
    final StringWriter log = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        archive = makeArchive(TestFiles.writeCifarFolder(tmp.resolve("src"), 2));
        md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(archive));
        cache = tmp.resolve("cache").resolve("gbp").resolve("cifar-10-batches-bin");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok.tar.gz", ex -> {
            ex.sendResponseHeaders(200, archive.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(archive);
            }
        });
        server.createContext("/truncated.tar.gz", ex -> {
            ex.sendResponseHeaders(200, archive.length);
            OutputStream o = ex.getResponseBody();
            o.write(archive, 0, archive.length / 2);
            o.flush();
            ex.close(); // closes the connection with half the promised body sent
        });
        server.createContext("/error.tar.gz", ex -> {
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private Downloader downloader(String path, String checksum) {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        return new Downloader(uri, checksum, cache);
    }

    @Test
    void downloadsChecksUnpacksAndInstalls() {
        Path p = downloader("/ok.tar.gz", md5).fetchIntoCache(new PrintWriter(log));
        assertEquals(cache, p);
        assertTrue(CifarReader.isComplete(cache));
        assertEquals(10, CifarReader.read(cache, CifarReader.Split.TRAIN).size());
        assertNoLeftovers();
    }

    @Test
    void wrongChecksumInstallsNothing() {
        FetchException e = assertThrows(FetchException.class,
                () -> downloader("/ok.tar.gz", "0".repeat(32)).fetchIntoCache(new PrintWriter(log)));
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains(md5), e.getMessage());
        assertFalse(Files.exists(cache));
        assertNoLeftovers();
    }

    @Test
    void truncatedBodyInstallsNothing() {
        FetchException e = assertThrows(FetchException.class,
                () -> downloader("/truncated.tar.gz", md5).fetchIntoCache(new PrintWriter(log)));
        assertTrue(e.getMessage().contains("failed"), e.getMessage());
        assertFalse(Files.exists(cache));
        assertNoLeftovers();
    }

    @Test
    void serverErrorIsReportedWithHowToProvideFilesByHand() {
        FetchException e = assertThrows(FetchException.class,
                () -> downloader("/error.tar.gz", md5).fetchIntoCache(new PrintWriter(log)));
        assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
        assertTrue(e.getMessage().contains("--data") && e.getMessage().contains("GBP_CIFAR10"), e.getMessage());
        assertFalse(Files.exists(cache));
    }

    @Test
    void noServerAtAllIsReported() {
        Downloader d = new Downloader(URI.create("http://127.0.0.1:1/none.tar.gz"), md5, cache);
        FetchException e = assertThrows(FetchException.class, () -> d.fetchIntoCache(new PrintWriter(log)));
        assertTrue(e.getMessage().contains("cannot reach"), e.getMessage());
    }

    @Test
    void aFailedDownloadRemovesTheFoldersItCreated() throws Exception {
        // Nothing of tmp/cache/gbp existed: nothing of it is left.
        assertThrows(FetchException.class, () -> downloader("/error.tar.gz", md5).fetchIntoCache(new PrintWriter(log)));
        assertFalse(Files.exists(tmp.resolve("cache")), "tmp/cache left behind");
        assertThrows(FetchException.class, () -> downloader("/ok.tar.gz", "0".repeat(32)).fetchIntoCache(new PrintWriter(log)));
        assertFalse(Files.exists(tmp.resolve("cache")), "tmp/cache left behind after a checksum mismatch");
        // A folder that was there before stays, even when empty.
        Files.createDirectories(tmp.resolve("cache"));
        assertThrows(FetchException.class, () -> downloader("/truncated.tar.gz", md5).fetchIntoCache(new PrintWriter(log)));
        assertTrue(Files.isDirectory(tmp.resolve("cache")));
        assertFalse(Files.exists(cache.getParent()), "tmp/cache/gbp left behind");
    }

    @Test
    void aFailedRefetchKeepsTheCompleteCache() throws Exception {
        downloader("/ok.tar.gz", md5).fetchIntoCache(new PrintWriter(log));
        byte[] before = Files.readAllBytes(cache.resolve("test_batch.bin"));
        assertThrows(FetchException.class, () -> downloader("/error.tar.gz", md5).fetch(new PrintWriter(log), true));
        assertTrue(CifarReader.isComplete(cache));
        assertEquals(before.length, Files.readAllBytes(cache.resolve("test_batch.bin")).length);
        assertNoLeftovers();
    }

    @Test
    void foldersOfADownloadKilledOutrightAreRemovedByTheNextOne() throws Exception {
        // A download killed while it wrote the archive, and one killed after moving the old cache aside.
        long dead = TestFiles.deadPid();
        Path parent = Files.createDirectories(cache.getParent());
        Path archiveLeft = TestFiles.leftover(parent, cache.getFileName().toString(), "tmp", dead, 1);
        Path oldLeft = TestFiles.leftover(parent, cache.getFileName().toString(), "old", dead, 1);
        downloader("/ok.tar.gz", md5).fetchIntoCache(new PrintWriter(log));
        assertTrue(CifarReader.isComplete(cache));
        assertFalse(Files.exists(archiveLeft));
        assertFalse(Files.exists(oldLeft), "removed once the new cache is in place");
        assertNoLeftovers();
    }

    private void assertNoLeftovers() {
        try (Stream<Path> s = Files.list(cache.getParent())) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().noneMatch(n -> n.startsWith(".")), "temporary folders left: " + names);
        } catch (IOException e) {
            // No parent folder: nothing left behind either.
        }
    }

    static byte[] makeArchive(Path folder) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            TarArchiveEntry dir = new TarArchiveEntry("cifar-10-batches-bin/");
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.sorted().toList()) {
                    TarArchiveEntry e = new TarArchiveEntry(f.toFile(), "cifar-10-batches-bin/" + f.getFileName());
                    tar.putArchiveEntry(e);
                    tar.write(Files.readAllBytes(f));
                    tar.closeArchiveEntry();
                }
            }
        }
        return bytes.toByteArray();
    }
}
