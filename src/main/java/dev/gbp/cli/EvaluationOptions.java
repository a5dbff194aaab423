package dev.gbp.cli;

import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by {@code gbp sanity} and {@code gbp faithfulness}. */
final class EvaluationOptions {
    @Mixin
    ModelOption model;

    @Option(names = "--first", paramLabel = "N", description = "Test images (default: 100, or all when there are fewer).")
    Integer first;

    @Mixin
    TargetOption target;

    @Option(names = "--methods", required = true, split = ",", paramLabel = "NAME",
            completionCandidates = MethodNames.class,
            description = {"Methods to evaluate, comma-separated, from: ${COMPLETION-CANDIDATES}."})
    List<String> methods;

    @Option(names = "--batch-size", defaultValue = "100", paramLabel = "N", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    OutputOptions output;

    /** Checks the options that need neither the model nor the data. */
    void check() {
        if (batchSize < 1) {
            throw new UsageException("--batch-size must be at least 1, got " + batchSize);
        }
        MethodNames.check("--methods", methods);
        Selected.checkRange(0, first);
    }
}
