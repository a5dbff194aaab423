package dev.gbp.cli;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The default model of every command: the seed network {@code models/cifar10-seed} (three conv layers,
 * each with a ReLU and a pooling step) under the gbp checkout: the system property {@code gbp.home}, else
 * $GBP_HOME (set by ./gbp), else the current folder.
 */
final class ShippedModel {
    static final String DEFAULT = "cifar10-seed";

    private ShippedModel() {}

    static Path path() {
        return named(DEFAULT);
    }

    /** {@code models/<name>} under the checkout. */
    static Path named(String name) {
        String home = System.getProperty("gbp.home", System.getenv("GBP_HOME"));
        Path base = home != null && !home.isBlank() ? Paths.get(home) : Paths.get("");
        return base.resolve("models").resolve(name);
    }
}
