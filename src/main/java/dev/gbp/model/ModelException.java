package dev.gbp.model;

/** A model bundle that cannot be read or does not hang together; the message names the layer or array. */
public class ModelException extends dev.gbp.GbpInputException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
