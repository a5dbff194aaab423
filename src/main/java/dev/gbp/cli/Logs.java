package dev.gbp.cli;

import java.nio.file.Path;

/**
 * Where the libraries' log goes: DJL, Jetty and Spark log through SLF4J to Log4j 2, which the command line points at
 * {@value #CONFIG} in the jar: warnings and errors only, appended to {@link #file()}, created on the first message.
 * Nothing reaches the terminal. A user's own {@code -Dlog4j2.configurationFile} wins.
 */
final class Logs {
    /** The Log4j 2 configuration in the jar. */
    static final String CONFIG = "gbp-log4j2.xml";

    private Logs() {}

    /** {@code $GBP_LOG}, else {@code ~/.cache/gbp/gbp.log}. */
    static Path file() {
        String env = System.getenv("GBP_LOG");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "gbp", "gbp.log");
    }

    /** Points Log4j 2 at the configuration; call before anything logs. */
    static void init() {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", CONFIG);
        }
        if (System.getProperty("gbp.log.file") == null) {
            System.setProperty("gbp.log.file", file().toString());
        }
    }
}
