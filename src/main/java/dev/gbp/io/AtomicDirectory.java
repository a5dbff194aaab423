package dev.gbp.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An output folder that appears whole or not at all: everything is written into a hidden temporary
 * sibling, which {@link #commit()} renames to the target. Closing without committing (an error, or
 * Ctrl-C through the shutdown hook) deletes the temporary folder, so no half-written output is left.
 *
 * <p>The hidden folders are named for the writing process ({@link TempSiblings}). A process killed outright
 * ({@code kill -9}, a power cut) cannot delete its own; the next {@code AtomicDirectory} for the same target removes
 * those whose process is gone, before it writes and again once it has committed.
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
            TempSiblings.removeStale(parent, name());
            this.temp = TempSiblings.create(parent, name(), TempSiblings.Kind.TMP);
        } catch (IOException e) {
            // Name the folder the user asked for, not the hidden temporary one.
            throw new FileSystemException(this.target.toString(), null,
                    "cannot create the output folder (" + FileErrors.reason(e) + ")");
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
            // Into a folder of this process's own, so that it is named for its writer like the new one.
            Path old = TempSiblings.create(target.getParent(), name(), TempSiblings.Kind.OLD);
            move(target, old.resolve(name()));
            move(temp, target);
            deleteTree(old);
        } else {
            move(temp, target);
        }
        committed = true;
        Runtime.getRuntime().removeShutdownHook(cleanup);
        // An old output that a killed run moved aside is removed only now that the target exists again.
        TempSiblings.removeStale(target.getParent(), name());
    }

    private String name() {
        return target.getFileName().toString();
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

    /**
     * Deletes a folder and everything in it, without following symbolic links; missing is fine. Best effort: what
     * cannot be deleted stays (a leftover hidden folder only costs space, and the next run removes it).
     */
    public static void deleteTree(Path dir) {
        try {
            TempSiblings.deleteTree(dir);
        } catch (IOException e) {
            // best effort, as documented
        }
    }
}
