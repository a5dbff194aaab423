package dev.gbp;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gbp.cli.Main;
import dev.gbp.data.CifarImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Random;

/** Shared helpers for tests: hand-made CIFAR records and the real-data switch. */
public final class TestFiles {
    private TestFiles() {}

    /** One CIFAR record: label, then R, G, B planes; pixel (c,y,x) = (seed + 7c + 3y + x) mod 256. */
    public static byte[] record(int label, int seed) {
        byte[] r = new byte[CifarImages.RECORD_BYTES];
        r[0] = (byte) label;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    r[1 + c * 1024 + y * 32 + x] = (byte) ((seed + 7 * c + 3 * y + x) & 0xff);
                }
            }
        }
        return r;
    }

    /** Several records with labels {@code i % 10}. */
    public static byte[] records(int n, int seed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            out.writeBytes(record(i % 10, seed + i));
        }
        return out.toByteArray();
    }

    /** Writes a complete, tiny CIFAR-10 folder (the official file names, {@code perFile} records each). */
    public static Path writeCifarFolder(Path dir, int perFile) throws IOException {
        Files.createDirectories(dir);
        for (int b = 1; b <= 5; b++) {
            Files.write(dir.resolve("data_batch_" + b + ".bin"), records(perFile, b * 100));
        }
        Files.write(dir.resolve("test_batch.bin"), records(perFile, 999));
        Files.writeString(dir.resolve("batches.meta.txt"), String.join("\n", CifarImages.DEFAULT_CLASSES) + "\n\n");
        return dir;
    }

    /** The id of a process that has ended (and been reaped); skips the test in the unlikely case it is reused at once. */
    public static long deadPid() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        if (p.waitFor() != 0) {
            throw new IOException("'true' failed");
        }
        long pid = p.pid();
        assumeTrue(ProcessHandle.of(pid).isEmpty(), "pid " + pid + " was reused at once");
        return pid;
    }

    /**
     * A hidden folder beside output {@code name} as a writer {@code pid} that started at {@code start} would name it
     * ({@code kind} "tmp" or "old"; see {@code io.TempSiblings}), with a file in a subfolder.
     */
    public static Path leftover(Path parent, String name, String kind, long pid, long start) throws IOException {
        Path dir = parent.resolve("." + name + "." + kind + "-" + pid + "-" + start + "-0123abcd");
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/weights.npz"), new byte[1000]);
        return dir;
    }

    /** Random float array of the given length. */
    public static float[] randomFloats(int n, long seed) {
        Random r = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) r.nextGaussian();
        }
        return out;
    }

    /** The real CIFAR-10 folder named by GBP_CIFAR10; skips the test (visibly) when it is unset. */
    public static Path realCifarOrSkip() {
        String env = System.getenv("GBP_CIFAR10");
        if (env == null || env.isBlank() || !Files.isDirectory(Paths.get(env))) {
            System.err.println("SKIPPED real-data test: GBP_CIFAR10 is not set to a CIFAR-10 folder");
        }
        assumeTrue(env != null && !env.isBlank() && Files.isDirectory(Paths.get(env)),
                "GBP_CIFAR10 is not set to a CIFAR-10 folder: real-data test skipped");
        return Paths.get(env);
    }

    /**
     * The first {@code n} real test records (GBP_CIFAR10's {@code test_batch.bin}) copied to {@code dir/test_batch.bin};
     * skips the test as {@link #realCifarOrSkip()} does.
     */
    public static Path realTestHead(Path dir, int n) throws IOException {
        Path data = realCifarOrSkip();
        byte[] head = new byte[n * dev.gbp.data.CifarImages.RECORD_BYTES];
        try (java.io.InputStream in = Files.newInputStream(data.resolve("test_batch.bin"))) {
            if (in.readNBytes(head, 0, head.length) != head.length) {
                throw new IOException("test_batch.bin holds fewer than " + n + " records");
            }
        }
        Path bin = Files.createDirectories(dir).resolve("test_batch.bin");
        Files.write(bin, head);
        return bin;
    }

    /** The project's root (tests run there under Maven). */
    public static Path projectRoot() {
        return Paths.get("").toAbsolutePath();
    }

    /** The ONNX fixtures and their index.json (made by make_fixtures.py). */
    public static final Path ONNX_FIXTURES = Paths.get("src/test/resources/onnx");

    /** Runs gbp's command line with stdout and stderr discarded; returns its exit code. */
    public static int runQuietly(String... args) {
        PrintStream err = System.err;
        PrintStream out = System.out;
        try {
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            return Main.run(args);
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
    }

    /**
     * Imports the ONNX fixture described by {@code model} (an entry of index.json's "models") into
     * {@code out} with mean 0 and std 1, since its inputs.npy is already normalised; returns gbp import's exit code.
     */
    public static int importFixture(JsonNode model, Path out) {
        int channels = model.get("input").get(0).asInt();
        return runQuietly("import", ONNX_FIXTURES.resolve(model.get("onnx").asText()).toString(), "--out", out.toString(),
                "--mean", String.join(",", Collections.nCopies(channels, "0")),
                "--std", String.join(",", Collections.nCopies(channels, "1")));
    }
}
