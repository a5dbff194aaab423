package dev.gbp.engine;

import ai.djl.engine.Engine;

/**
 * Starts the PyTorch engine offline, with a chosen number of threads.
 *
 * <p>DJL reads its configuration from system properties the first time the engine loads, so these
 * must be set before anything touches {@link Engine}. Offline mode stops DJL from looking for newer
 * natives on the network (without it the engine start contacts a cloud metadata address); the natives
 * come from the {@code pytorch-native-cpu} jar on the class path.
 *
 * <p>A library user calls {@link #start(int)} first, before anything touches DJL ({@code NDManager.newBaseManager()}
 * does): an engine that DJL starts on its own is not offline, and looks for a cloud metadata address.
 */
public final class TorchRuntime {
    /** Threads used when the user does not say: every core. */
    public static final int DEFAULT_THREADS = Runtime.getRuntime().availableProcessors();

    private static volatile Engine engine;
    private static volatile int threads;

    private TorchRuntime() {}

    /**
     * Loads the engine once with {@code requestedThreads} intra-op threads (and one inter-op thread), offline;
     * later calls return the same engine, whatever they ask for.
     *
     * @param requestedThreads intra-op threads; 0 or less: every core
     * @return the engine
     */
    public static synchronized Engine start(int requestedThreads) {
        if (engine != null) {
            return engine;
        }
        int n = requestedThreads > 0 ? requestedThreads : DEFAULT_THREADS;
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        // Quiet the DJL banner about missing optional engines.
        System.setProperty("ai.djl.default_engine", "PyTorch");
        engine = Engine.getEngine("PyTorch");
        threads = n;
        return engine;
    }

    /**
     * Loads the engine with the thread count named by {@code ai.djl.pytorch.num_threads}, or every core.
     *
     * @return the engine
     */
    public static Engine start() {
        String configured = System.getProperty("ai.djl.pytorch.num_threads");
        int n = DEFAULT_THREADS;
        if (configured != null) {
            try {
                n = Integer.parseInt(configured.trim());
            } catch (NumberFormatException e) {
                n = DEFAULT_THREADS;
            }
        }
        return start(n);
    }

    /**
     * Threads the engine was started with, or 0 before it starts.
     *
     * @return the intra-op thread count
     */
    public static int threads() {
        return threads;
    }

    /**
     * Version of the native PyTorch library, for provenance records; starts the engine if it has not started.
     *
     * @return e.g. {@code 2.7.1}
     */
    public static String torchVersion() {
        return start().getVersion();
    }
}
