package dev.gbp.cli;

import dev.gbp.engine.TorchRuntime;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options shared by every command that runs the network. */
final class Options {
    /** The most threads {@code --threads} takes. */
    static final int MAX_THREADS = 1024;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    private Integer threads;

    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch threads, 1.." + MAX_THREADS + " (default: every core).")
    void setThreads(int n) {
        if (n < 1 || n > MAX_THREADS) {
            throw new ParameterException(command.commandLine(), "--threads must be 1.." + MAX_THREADS + ", got " + n);
        }
        threads = n;
    }

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
