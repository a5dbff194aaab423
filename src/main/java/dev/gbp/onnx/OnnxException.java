package dev.gbp.onnx;

/**
 * An ONNX file that gbp cannot import: malformed, truncated, an unsupported operator or layout, external
 * data. The message names the file and the node, operator or tensor at fault. It is a
 * {@link dev.gbp.model.ModelException}, which the command line reports as bad input (exit code 2).
 */
public final class OnnxException extends dev.gbp.model.ModelException {
    private static final long serialVersionUID = 1L;

    /**
     * An import error.
     *
     * @param message what is wrong, naming the file and the node, operator or tensor
     */
    public OnnxException(String message) {
        super(message);
    }

    /**
     * An import error with the failure behind it.
     *
     * @param message what is wrong, naming the file and the node, operator or tensor
     * @param cause the low-level failure
     */
    public OnnxException(String message, Throwable cause) {
        super(message, cause);
    }
}
