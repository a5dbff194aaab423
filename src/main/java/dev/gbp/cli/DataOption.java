package dev.gbp.cli;

import dev.gbp.data.DataLocator;
import dev.gbp.data.Downloader;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data} option and how a command gets its images. */
final class DataOption {
    @Option(names = "--data", paramLabel = "PATH",
            description = {"CIFAR-10 binary folder (data_batch_*.bin, test_batch.bin) or one .bin file.",
                "Default: $GBP_CIFAR10, then the cache ~/.cache/gbp/cifar-10-batches-bin,",
                "else it is downloaded there (with a progress bar and an MD5 check)."})
    Path data;

    /** The data path, downloading into the cache when no place has it ({@code err}: the command's messages). */
    Path resolve(PrintWriter err) {
        Path p = DataLocator.locate(data);
        if (p != null) {
            return p;
        }
        err.println("no CIFAR-10 data found (no --data, no $" + DataLocator.ENV + ", nothing in "
                + DataLocator.cacheDir() + "); downloading it.");
        err.flush();
        return new Downloader().fetchIntoCache(err);
    }

}
