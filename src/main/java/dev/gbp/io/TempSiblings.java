package dev.gbp.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hidden folders beside an output that hold it while it is written ({@link Kind#TMP}) or while an old copy is being
 * deleted ({@link Kind#OLD}), and the removal of those that a killed process left behind.
 *
 * <p>A folder for the output {@code name} is {@code .<name>.tmp-<pid>-<start>-<8 hex digits>} (or {@code .old-}):
 * {@code pid} is the writing process's id and {@code start} the time it started, in milliseconds since 1970 (0 when
 * the system does not tell). {@link #removeStale} removes, in one parent folder and for one output name only, the
 * folders of this exact form whose writer is gone: no process with that id is alive, or the live one started at
 * another time than the writer (more than {@link #SAME_START} apart), so the id was reused. A folder of a live writer
 * is never touched, and neither is anything else: other names, other outputs' folders, files, symbolic links.
 * Deleting never follows a symbolic link.
 *
 * <p>The start time is in the name rather than read from the folder's modification time, because a rename keeps the
 * moved folder's old time and a file server stamps times with its own clock.
 *
 * <p>Only the same output name is cleaned, never every leftover in the parent: a process id names a process on this
 * machine only, and a folder shared between machines (or containers) may hold another machine's live writer of a
 * different output. Two machines writing the same output into one shared folder at once clash anyway.
 */
public final class TempSiblings {
    /** What a hidden folder holds. */
    public enum Kind {
        /** The output being written; a leftover is never a finished output. */
        TMP("tmp"),
        /**
         * An old output moved aside to be deleted once its replacement is in place. A leftover is removed only while
         * the output itself exists: a process killed between the two renames leaves the old output only here.
         */
        OLD("old");

        final String tag;

        Kind(String tag) {
            this.tag = tag;
        }
    }

    /**
     * How far apart two readings of one process's start time may be. The JDK derives it from the boot time, which
     * the system reports to the second and may adjust; a reused id inside it would only keep a leftover.
     */
    static final long SAME_START = 2_000;

    private static final Pattern SUFFIX = Pattern.compile("(tmp|old)-([1-9][0-9]{0,18})-([0-9]{1,19})-[0-9a-f]{8}");

    private TempSiblings() {}

    /**
     * Creates a new empty hidden folder for output {@code name} in {@code parent}, named for this process.
     *
     * @param parent the folder the output is written into; it must exist
     * @param name the output's file name
     * @param kind what the folder holds
     * @return the folder created
     * @throws IOException when it cannot be created
     */
    public static Path create(Path parent, String name, Kind kind) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        String prefix = "." + name + "." + kind.tag + "-" + self.pid() + "-" + startMillis(self) + "-";
        while (true) {
            Path p = parent.resolve(prefix + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
            try {
                return Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                // 1 in 2^32 (or this process's own folder): draw again
            }
        }
    }

    /**
     * Removes the hidden folders for output {@code name} in {@code parent} that a process no longer alive left
     * behind (see the class comment for what is removed and what never is). Best effort: what cannot be listed or
     * deleted stays.
     *
     * @param parent the folder the output is written into
     * @param name the output's file name
     * @return the folders removed
     */
    public static List<Path> removeStale(Path parent, String name) {
        List<Path> removed = new ArrayList<>();
        String start = "." + name + ".";
        boolean outputExists = Files.exists(parent.resolve(name), LinkOption.NOFOLLOW_LINKS);
        try (DirectoryStream<Path> list = Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(start))) {
            for (Path p : list) {
                Matcher m = SUFFIX.matcher(p.getFileName().toString().substring(start.length()));
                if (!m.matches() || m.group(1).equals(Kind.OLD.tag) && !outputExists) {
                    continue;
                }
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        && !writerMayBeAlive(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)))) {
                    deleteTree(p);
                    removed.add(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a leftover only costs space, and the output is written regardless.
        }
        return removed;
    }

    /**
     * Whether the writer {@code pid} that started at {@code start} (0: unknown) may still be running: a process with
     * that id is alive, and its start time is unknown or within {@link #SAME_START} of {@code start}.
     */
    static boolean writerMayBeAlive(long pid, long start) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        long now = startMillis(p.get());
        return start == 0 || now == 0 || Math.abs(now - start) <= SAME_START;
    }

    /** When {@code p} started, in milliseconds since 1970; 0 when the system does not tell. */
    static long startMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli).filter(t -> t > 0).orElse(0L);
    }

    /**
     * Deletes a folder and everything in it without following symbolic links (a link is deleted, not what it points
     * to); a missing folder is fine.
     *
     * @throws IOException when something cannot be deleted
     */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
