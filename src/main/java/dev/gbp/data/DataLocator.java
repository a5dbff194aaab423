package dev.gbp.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds CIFAR-10: the {@code --data} path, then the {@code GBP_CIFAR10} environment variable, then the
 * cache folder {@code ~/.cache/gbp/cifar-10-batches-bin}.
 */
public final class DataLocator {
    /** The environment variable that names the data folder. */
    public static final String ENV = "GBP_CIFAR10";

    private DataLocator() {}

    /**
     * Where downloaded data lives.
     *
     * @return {@code $XDG_CACHE_HOME/gbp/cifar-10-batches-bin}, else {@code ~/.cache/gbp/cifar-10-batches-bin}
     */
    public static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".cache");
        return base.resolve("gbp").resolve("cifar-10-batches-bin");
    }

    /**
     * The data path to use, or null when none of the three places has it.
     *
     * @param data the path the user gave, or null
     * @return the folder or file, or null
     * @throws dev.gbp.GbpInputException for the parameter {@code data}, or a {@link DataException} for the variable,
     *     when an explicitly named path does not exist
     * @throws DataException when an explicitly named path (option or variable) does not exist
     */
    public static Path locate(Path data) {
        if (data != null) {
            if (!Files.exists(data)) {
                throw dev.gbp.GbpInputException.parameter("data", data + ": no such file or folder");
            }
            return data;
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            Path p = Paths.get(env);
            if (!Files.exists(p)) {
                throw new DataException(ENV + "=" + env + ": no such file or folder");
            }
            return p;
        }
        Path cache = cacheDir();
        return CifarReader.isComplete(cache) ? cache : null;
    }
}
