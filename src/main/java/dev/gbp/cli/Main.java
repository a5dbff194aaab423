package dev.gbp.cli;

import dev.gbp.data.DataException;
import dev.gbp.io.FileErrors;
import dev.gbp.model.ModelException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gbp} command line. Exit codes: 0 success, 1 failure during the work, 2 bad usage or input. */
@Command(name = "gbp",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Shows what a convolutional network responds to: guided backpropagation and the gradient "
            + "methods it is compared with, on CIFAR-10 and on your own sequential CNNs.", ""},
        subcommands = {ExplainCommand.class, DemoCommand.class, ExploreCommand.class, ReportCommand.class, SanityCommand.class,
            FaithfulnessCommand.class, TrainCommand.class, EvalCommand.class, BenchCommand.class,
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
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // The descriptions are laid out in lines of up to about 105 characters.
        cli.setUsageHelpWidth(120);
        cli.setExecutionExceptionHandler(Main::handle);
        cli.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("gbp: " + ex.getMessage());
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return EXIT_USAGE;
        });
        return cli;
    }

    private static int handle(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (ex instanceof UsageException || ex instanceof DataException || ex instanceof ModelException
                || ex instanceof IllegalArgumentException || ex instanceof FileAlreadyExistsException) {
            err.println("gbp " + cmd.getCommandName() + ": " + message(ex));
            return EXIT_USAGE;
        }
        err.println("gbp " + cmd.getCommandName() + ": failed: " + message(ex));
        if (System.getenv("GBP_DEBUG") != null) {
            ex.printStackTrace(err);
        } else {
            err.println("(set GBP_DEBUG=1 for the stack trace)");
        }
        return EXIT_FAILURE;
    }

    private static String message(Throwable ex) {
        if (ex instanceof FileSystemException) {
            return FileErrors.message((FileSystemException) ex);
        }
        String m = ex.getMessage();
        return m == null ? ex.getClass().getSimpleName() : m;
    }
}
