package dev.gbp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gbp.TestFiles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gbp train} killed outright ({@code kill -9}) in the middle of training, in a child JVM. */
class KilledTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void aRunKilledWhileTrainingLeavesNoTemporaryFolder() throws Exception {
        Path data = TestFiles.writeCifarFolder(tmp.resolve("cifar"), 20);
        Path arch = tmp.resolve("arch.json");
        CliTest.tinySpec().write(arch);
        Path outputs = Files.createDirectories(tmp.resolve("outputs"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--data", data.toString(), "--arch", arch.toString(), "--out", outputs.resolve("trained").toString(),
                "--epochs", "10000", "--batch-size", "16", "--threads", "1")
                .redirectErrorStream(true).start();
        StringBuilder said = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            // Training is under way once the first epoch is reported.
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("epoch 1/")) {
                said.append(line).append('\n');
            }
            assertTrue(line != null && child.isAlive(), "the run should be training: " + said);
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        Set<String> left;
        try (Stream<Path> s = Files.list(outputs)) {
            left = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(Set.of(), left, "the bundle's temporary folder is made only when the bundle is written");
    }
}
