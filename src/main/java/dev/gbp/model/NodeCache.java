package dev.gbp.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Arrays one node derives from its parameters for its backward step (a flipped kernel, a BatchNorm
 * scale), made on first use and kept as long as the network. Not thread-safe, like the walk. Public for the
 * attribution engine ({@link NodeKind#backward}); users do not need it.
 */
public final class NodeCache {
    private final NDManager manager;
    private final Map<String, NDArray> arrays = new HashMap<>();

    /**
     * An empty cache.
     *
     * @param manager the network's manager, which the cached arrays are attached to
     */
    public NodeCache(NDManager manager) {
        this.manager = manager;
    }

    /**
     * The array under {@code key}, made by {@code make} (inside a scope of its own) the first time.
     *
     * @param key the array's name within the node
     * @param make makes the array
     * @return the cached array, owned by the cache
     */
    public NDArray get(String key, Supplier<NDArray> make) {
        NDArray a = arrays.get(key);
        if (a == null) {
            try (NDScope scope = new NDScope()) {
                a = make.get();
                a.attach(manager);
                NDScope.unregister(a);
            }
            arrays.put(key, a);
        }
        return a;
    }
}
