package dev.gbp.cli;

import dev.gbp.GbpInputException;
import dev.gbp.data.FetchException;
import dev.gbp.io.FileErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.FileSystemException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gbp} command line. Exit codes: 0 success, 1 failure during the work, 2 bad usage or input. */
@Command(name = "gbp",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Shows what a convolutional network responds to: guided backpropagation and the gradient "
            + "methods it is compared with, on CIFAR-10 and on your own CNNs (any ONNX export).", ""},
        subcommands = {ExplainCommand.class, AtlasCommand.class, DemoCommand.class, ExploreCommand.class, ReportCommand.class, SanityCommand.class,
            FaithfulnessCommand.class, TrainCommand.class, EvalCommand.class, PredictCommand.class, BenchCommand.class, ImportCommand.class,
            DataCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 failure during the work, 2 bad usage or bad input.",
            "Run 'gbp <command> --help' for a command's options."})
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        Logs.init();
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // The descriptions are laid out in lines of up to about 105 characters.
        cli.setUsageHelpWidth(120);
        cli.setExecutionExceptionHandler(Main::handle);
        // Every numeric option is checked against its @Range here, before any command runs (help needs no check).
        cli.setExecutionStrategy(parsed -> {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) {
                return help;
            }
            Ranges.check(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println(prefix(cmd.getCommandSpec()) + clip(sanitize(ex.getMessage(), args)));
            String near = ex instanceof CommandLine.UnmatchedArgumentException u ? nearest(u) : null;
            if (near != null) {
                err.println("Did you mean '" + near + "'?");
            }
            err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
            return EXIT_USAGE;
        });
        return cli;
    }

    /**
     * For a mistyped command or option, the one name (of the command's subcommands, or options for an
     * argument starting with '-') within two edits (a swap of neighbours counts as one) of the first
     * unmatched argument, or null when there is none or more than one.
     */
    static String nearest(CommandLine.UnmatchedArgumentException ex) {
        if (ex.getUnmatched().isEmpty()) {
            return null;
        }
        String arg = ex.getUnmatched().get(0);
        CommandLine.Model.CommandSpec command = ex.getCommandLine().getCommandSpec();
        java.util.Collection<String> names;
        if (arg.startsWith("-")) {
            int eq = arg.indexOf('=');
            arg = eq > 0 ? arg.substring(0, eq) : arg;
            names = command.optionsMap().keySet();
        } else {
            names = command.subcommands().keySet();
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        boolean tie = false;
        for (String name : names) {
            int d = editDistance(arg, name);
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
                tie = false;
            } else if (d == bestDistance) {
                tie = true;
            }
        }
        return best != null && !tie && bestDistance <= Math.min(2, arg.length() / 3) ? best : null;
    }

    /** Edits (insert, delete, replace, swap two neighbours) that turn {@code a} into {@code b}. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** The one prefix of gbp's messages: {@code "gbp <command> [<subcommand>]: "}. */
    static String prefix(CommandLine.Model.CommandSpec command) {
        return command.qualifiedName() + ": ";
    }

    /** A writer on the command's stderr that starts every line with {@link #prefix}. */
    static PrintWriter messages(CommandLine.Model.CommandSpec command) {
        return new PrintWriter(new LinePrefixer(command.commandLine().getErr(), prefix(command)), true);
    }

    /**
     * Exit codes by exception type: {@link GbpInputException} (bad input, whatever reads it) and file-system errors on
     * the user's paths exit 2 with their message; other I/O errors exit 1 with theirs; anything else is a bug in gbp
     * and exits 1 asking for a report, with the stack trace under {@code GBP_DEBUG}.
     */
    private static int handle(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        boolean debug = System.getenv("GBP_DEBUG") != null;
        String[] args = parsed.originalArgs().toArray(new String[0]);
        String m = message(ex, cmd.getCommandSpec());
        int code = EXIT_FAILURE;
        if (ex instanceof GbpInputException || ex instanceof FileSystemException
                || ex instanceof java.io.UncheckedIOException u && u.getCause() instanceof FileSystemException) {
            code = EXIT_USAGE;
        } else if (ex instanceof IOException || ex instanceof java.io.UncheckedIOException || ex instanceof FetchException) {
            m = "failed: " + m;
        } else {
            m = "internal error (a bug in gbp; please report it with the command that caused it): "
                    + ex.getClass().getName() + ": " + m;
        }
        err.println(prefix(cmd.getCommandSpec()) + clip(sanitize(m, args)));
        if (debug) {
            ex.printStackTrace(err);
        } else if (code == EXIT_FAILURE) {
            err.println("(set GBP_DEBUG=1 for the stack trace)");
        }
        return code;
    }

    /** Longest message printed; longer ones are cut (their own quotes of user input are cut already). */
    static final int MAX_MESSAGE = 2000;

    private static String clip(String m) {
        return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE) + " ... (" + (m.length() - MAX_MESSAGE)
                + " more characters)";
    }

    /** A run of more than {@link GbpInputException#MAX_QUOTED} characters without a space or a quote mark. */
    private static final Pattern LONG_RUN = Pattern.compile("[^\\s'\"]{" + (GbpInputException.MAX_QUOTED + 1) + ",}");

    /**
     * The message made safe to print, whatever part of gbp (or picocli) wrote it: a long run of characters that comes
     * from a command-line argument is cut to {@link GbpInputException#MAX_QUOTED} characters, and control characters
     * other than new lines and tabs are escaped, so that a hostile argument cannot flood or garble the terminal.
     */
    static String sanitize(String message, String[] args) {
        Matcher m = LONG_RUN.matcher(message);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String run = m.group();
            String head = run.substring(0, GbpInputException.MAX_QUOTED);
            boolean echoed = false;
            for (String a : args) {
                echoed |= a.contains(head);
            }
            m.appendReplacement(b, Matcher.quoteReplacement(echoed
                    ? head + " ... (" + (run.length() - head.length()) + " more characters)" : run));
        }
        m.appendTail(b);
        StringBuilder out = new StringBuilder(b.length());
        for (int i = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\t' || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * The message to print. A {@link GbpInputException} about one library parameter names the command's option for
     * it, found by the name of the annotated field or method that holds it ({@code batchSize} is {@code --batch-size}).
     */
    static String message(Throwable ex, CommandLine.Model.CommandSpec command) {
        if (ex instanceof FileSystemException fs) {
            return FileErrors.message(fs);
        }
        if (ex instanceof GbpInputException in && in.parameter() != null) {
            String flag = optionFor(command, in.parameter());
            if (flag != null) {
                return flag + " " + in.problem();
            }
        }
        if (ex instanceof java.io.UncheckedIOException u && u.getCause() instanceof FileSystemException fs) {
            return FileErrors.message(fs);
        }
        String m = ex.getMessage();
        return m == null ? ex.getClass().getSimpleName() : m;
    }

    /** The longest name of the option whose field or method is called {@code parameter}, or null. */
    static String optionFor(CommandLine.Model.CommandSpec command, String parameter) {
        for (CommandLine.Model.OptionSpec o : command.options()) {
            Object holder = o.userObject();
            String name = holder instanceof java.lang.reflect.Field f ? f.getName()
                    : holder instanceof java.lang.reflect.Method m ? m.getName() : null;
            if (parameter.equals(name)) {
                return o.longestName();
            }
        }
        return null;
    }

    /** Writes a prefix at the start of every line; flushing flushes the target, closing leaves it open. */
    private static final class LinePrefixer extends Writer {
        private final Writer out;
        private final String prefix;
        private boolean lineStart = true;

        LinePrefixer(Writer out, String prefix) {
            this.out = out;
            this.prefix = prefix;
        }

        @Override
        public void write(char[] buf, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                if (lineStart) {
                    out.write(prefix);
                    lineStart = false;
                }
                out.write(buf[i]);
                lineStart = buf[i] == '\n';
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
