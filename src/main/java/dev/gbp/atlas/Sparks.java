package dev.gbp.atlas;

import org.apache.spark.sql.SparkSession;

/** The Spark session of a gbp job: embedded {@code local[*]} by default, quiet, its UI off unless asked for. */
public final class Sparks {
    /** The default master: Spark inside this process, one task per core. */
    public static final String DEFAULT_MASTER = "local[*]";

    private Sparks() {}

    /** Whether {@code master} runs Spark inside this process ({@code local}, {@code local[N]}, {@code local[*]}). */
    public static boolean isLocal(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    /**
     * Tasks that run at once in this process for a local master: {@code local} 1, {@code local[N]} N,
     * {@code local[*]} every core; 0 for a cluster master.
     */
    public static int localSlots(String master) {
        if (!isLocal(master)) {
            return 0;
        }
        if (master.equals("local")) {
            return 1;
        }
        String n = master.substring("local[".length(), master.indexOf(']') < 0 ? master.length() : master.indexOf(']'));
        int comma = n.indexOf(',');
        n = comma < 0 ? n : n.substring(0, comma); // local[N,F]: F is the task failures allowed
        if (n.equals("*")) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int slots = Integer.parseInt(n);
            if (slots < 1) {
                throw new NumberFormatException();
            }
            return slots;
        } catch (NumberFormatException e) {
            throw dev.gbp.GbpInputException.parameter("master", "must be local, local[N], local[*] or a cluster URL"
                    + " (spark://, k8s://, yarn), got " + dev.gbp.GbpInputException.quote(master));
        }
    }

    /**
     * Starts (or joins) the session. In local mode the driver and its UI bind to the loopback address only; the UI is
     * off unless {@code ui}; console progress bars are off.
     */
    public static SparkSession session(String master, boolean ui) {
        System.setProperty("io.netty.tryReflectionSetAccessible", "true");
        SparkSession.Builder b = SparkSession.builder().appName("gbp").master(master)
                .config("spark.ui.enabled", ui)
                .config("spark.ui.showConsoleProgress", false)
                .config("spark.sql.session.timeZone", "UTC");
        if (isLocal(master)) {
            b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        return b.getOrCreate();
    }
}
