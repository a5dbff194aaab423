package dev.gbp.cli;

import dev.gbp.engine.TorchRuntime;
import picocli.CommandLine.Option;

/** Options shared by every command that runs the network. */
final class Options {
    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch threads (default: every core).")
    int threads;

    void startEngine() {
        if (threads < 0) {
            throw new UsageException("--threads must be positive, got " + threads);
        }
        TorchRuntime.start(threads == 0 ? TorchRuntime.DEFAULT_THREADS : threads);
    }
}
