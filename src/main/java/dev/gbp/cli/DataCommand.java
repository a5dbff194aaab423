package dev.gbp.cli;

import dev.gbp.data.CifarReader;
import dev.gbp.data.DataLocator;
import dev.gbp.data.Downloader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gbp data}: where the CIFAR-10 data comes from, and fetching it. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = {"Download the CIFAR-10 data or show which data folder the commands use.",
            "",
            "Commands look for the data in this order: --data PATH, $GBP_CIFAR10, then the cache",
            "~/.cache/gbp/cifar-10-batches-bin.", ""},
        subcommands = {DataCommand.Fetch.class, DataCommand.Where.class})
final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a data command is required (fetch or where)");
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Download the official CIFAR-10 binary archive into the cache.",
                "",
                "Downloads cifar-10-binary.tar.gz (162 MB), checks its MD5, unpacks it and moves it into the cache",
                "once complete.", ""})
    static final class Fetch implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--force", description = "Download again even if the cache is complete.")
        boolean force;

        @Override
        public Integer call() {
            Path p = new Downloader().fetch(Main.messages(spec), force);
            spec.commandLine().getOut().println(p);
            return Main.EXIT_OK;
        }
    }

    @Command(name = "where", mixinStandardHelpOptions = true,
            description = {"Print the data folder that commands would use, or say that none is found.",
                "",
                "Exit code 0 when a complete folder (or one .bin file) is found, 1 when none is, 2 when the",
                "folder named by --data or $GBP_CIFAR10 lacks some of the files.", ""})
    static final class Where implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", paramLabel = "PATH", description = "As for the other commands.")
        Path data;

        @Override
        public Integer call() {
            Path p = DataLocator.locate(data);
            if (p == null) {
                Main.messages(spec).println("no CIFAR-10 data found; run 'gbp data fetch' or pass --data. Cache: "
                        + DataLocator.cacheDir());
                return Main.EXIT_FAILURE;
            }
            if (Files.isDirectory(p)) {
                List<String> missing = CifarReader.missingFiles(p);
                if (!missing.isEmpty()) {
                    throw new UsageException(p + " is not a complete CIFAR-10 folder: it lacks " + String.join(", ", missing));
                }
                spec.commandLine().getOut().println(p);
            } else {
                spec.commandLine().getOut().println(p + " (one file: commands use it whole; train needs the folder)");
            }
            return Main.EXIT_OK;
        }
    }
}
