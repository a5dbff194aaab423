package dev.gbp.cli;

import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the shipped model lives: {@code models/cifar10-cnn} under the gbp checkout ($GBP_HOME, set by ./gbp). */
final class ShippedModel {
    private ShippedModel() {}

    static Path path() {
        String home = System.getenv("GBP_HOME");
        Path base = home != null && !home.isBlank() ? Paths.get(home) : Paths.get("");
        return base.resolve("models").resolve("cifar10-cnn");
    }
}
