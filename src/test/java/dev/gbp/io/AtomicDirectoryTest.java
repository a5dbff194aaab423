package dev.gbp.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gbp.TestFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs that appear whole, and the hidden folders that killed runs leave beside them. */
class AtomicDirectoryTest {
    @TempDir
    Path tmp;

    static long startOf(ProcessHandle p) {
        return p.info().startInstant().orElseThrow().toEpochMilli();
    }

    static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static void write(Path target, boolean replace, String text) throws IOException {
        try (AtomicDirectory dir = AtomicDirectory.create(target, replace)) {
            Files.writeString(dir.path().resolve("a.txt"), text);
            dir.commit();
        }
    }

    @Test
    void theTemporaryFolderIsNamedForThisProcessAndAnOutputAppearsWhole() throws Exception {
        Path target = tmp.resolve("out");
        ProcessHandle self = ProcessHandle.current();
        try (AtomicDirectory dir = AtomicDirectory.create(target, false)) {
            String name = dir.path().getFileName().toString();
            assertTrue(name.matches("\\.out\\.tmp-" + self.pid() + "-" + startOf(self) + "-[0-9a-f]{8}"), name);
            assertEquals(tmp, dir.path().getParent());
            Files.writeString(dir.path().resolve("a.txt"), "one");
            assertFalse(Files.exists(target), "nothing at the target before the commit");
            dir.commit();
        }
        assertEquals(Set.of("out"), names(tmp));
        write(target, true, "two");
        assertEquals("two", Files.readString(target.resolve("a.txt")));
        assertEquals(Set.of("out"), names(tmp), "the old output and the temporary folder are gone");
        try (AtomicDirectory dir = AtomicDirectory.create(tmp.resolve("never"), false)) {
            Files.writeString(dir.path().resolve("a.txt"), "x");
        }
        assertEquals(Set.of("out"), names(tmp), "closed without a commit: nothing left");
    }

    @Test
    void foldersOfDeadWritersAreRemovedByTheNextWriteBesideThemAndNothingElse() throws Exception {
        long dead = TestFiles.deadPid();
        long deadStart = Instant.now().toEpochMilli() - 60_000;
        ProcessHandle self = ProcessHandle.current();
        Process sleeping = new ProcessBuilder("sleep", "60").start();
        try {
            Path target = tmp.resolve("out");
            Files.createDirectories(target);
            Path deadTmp = TestFiles.leftover(tmp, "out", "tmp", dead, deadStart);
            Path deadOld = TestFiles.leftover(tmp, "out", "old", dead, deadStart);
            Path deadUnknownStart = TestFiles.leftover(tmp, "out", "tmp", dead, 0);
            // A live process's folders are never touched: this test's and another running process's.
            TestFiles.leftover(tmp, "out", "tmp", self.pid(), startOf(self));
            TestFiles.leftover(tmp, "out", "tmp", sleeping.pid(), startOf(sleeping.toHandle()));
            TestFiles.leftover(tmp, "out", "tmp", self.pid(), 0);
            // Other outputs' folders, other names and files that only look alike are kept too.
            TestFiles.leftover(tmp, "other", "tmp", dead, deadStart);
            TestFiles.leftover(tmp, "out2", "tmp", dead, deadStart);
            TestFiles.leftover(tmp, "ou", "tmp", dead, deadStart);
            TestFiles.leftover(tmp, "out.x", "tmp", dead, deadStart);
            for (String lookalike : List.of(".out.tmp-" + dead + "-" + deadStart + "-0123abcd.x",
                    ".out.tmp-" + dead + "-0123abcd", ".out.tmp-" + dead + "-" + deadStart + "-0123ABCD",
                    ".out.tmp-0-" + deadStart + "-0123abcd", ".out.new-" + dead + "-" + deadStart + "-0123abcd",
                    "out.tmp-" + dead + "-" + deadStart + "-0123abcd", ".out.tmp-x" + dead + "-" + deadStart + "-0123abcd",
                    ".hidden", ".out.tmp-")) {
                Files.createDirectories(tmp.resolve(lookalike));
            }
            Files.writeString(tmp.resolve(".out.tmp-" + dead + "-" + deadStart + "-4567cdef"), "a file, not a folder");
            Set<String> before = names(tmp);

            write(target, true, "new");

            Set<String> removed = new TreeSet<>(before);
            removed.removeAll(names(tmp));
            assertEquals(new TreeSet<>(List.of(deadTmp.getFileName().toString(), deadOld.getFileName().toString(),
                    deadUnknownStart.getFileName().toString())), removed);
            assertEquals("new", Files.readString(target.resolve("a.txt")));
            assertEquals(before.size() - 3, names(tmp).size(), "no new leftover either");
        } finally {
            sleeping.destroyForcibly().waitFor();
        }
    }

