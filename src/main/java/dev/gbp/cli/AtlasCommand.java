package dev.gbp.cli;

import dev.gbp.atlas.AtlasJob;
import dev.gbp.atlas.AtlasSource;
import dev.gbp.atlas.AtlasWriter;
import dev.gbp.atlas.Sparks;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.io.AtomicDirectory;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gbp atlas}: per channel of a layer, the dataset's top images and their reconstructions, on Spark. */
@Command(name = "atlas", mixinStandardHelpOptions = true,
        description = {"Build a neuron atlas of a layer on Apache Spark.", "",
            "Per channel of the layer, the images of a whole data set that excite it most, with guided backpropagation",
            "of each winning neuron (Zeiler and Fergus's figure 2).", "",
            "Writes atlas.json, the Parquet table " + AtlasWriter.TABLE + "/, the patches and atlas.html. Spark runs",
            "inside gbp by default (--master local[*]); the same job runs on a cluster through spark-submit (README).",
            ""})
final class AtlasCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    ImageSource source;

    @Option(names = "--layer", required = true, paramLabel = "L",
            description = "The layer (node name or index) whose channels the atlas ranks; it must have channels x height x width output.")
    String layer;

    @Range(min = 1, max = 10_000)
    @Option(names = "--top", defaultValue = "9", paramLabel = "K", description = "Images per channel (default: ${DEFAULT-VALUE}).")
    int top;

    @Mixin
    SparkOptions spark;

    @Range(min = 1, max = Ranges.MAX_BATCH)
    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "N",
            description = "Images per forward pass in a task (default: ${DEFAULT-VALUE}; its arrays then stay below the launcher's 32 MiB mmap threshold for CIFAR-sized layers, see docs/BENCHMARKS.md).")
    int batchSize;

    @Option(names = "--spark-ui", description = "Keep Spark's web UI on (it binds to localhost in local mode).")
    boolean sparkUi;

    @Mixin
    OutputOptions output;

    @Mixin
    Options options;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = Main.messages(spec);
        if (source.skip != 0) {
            throw new UsageException("--skip applies to explain and explore: the atlas ranks every image");
        }
        int slots = spark.localSlots();
        ModelSpec modelSpec = ModelSpec.read(model.path().resolve(Network.MODEL_FILE));
        int layerIndex = dev.gbp.atlas.AtlasScan.layer(modelSpec, layer);
        AtlasSource images = source.spark(modelSpec, err);
        if (top > images.size()) {
            throw new UsageException("--top " + top + " asks for more images than the " + images.size() + " there are");
        }
        output.check();
        // In local mode the tasks share this process's PyTorch threads: one each unless --threads says otherwise.
        int threads = options.threadsGiven() ? options.threads() : slots > 0 ? Math.max(1, TorchRuntime.DEFAULT_THREADS / slots) : 1;
        TorchRuntime.start(threads);
        int parts = spark.partitions(slots);
        String master = spark.master();
        err.printf(Locale.ROOT, "atlas of %s (%s) over %s on Spark %s, %d partitions%n", modelSpec.layer(layerIndex).name(),
                describe(modelSpec.outputShape(layerIndex)), images.describe(), master, parts);
        err.println("Spark's log (warnings and errors): " + Logs.file());
        err.flush();
        AtlasJob.Bundle bundle = AtlasJob.Bundle.read(model.path());
        SparkSession session = Sparks.session(master, sparkUi);
        try (AtomicDirectory out = AtomicDirectory.create(output.out, output.force)) {
            AtlasJob.Result r = AtlasJob.run(session, modelSpec, bundle, images,
                    new AtlasJob.Request(layer, top, parts, batchSize, threads));
            AtlasWriter.write(out.path(), session, r, images, model.name());
            out.commit();
            err.printf(Locale.ROOT, "ranked %d images in %.1f s (%.0f images/s), reconstructed %d patches in %.1f s%n",
                    images.size(), r.scanNanos() / 1e9, images.size() / (r.scanNanos() / 1e9), r.patches().size(),
                    r.reconstructNanos() / 1e9);
            err.println("wrote " + output.out.resolve("atlas.html") + ", atlas.json and " + AtlasWriter.TABLE + "/");
        } finally {
            session.stop();
        }
        return Main.EXIT_OK;
    }

    private static String describe(long[] shape) {
        return shape[0] + " x " + shape[1] + " x " + shape[2];
    }
}
