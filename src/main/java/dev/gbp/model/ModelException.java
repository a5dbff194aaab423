package dev.gbp.model;

/** A model bundle that cannot be read or does not hang together; the message names the layer or array. */
public class ModelException extends dev.gbp.GbpInputException {
    private static final long serialVersionUID = 1L;

    /**
     * A model error.
     *
     * @param message what is wrong, naming the file, node or array
     */
    public ModelException(String message) {
        super(message);
    }

    /**
     * A model error with the failure behind it.
     *
     * @param message what is wrong, naming the file, node or array
     * @param cause the low-level failure
     */
    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
