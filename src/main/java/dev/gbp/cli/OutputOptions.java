package dev.gbp.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --out} and {@code --force} of the commands that write a folder of results. */
final class OutputOptions {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (written atomically).")
    Path out;

    @Option(names = "--force", description = "Replace an existing output folder.")
    boolean force;

    /**
     * An existing folder needs {@code --force}. Commands call this after every other check, just before
     * the work, so that a mistake in another option is reported first.
     */
    void check() {
        UsageException.requireNewOrForced(out, force);
    }
}
