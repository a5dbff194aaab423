package dev.gbp.cli;

/** Bad usage or bad input found after parsing (exit code 2). */
public class UsageException extends dev.gbp.GbpInputException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    /**
     * Fails before any work starts when the output folder exists and {@code --force} was not given
     * ({@link dev.gbp.io.AtomicDirectory} checks again when it writes).
     */
    static void requireNewOrForced(java.nio.file.Path out, boolean force) {
        if (java.nio.file.Files.exists(out) && !force) {
            throw new UsageException(out + " already exists (use --force to replace it)");
        }
    }
}
