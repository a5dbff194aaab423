package dev.gbp.atlas;

import ai.djl.ndarray.NDManager;
import dev.gbp.data.CifarImages;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * The atlas as a Spark job. Stage 1 ranks: partitions of image indices; each task reads its images, runs the network
 * to the layer (inference only) and keeps a bounded {@link TopK}; a reduce merges them. Stage 2 reconstructs: the
 * winners only, grouped by image, each task running guided backprop of its winners' neurons in batches.
 *
 * <p>The model reaches the executors as bytes (a broadcast of the bundle's files), never as a path: each executor JVM
 * writes them once to a private temporary folder, loads the network from there and keeps it for every later task.
 * Tasks of one JVM run the forward passes side by side; the backward walks, which need the process's one gradient
 * collector, take turns.
 */
public final class AtlasJob {
    private AtlasJob() {}

    /** What an atlas run is asked for. */
    public record Request(String layer, int top, int partitions, int batchSize, int threadsPerExecutor)
            implements Serializable {}

    /** A model bundle's files as bytes, and their SHA-256 (the executors' cache key). */
    public record Bundle(Map<String, byte[]> files, String sha256) implements Serializable {
        /** Reads {@code model.json} and {@code weights.npz} of a bundle folder. */
        public static Bundle read(Path dir) {
            Map<String, byte[]> files = new TreeMap<>();
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                for (String name : List.of(Network.MODEL_FILE, Network.WEIGHTS_FILE)) {
                    byte[] b = Files.readAllBytes(dir.resolve(name));
                    files.put(name, b);
                    md.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    md.update(b);
                }
                return new Bundle(files, HexFormat.of().formatHex(md.digest()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The networks this JVM has loaded, by bundle hash. */
    private static final Map<String, Network> NETWORKS = new ConcurrentHashMap<>();
    /** The backward walks of one JVM take turns (one gradient collector per process). */
    static final Object WALK = new Object();

    /** This JVM's network for {@code bundle}, loaded on first use from a private copy of its files. */
    static Network network(Bundle bundle, int threads) {
        return NETWORKS.computeIfAbsent(bundle.sha256(), k -> {
            TorchRuntime.start(threads);
            try {
                Path dir = Files.createTempDirectory("gbp-atlas-model-");
                try {
                    for (var e : bundle.files().entrySet()) {
                        Files.write(dir.resolve(e.getKey()), e.getValue());
                    }
                    Network net = Network.load(dir, NDManager.newBaseManager());
                    net.freeze(true);
                    return net;
                } finally {
                    dev.gbp.io.AtomicDirectory.deleteTree(dir);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stage the model on this executor", e);
            }
        });
    }

    /** The atlas: the ranking and the winners' reconstructions, by channel and rank. */
    public record Result(ModelSpec spec, int layer, TopK ranking, List<Patch> patches, long scanNanos, long reconstructNanos) {}

    /** Runs both stages; {@code spec} is the bundle's model (read on the driver). */
    public static Result run(SparkSession spark, ModelSpec spec, Bundle bundle, AtlasSource source, Request req) {
        int layer = AtlasScan.layer(spec, req.layer());
        int channels = (int) spec.outputShape(layer)[0];
        int[] input = spec.input();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Bundle> model = jsc.broadcast(bundle);
        int n = source.size();
        int parts = Math.max(1, Math.min(req.partitions(), n));
        List<long[]> ranges = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            ranges.add(new long[] {(long) n * p / parts, (long) n * (p + 1) / parts});
        }
        long t0 = System.nanoTime();
        TopK ranking = jsc.parallelize(ranges, parts).map(r -> {
            Network net = network(model.value(), req.threadsPerExecutor());
            TopK top = new TopK(channels, req.top());
            for (long from = r[0]; from < r[1]; from += 4L * req.batchSize()) {
                long to = Math.min(r[1], from + 4L * req.batchSize());
                CifarImages images = source.read(from, to, input);
                AtlasScan.scan(net, layer, images, from, req.batchSize(), top);
            }
            return top;
        }).reduce(TopK::merge);
        long t1 = System.nanoTime();

        // Stage 2: the winners, grouped by image so each image is read once.
        Map<Long, List<Winner>> byImage = new TreeMap<>();
        for (int c = 0; c < channels; c++) {
            List<TopK.Entry> list = ranking.channel(c);
            for (int r = 0; r < list.size(); r++) {
                TopK.Entry e = list.get(r);
                byImage.computeIfAbsent(e.image(), k -> new ArrayList<>()).add(new Winner(c, r, e.image(), e.y(), e.x(),
                        e.activation()));
            }
        }
        List<List<Winner>> groups = new ArrayList<>(byImage.values());
        int parts2 = Math.max(1, Math.min(parts, groups.size()));
        List<List<Winner>> tasks = new ArrayList<>(parts2);
        for (int p = 0; p < parts2; p++) {
            List<Winner> t = new ArrayList<>();
            for (List<Winner> g : groups.subList(groups.size() * p / parts2, groups.size() * (p + 1) / parts2)) {
                t.addAll(g);
            }
            tasks.add(t);
        }
        List<Patch> patches = new ArrayList<>(jsc.parallelize(tasks, parts2).flatMap(ws -> {
            Network net = network(model.value(), req.threadsPerExecutor());
            long[] idx = new long[ws.size()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = ws.get(i).image();
            }
            CifarImages images = source.read(idx, input);
            synchronized (WALK) {
                return AtlasScan.reconstruct(net, layer, ws, images, req.batchSize()).iterator();
            }
        }).collect());
        patches.sort(java.util.Comparator.comparingInt((Patch p) -> p.winner().channel())
                .thenComparingInt(p -> p.winner().rank()));
        long t2 = System.nanoTime();
        model.destroy();
        return new Result(spec, layer, ranking, patches, t1 - t0, t2 - t1);
    }

}
