package dev.gbp.cli;

import dev.gbp.atlas.AtlasJob;
import dev.gbp.atlas.AtlasSource;
import dev.gbp.atlas.AtlasWriter;
import dev.gbp.atlas.Sparks;
import dev.gbp.data.ImageFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.io.AtomicDirectory;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import java.io.PrintWriter;
import java.nio.file.Path;
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
    DataOption data;

    @Option(names = "--split", paramLabel = "SPLIT", description = "Split of a data folder: test or train (default: test).")
    String split;

    @Option(names = "--images", paramLabel = "DIR",
            description = {"A folder tree of PNG and JPEG pictures of any size, resized to the model's input (instead of",
                "--data). Images are named by their path relative to DIR, sorted."})
    Path images;

    @Option(names = "--resize", paramLabel = "HOW",
            description = "How --images pictures are fitted to the model's input: stretch or crop (default: stretch).")
    String resize;

    @Option(names = "--layer", required = true, paramLabel = "L",
            description = "The layer (node name or index) whose channels the atlas ranks; it must have channels x height x width output.")
    String layer;

    @Range(min = 1, max = 10_000)
    @Option(names = "--top", defaultValue = "9", paramLabel = "K", description = "Images per channel (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--master", defaultValue = Sparks.DEFAULT_MASTER, paramLabel = "URL",
            description = {"Spark master: local[*] (default: Spark inside gbp, every core), local[N], or a cluster's",
                "spark://, k8s:// or yarn (run gbp through spark-submit for those; see the README)."})
    String master;

    @Range(min = 1, max = 1_000_000)
    @Option(names = "--partitions", paramLabel = "N",
            description = "Partitions of the images (default: 4 per task slot in local mode, else 200).")
    Integer partitions;

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
        boolean pictures = images != null;
        if (pictures && data.data != null) {
            throw new UsageException("--data and --images exclude each other: give the data folder or the picture folder");
        }
        if (pictures && split != null) {
            throw new UsageException("--split chooses part of a data folder and does not apply to --images");
        }
        if (!pictures && resize != null) {
            throw new UsageException("--resize fits --images pictures to the model and does not apply to --data");
        }
        int slots = Sparks.localSlots(master);
        ModelSpec modelSpec = ModelSpec.read(model.path().resolve(Network.MODEL_FILE));
        int layerIndex = dev.gbp.atlas.AtlasScan.layer(modelSpec, layer);
        AtlasSource source;
        if (pictures) {
            ImageFiles.Resize how = resize == null ? ImageFiles.Resize.STRETCH : parseResize(resize);
            source = AtlasSource.Pictures.of(images, how);
        } else {
            ModelInput.requireCifarData(modelSpec, true);
            source = AtlasSource.Records.of(data.resolve(err), SplitOption.parse(split == null ? "test" : split));
        }
        if (top > source.size()) {
            throw new UsageException("--top " + top + " asks for more images than the " + source.size() + " there are");
        }
        output.check();
        // In local mode the tasks share this process's PyTorch threads: one each unless --threads says otherwise.
        int threads = options.threadsGiven() ? options.threads() : slots > 0 ? Math.max(1, TorchRuntime.DEFAULT_THREADS / slots) : 1;
        TorchRuntime.start(threads);
        int parts = partitions != null ? partitions : slots > 0 ? 4 * slots : 200;
        err.printf(Locale.ROOT, "atlas of %s (%s) over %s on Spark %s, %d partitions%n", modelSpec.layer(layerIndex).name(),
                describe(modelSpec.outputShape(layerIndex)), source.describe(), master, parts);
        err.println("Spark's log (warnings and errors): " + Logs.file());
        err.flush();
        AtlasJob.Bundle bundle = AtlasJob.Bundle.read(model.path());
        SparkSession session = Sparks.session(master, sparkUi);
        try (AtomicDirectory out = AtomicDirectory.create(output.out, output.force)) {
            AtlasJob.Result r = AtlasJob.run(session, modelSpec, bundle, source,
                    new AtlasJob.Request(layer, top, parts, batchSize, threads));
            AtlasWriter.write(out.path(), session, r, source, model.path().toString());
            out.commit();
            err.printf(Locale.ROOT, "ranked %d images in %.1f s (%.0f images/s), reconstructed %d patches in %.1f s%n",
                    source.size(), r.scanNanos() / 1e9, source.size() / (r.scanNanos() / 1e9), r.patches().size(),
                    r.reconstructNanos() / 1e9);
            err.println("wrote " + output.out.resolve("atlas.html") + ", atlas.json and " + AtlasWriter.TABLE + "/");
        } finally {
            session.stop();
        }
        return Main.EXIT_OK;
    }

    private static ImageFiles.Resize parseResize(String s) {
        return ImageFiles.Resize.parse(s);
    }

    private static String describe(long[] shape) {
        return shape[0] + " x " + shape[1] + " x " + shape[2];
    }
}
