package dev.gbp.cli;

import dev.gbp.data.CifarReader;
import dev.gbp.data.DataLocator;
import dev.gbp.data.Downloader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gbp data}: where the CIFAR-10 data comes from, and fetching it. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = {"Manage the CIFAR-10 data. Commands look for it in this order: --data PATH,",
            "$GBP_CIFAR10, then the cache ~/.cache/gbp/cifar-10-batches-bin."},
        subcommands = {DataCommand.Fetch.class, DataCommand.Where.class})
final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a data command is required (fetch or where)");
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Download the official CIFAR-10 binary archive (" + "cifar-10-binary.tar.gz, 162 MB),",
                "check its MD5, unpack it and move it into the cache once complete."})
    static final class Fetch implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--force", description = "Download again even if the cache is complete.")
        boolean force;

        @Override
        public Integer call() {
            Path p = new Downloader().fetch(spec.commandLine().getErr(), force);
            spec.commandLine().getOut().println(p);
            return Main.EXIT_OK;
        }
    }

    @Command(name = "where", mixinStandardHelpOptions = true,
            description = "Print the data folder that commands would use, or say that none is found.")
    static final class Where implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", paramLabel = "PATH", description = "As for the other commands.")
        Path data;

        @Override
        public Integer call() {
            Path p = DataLocator.locate(data);
            if (p == null) {
                spec.commandLine().getErr().println("gbp data: no CIFAR-10 data found; run 'gbp data fetch' or pass --data. Cache: "
                        + DataLocator.cacheDir());
                return Main.EXIT_FAILURE;
            }
            spec.commandLine().getOut().println(p + (CifarReader.isComplete(p) ? "" : " (not a complete folder)"));
            return Main.EXIT_OK;
        }
    }
}
