package dev.gbp.cli;

import dev.gbp.engine.TorchRuntime;
import picocli.CommandLine.Option;

/** Options shared by every command that runs the network. */
final class Options {
    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch threads, 1 to " + Ranges.THREADS_PER_CORE + " per core (default: every core).")
    @Range(min = 1, max = Ranges.THREADS_PER_CORE, perCore = true)
    Integer threads;

    /** The threads asked for, else every core. */
    int threads() {
        return threads != null ? threads : TorchRuntime.DEFAULT_THREADS;
    }

    /** Whether --threads was given. */
    boolean threadsGiven() {
        return threads != null;
    }

    void startEngine() {
        TorchRuntime.start(threads());
    }
}
