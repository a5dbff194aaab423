package dev.gbp.onnx;

/**
 * An ONNX file that gbp cannot import: malformed, truncated, an unsupported operator or layout, external
 * data. The message names the file and the node, operator or tensor at fault. It is a
 * {@link dev.gbp.model.ModelException}, which the command line reports as bad input (exit code 2).
 */
public final class OnnxException extends dev.gbp.model.ModelException {
    private static final long serialVersionUID = 1L;

    public OnnxException(String message) {
        super(message);
    }

    public OnnxException(String message, Throwable cause) {
        super(message, cause);
    }
}
