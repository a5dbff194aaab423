package dev.gbp;

/**
 * Input that gbp cannot use: a malformed or hostile file, a model that does not hang together, a bad target or
 * parameter. The message says what is wrong and names the file, node, record or parameter at fault.
 *
 * <p>This is the one exception type that means "the input is bad, not gbp": the command line reports it with exit
 * code 2 and the explorer with HTTP 400. Anything else that escapes gbp is a bug (exit code 1, HTTP 500).
 * Subclasses say where the input came from ({@code ModelException}, {@code DataException}, {@code OnnxException}).
 *
 * <p>Errors in a single parameter of a library call carry its {@linkplain #parameter() name}, as spelled in the Java
 * API (for example {@code batchSize}), so that a front end can name its own spelling of it (the command line names
 * its flag, {@code --batch-size}).
 */
public class GbpInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Longest piece of user input that a message quotes; see {@link #quote(String)}. */
    public static final int MAX_QUOTED = 120;

    /** The library parameter at fault, or {@code null}; see {@link #parameter()}. */
    private final String parameter;
    /** What is wrong with it, or the whole message; see {@link #problem()}. */
    private final String problem;

    /**
     * @param message what is wrong, naming the file, node, record or parameter at fault
     */
    public GbpInputException(String message) {
        this(message, (Throwable) null);
    }

    /**
     * @param message what is wrong, naming the file, node, record or parameter at fault
     * @param cause the low-level failure behind it, or {@code null}
     */
    public GbpInputException(String message, Throwable cause) {
        super(message, cause);
        this.parameter = null;
        this.problem = message;
    }

    /**
     * An error in one parameter of a library call. The message is {@code parameter + " " + problem}.
     *
     * @param parameter the parameter's name in the Java API, e.g. {@code batchSize}
     * @param problem what is wrong with its value, e.g. {@code must be at least 1 (got 0)}
     * @param ignored distinguishes this constructor; pass {@code null}
     */
    protected GbpInputException(String parameter, String problem, Void ignored) {
        super(parameter + " " + problem);
        this.parameter = parameter;
        this.problem = problem;
    }

    /**
     * An error in one parameter of a library call, e.g. {@code parameter("batchSize", "must be at least 1 (got 0)")}.
     *
     * @param parameter the parameter's name in the Java API
     * @param problem what is wrong with its value, starting with a verb
     * @return the exception, to be thrown
     */
    public static GbpInputException parameter(String parameter, String problem) {
        return new GbpInputException(parameter, problem, null);
    }

    /**
     * The name of the library parameter at fault, or {@code null} when the error is not about one parameter.
     *
     * @return the parameter's Java name, or {@code null}
     */
    public String parameter() {
        return parameter;
    }

    /**
     * What is wrong with the {@linkplain #parameter() parameter}, without its name; the whole message when the error
     * is not about one parameter.
     *
     * @return the problem, e.g. {@code must be at least 1 (got 0)}
     */
    public String problem() {
        return problem;
    }

    /**
     * User input to quote in a message, in single quotes and cut to {@link #MAX_QUOTED} characters, with control
     * characters escaped, so that a hostile value cannot flood or garble a terminal or a log.
     *
     * @param input the text to quote; {@code null} gives {@code null}
     * @return the quoted text
     */
    public static String quote(String input) {
        if (input == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(input.length(), MAX_QUOTED) + 24).append('\'');
        int n = Math.min(input.length(), MAX_QUOTED);
        for (int i = 0; i < n; i++) {
            char c = input.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('\'');
        if (input.length() > n) {
            b.append(" (").append(input.length() - n).append(" more characters)");
        }
        return b.toString();
    }
}
