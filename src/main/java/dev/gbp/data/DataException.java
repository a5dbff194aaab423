package dev.gbp.data;

/** Bad or missing input data: the message names the file or record at fault. */
public class DataException extends dev.gbp.GbpInputException {
    private static final long serialVersionUID = 1L;

    /**
     * A data error.
     *
     * @param message what is wrong, naming the file or record
     */
    public DataException(String message) {
        super(message);
    }

    /**
     * A data error with the failure behind it.
     *
     * @param message what is wrong, naming the file or record
     * @param cause the low-level failure
     */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
