package dev.gbp.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An output folder that appears whole or not at all: everything is written into a hidden temporary
 * sibling, which {@link #commit()} renames to the target. Closing without committing (an error, or
 * Ctrl-C through the shutdown hook) deletes the temporary folder, so no half-written output is left.
 */
public final class AtomicDirectory implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final boolean replace;
    private final Thread cleanup;
    private boolean committed;

    private AtomicDirectory(Path target, boolean replace) throws IOException {
        this.target = target.toAbsolutePath().normalize();
        this.replace = replace;
        Path parent = this.target.getParent();
        for (Path p = parent; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new FileSystemException(this.target.toString(), null,
                            "cannot create the output folder (" + p + " is a file, not a folder)");
                }
                break;
            }
        }
        try {
            Files.createDirectories(parent);
            this.temp = Files.createTempDirectory(parent, "." + this.target.getFileName() + ".tmp-");
        } catch (IOException e) {
            // Name the folder the user asked for, not the hidden temporary one.
            throw new FileSystemException(this.target.toString(), null,
                    "cannot create the output folder (" + FileErrors.reason(e) + ")");
        }
        try {
            // createTempDirectory makes it private (rwx------); the output is an ordinary folder.
            Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: keep the default.
        }
        this.cleanup = new Thread(() -> deleteTree(temp));
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * Starts writing {@code target}. An existing target is an error unless {@code replace} is set, and
     * even then it is only replaced at {@link #commit()}.
     *
     * @throws FileAlreadyExistsException when the target exists and {@code replace} is false
     */
    public static AtomicDirectory create(Path target, boolean replace) throws IOException {
        if (Files.exists(target) && !replace) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "already exists (use --force to replace it)");
        }
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "exists and is not a folder");
        }
        return new AtomicDirectory(target, replace);
    }

    /** The folder to write into. */
    public Path path() {
        return temp;
    }

    /** The final location. */
    public Path target() {
        return target;
    }

    /** Moves the finished folder into place, replacing an old one only now. */
    public void commit() throws IOException {
        if (Files.exists(target)) {
            if (!replace) {
                throw new FileAlreadyExistsException(target.toString(), null, "appeared while writing");
            }
            Path old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(old);
            move(target, old);
            move(temp, target);
            deleteTree(old);
        } else {
            move(temp, target);
        }
        committed = true;
        Runtime.getRuntime().removeShutdownHook(cleanup);
    }

    @Override
    public void close() {
        if (!committed) {
            deleteTree(temp);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook runs anyway.
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Deletes a folder and everything in it; missing is fine. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Best effort: a leftover hidden temp folder is harmless.
        }
    }
}
