package dev.gbp.cli;

import dev.gbp.GbpInputException;
import dev.gbp.atlas.Sparks;
import picocli.CommandLine.Option;

/** {@code --master} and {@code --partitions}: where a Spark job runs and into how many parts its images are cut. */
final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = {"Spark master: local[*] (default: Spark inside gbp, every core), local[N], or a cluster's",
                "spark://, k8s:// or yarn (run gbp through spark-submit for those; see the README)."})
    String master;

    @Range(min = 1, max = 1_000_000)
    @Option(names = "--partitions", paramLabel = "N",
            description = "Partitions of the images (default: 4 per task slot in local mode, else 200).")
    Integer partitions;

    /** Whether either option was given. */
    boolean given() {
        return master != null || partitions != null;
    }

    /** The master URL, {@link Sparks#DEFAULT_MASTER} unless given. */
    String master() {
        return master == null ? Sparks.DEFAULT_MASTER : master;
    }

    /** Task slots of a local master, 0 for a cluster's; a malformed URL is a usage error naming --master. */
    int localSlots() {
        try {
            return Sparks.localSlots(master());
        } catch (GbpInputException e) {
            throw new UsageException("--master: " + e.problem());
        }
    }

    /** Partitions of the images: as given, else 4 per local task slot ({@code slots}), else 200 on a cluster. */
    int partitions(int slots) {
        return partitions != null ? partitions : slots > 0 ? 4 * slots : 200;
    }
}
