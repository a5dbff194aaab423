package dev.gbp.cli;

import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by {@code gbp sanity} and {@code gbp faithfulness}. */
final class EvaluationOptions {
    @Mixin
    ModelOption model;

    @Option(names = "--first", paramLabel = "N", description = "Images (default: 100, or all when there are fewer).")
    @Range(min = 1)
    Integer first;

    @Mixin
    TargetOption target;

    @Option(names = "--methods", required = true, split = ",", paramLabel = "NAME",
            completionCandidates = MethodNames.class,
            description = {"Methods to evaluate, comma-separated, from: ${COMPLETION-CANDIDATES}."})
    List<String> methods;

    @Option(names = "--batch-size", defaultValue = "100", paramLabel = "N",
            description = "Images per batch, 1.." + Ranges.MAX_BATCH + " (default: ${DEFAULT-VALUE}).")
    @Range(min = 1, max = Ranges.MAX_BATCH)
    int batchSize;

    @Mixin
    OutputOptions output;

    /** Checks the options that need neither the model nor the data. */
    void check() {
        MethodNames.check("--methods", methods);
    }
}
