package dev.gbp.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by {@code gbp sanity} and {@code gbp faithfulness}. */
final class EvaluationOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model bundle folder.")
    Path model;

    @Option(names = "--first", defaultValue = "100", paramLabel = "N", description = "Test images (default: ${DEFAULT-VALUE}).")
    int first;

    @Option(names = "--target", required = true, paramLabel = "SPEC", description = "What to explain (as for explain).")
    String target;

    @Option(names = "--methods", required = true, split = ",", paramLabel = "a,b,...", description = "Methods to evaluate.")
    List<String> methods;

    @Option(names = "--batch-size", defaultValue = "100", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (written atomically).")
    Path out;

    @Option(names = "--force", description = "Replace an existing output folder.")
    boolean force;

    /** Checks what can be checked before any work starts. */
    void check() {
        UsageException.requireNewOrForced(out, force);
        if (batchSize < 1) {
            throw new UsageException("--batch-size must be at least 1, got " + batchSize);
        }
    }
}
