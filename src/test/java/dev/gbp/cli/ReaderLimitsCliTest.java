package dev.gbp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gbp.HostileFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers' refusals at the command line: exit 2, the option named for a library parameter. */
class ReaderLimitsCliTest {
    @TempDir
    Path tmp;

    @Test
    void aPictureAboveMaxPixelsNamesTheOptionAndTheFile() throws Exception {
        Path big = Files.write(tmp.resolve("big.png"), HostileFiles.png(400, 300, 8, 0, new byte[] {0x78, 0x01}));
        CliTest.Result r = CliTest.run("predict", "--images", big.toString(), "--max-pixels", "100000", "--threads", "1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("gbp predict: --max-pixels is 100000, but " + big + " has 400 x 300 = 120000 pixels"),
                r.err());
    }

    @Test
    void aBundleWithAFlippedWeightExitsTwoNamingTheEntry() throws Exception {
        // Before: the shipped model ran with the corrupted weight and exited 0.
        Path bundle = Files.createDirectory(tmp.resolve("seed"));
        Files.copy(Path.of("models/cifar10-seed/model.json"), bundle.resolve("model.json"));
        byte[] w = Files.readAllBytes(Path.of("models/cifar10-seed/weights.npz"));
        w[w.length / 2] ^= 0x10;
        Files.write(bundle.resolve("weights.npz"), w);
        Path pic = Files.write(tmp.resolve("pic.png"), HostileFiles.png(32, 32, 8, 0, HostileFiles.zlibRows(32, y -> new byte[32])));
        CliTest.Result r = CliTest.run("predict", "--model", bundle.toString(), "--images", pic.toString(), "--threads", "1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(bundle.resolve("weights.npz") + ": entry '") && r.err().contains("CRC-32 check failed"),
                r.err());
    }

    @Test
    void aHugeBadTargetIsQuotedNotEchoed() throws Exception {
        Path pic = Files.write(tmp.resolve("pic.png"), HostileFiles.png(32, 32, 8, 0, HostileFiles.zlibRows(32, y -> new byte[32])));
        CliTest.Result r = CliTest.run("explain", "--images", pic.toString(), "--target", "class:" + "9".repeat(100_000),
                "--threads", "1", "--out", tmp.resolve("out").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("gbp explain: --target 'class:999"), r.err());
        assertTrue(r.err().length() < 1000, "stderr of " + r.err().length() + " characters");
    }
}
