package dev.gbp.data;

/** A download that failed (network, server, checksum): a failure during the work, not bad input. */
public class FetchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failed download.
     *
     * @param message what failed, naming the address or file
     * @param cause the low-level failure, or {@code null}
     */
    public FetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
