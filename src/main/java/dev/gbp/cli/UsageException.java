package dev.gbp.cli;

/** Bad usage or bad input found after parsing (exit code 2). */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