    @Test
    void aLiveProcessThatStartedAtAnotherTimeReusedADeadWritersId() throws Exception {
        ProcessHandle self = ProcessHandle.current();
        long start = startOf(self);
        Path reused = TestFiles.leftover(tmp, "out", "tmp", self.pid(), start - 3_600_000);
        Path mine = TestFiles.leftover(tmp, "out", "tmp", self.pid(), start);
        Path nearlyMine = TestFiles.leftover(tmp, "out", "old", self.pid(), start - TempSiblings.SAME_START / 2);
        Files.createDirectories(tmp.resolve("out"));
        assertEquals(List.of(reused), TempSiblings.removeStale(tmp, "out"));
        assertTrue(Files.isDirectory(mine) && Files.isDirectory(nearlyMine));
    }

    @Test
    void anOldOutputMovedAsideByAKilledRunIsKeptWhileTheTargetIsMissing() throws Exception {
        // Killed between its two renames, a run leaves the previous output only in its .old- folder.
        long dead = TestFiles.deadPid();
        Path old = TestFiles.leftover(tmp, "out", "old", dead, 1);
        Path deadTmp = TestFiles.leftover(tmp, "out", "tmp", dead, 1);
        try (AtomicDirectory dir = AtomicDirectory.create(tmp.resolve("out"), false)) {
            assertTrue(Files.isDirectory(old), "kept: the target is missing");
            assertFalse(Files.exists(deadTmp), "a temporary folder is never a finished output");
            Files.writeString(dir.path().resolve("a.txt"), "new");
            dir.commit();
        }
        assertFalse(Files.exists(old), "removed once the target is there again");
        assertEquals(Set.of("out"), names(tmp));
    }

    @Test
    void deletingALeftoverNeverFollowsASymbolicLink() throws Exception {
        long dead = TestFiles.deadPid();
        Path outside = Files.createDirectories(tmp.resolve("keep"));
        Files.writeString(outside.resolve("precious.txt"), "mine");
        Path parent = Files.createDirectories(tmp.resolve("work"));
        Path stale = TestFiles.leftover(parent, "out", "tmp", dead, 1);
        Files.createSymbolicLink(stale.resolve("link-to-folder"), outside);
        Files.createSymbolicLink(stale.resolve("sub/link-to-file"), outside.resolve("precious.txt"));
        // A link that has the exact form of a leftover is not a folder: kept, and what it points to too.
        Path linkLeftover = parent.resolve(".out.tmp-" + dead + "-1-89abcdef");
        Files.createSymbolicLink(linkLeftover, outside);

        write(parent.resolve("out"), false, "x");

        assertFalse(Files.exists(stale, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isSymbolicLink(linkLeftover));
        assertEquals("mine", Files.readString(outside.resolve("precious.txt")));
        assertEquals(Set.of("precious.txt"), names(outside));
    }

    /**
     * A process killed outright ({@code kill -9}) while it writes leaves its temporary folder; the next write of the
     * same output removes it. The writer is a child JVM running {@link Writer}.
     */
    @Test
    void aWriterKilledOutrightLeavesAFolderThatTheNextWriteRemoves() throws Exception {
        Path target = tmp.resolve("out");
        String classPath = Path.of(AtomicDirectory.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + java.io.File.pathSeparator
                + Path.of(Writer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classPath, Writer.class.getName(), target.toString())
                .redirectErrorStream(true).start();
        String line;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            line = out.readLine();
            assertTrue(line != null && line.startsWith("writing "), "the writer says: " + line);
            assertTrue(child.isAlive());
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        Path left = Path.of(line.substring("writing ".length()));
        assertTrue(Files.isRegularFile(left.resolve("half.bin")), "kill -9 leaves the folder: " + names(tmp));
        assertTrue(left.getFileName().toString().startsWith(".out.tmp-" + child.pid() + "-"), left.toString());
        assertFalse(Files.exists(target));

        write(target, false, "whole");
        assertEquals(Set.of("out"), names(tmp));
        assertEquals("whole", Files.readString(target.resolve("a.txt")));
    }

    /** Starts writing the output named by its argument, says where, and waits to be killed. */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            AtomicDirectory dir = AtomicDirectory.create(Path.of(args[0]), false);
            Files.write(dir.path().resolve("half.bin"), new byte[4096]);
            System.out.println("writing " + dir.path());
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
