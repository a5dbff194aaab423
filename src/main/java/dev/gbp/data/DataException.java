package dev.gbp.data;

/** Bad or missing input data: the message names the file or record at fault. */
public class DataException extends dev.gbp.GbpInputException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
