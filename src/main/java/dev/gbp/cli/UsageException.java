package dev.gbp.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Bad usage or bad input found after parsing (exit code 2). */
public class UsageException extends dev.gbp.GbpInputException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    /**
     * Fails before any work starts when the output folder exists and {@code --force} was not given, or cannot be
     * created ({@link dev.gbp.io.AtomicDirectory} checks again when it writes).
     */
    static void requireNewOrForced(Path out, boolean force) {
        if (Files.exists(out) && !force) {
            throw new UsageException(out + " already exists (use --force to replace it)");
        }
        requireCreatable(out);
    }

    /** Fails before any work starts when the output folder, or a folder above it, is a file. */
    static void requireCreatable(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UsageException(out + " exists and is not a folder");
        }
        for (Path p = out.toAbsolutePath().normalize().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new UsageException(out + ": cannot create the output folder (" + p + " is a file, not a folder)");
                }
                return;
            }
        }
    }
}
