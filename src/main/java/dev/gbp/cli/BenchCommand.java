package dev.gbp.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.attr.Attribution;
import dev.gbp.attr.AutogradGradient;
import dev.gbp.attr.GuidedBackprop;
import dev.gbp.attr.LayerwiseBackprop;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.data.CifarReader;
import dev.gbp.data.DataLocator;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.metrics.Stats;
import dev.gbp.model.Network;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gbp bench}: images/s of the attribution methods against DJL's full autograd and a forward pass. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure images/s of guided backprop against DJL's full autograd gradient and a forward pass.",
            "",
            "In one run: images/s of guided backprop (for a neuron target on its neurons' cones, and on whole",
            "maps), of the layer-wise gradient, of DJL's full autograd gradient, of the inference forward pass",
            "to the target's node (the floor: each figure is also given as a multiple of it) and of the whole",
            "forward pass, on a batch of images with one target (by default the most active neuron of the seed",
            "layer): the median of --runs timed runs after --warm-up, the workloads taking turns in each round.", ""})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Option(names = "--data", paramLabel = "PATH",
            description = "CIFAR-10 for the batch (default: as other commands, without downloading; random pixels when none).")
    Path data;

    @Mixin
    Options options;

    @Option(names = "--runs", defaultValue = "15", paramLabel = "N",
            description = "Timed runs per measurement, 10..1000 (default: ${DEFAULT-VALUE}).")
    @Range(min = 10, max = 1000)
    int runs;

    @Option(names = "--warm-up", defaultValue = "5", paramLabel = "SECONDS",
            description = "Untimed rounds first, at least 3 and for at least this many seconds, 0..600 (default: "
                    + "${DEFAULT-VALUE}): a new process runs its first seconds slower while its memory is first touched.")
    @Range(min = 0, max = 600)
    double warmUp;

    @Option(names = "--batch-size", defaultValue = "100", paramLabel = "N",
            description = "Images per batch, 1.." + Ranges.MAX_BATCH + " (default: ${DEFAULT-VALUE}).")
    @Range(min = 1, max = Ranges.MAX_BATCH)
    int batchSize;

    @Mixin
    TargetOption target;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    /** Untimed rounds {@link #measureInterleaved} ran before timing. */
    private int warmUpRounds;

    @Override
    public Integer call() throws Exception {
        Path dataPath = DataLocator.locate(data);
        options.startEngine();
        try (NDManager root = NDManager.newBaseManager(); Network net = model.load(root)) {
            String modelDir = model.name();
            Target t = target.resolve(net.spec());
            CifarImages images;
            String source;
            int[] in = net.spec().input();
            boolean cifarSized = in[0] == CifarImages.CHANNELS && in[1] == CifarImages.SIDE && in[2] == CifarImages.SIDE;
            if (data != null) {
                ModelInput.requireCifarData(net.spec(), false);
            }
            if (dataPath != null && cifarSized) {
                images = CifarReader.read(dataPath, CifarReader.Split.TEST);
                images = images.slice(0, Math.min(batchSize, images.size()));
                source = "first " + Counts.of(images.size(), "test image") + " of " + dataPath;
            } else {
                images = randomImages(batchSize, in);
                source = Counts.of(batchSize, "image") + " of uniform random pixels ("
                        + (dataPath == null ? "no data found" : "the model does not take CIFAR-10's 3 x 32 x 32 images") + ")";
            }
            NDArray x = net.preprocess(root, images, 0, images.size());
            LayerwiseBackprop guidedWalk = GuidedBackprop.of(net);
            long cone = guidedWalk.coneArea(x, t);
            int seeded = t.layer(net.spec());
            Map<String, Runnable> work = new LinkedHashMap<>();
            work.put("guided", attribution(guidedWalk, x, t));
            if (cone >= 0) {
                work.put("guided_full_walk", attribution(guidedWalk.fullWalk(), x, t));
            }
            work.put("gradient_layerwise", attribution(GuidedBackprop.gradient(net), x, t));
            work.put("gradient_full_autograd", attribution(new AutogradGradient(net), x, t));
            work.put("forward_to_target", forward(net, x, seeded));
            work.put("forward", forward(net, x, net.size() - 1));
            Map<String, double[]> results = measureInterleaved(work);
            double floor = Stats.median(results.get("forward_to_target"));
            String walk = cone >= 0 ? "cropped walk: each image's cone is " + cone + " of the " + in[1] * in[2]
                    + " input pixels (padding included)" : "full walk: " + (t.isNeuronTarget()
                    ? "this target's cones are too large to pay for cropping, or no crop of them is exact (attr.Cone)" : "class targets see the whole image");
            int n = images.size();
            double guided = Stats.median(results.get("guided"));
            double autograd = Stats.median(results.get("gradient_full_autograd"));
            double paired = pairedRatio(results.get("guided"), results.get("gradient_full_autograd"));
            double pairedFloor = pairedRatio(results.get("guided"), results.get("forward_to_target"));
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode o = mapper.createObjectNode();
                o.put("model", modelDir);
                o.put("images", source);
                o.put("batch", n);
                o.put("target", t.spec());
                o.put("threads", TorchRuntime.threads());
                o.put("runs", runs);
                o.put("warm_up_rounds", warmUpRounds);
                o.put("djl", Engine.getDjlVersion());
                o.put("cores", Runtime.getRuntime().availableProcessors());
                o.put("walk", walk);
                o.put("floor", "forward_to_target: the inference forward pass to the target's node");
                ObjectNode measurements = o.putObject("measurements");
                results.forEach((k, v) -> {
                    ObjectNode m = measurements.putObject(k);
                    m.put("images_per_second", n / Stats.median(v));
                    m.put("median_ms", Stats.median(v) * 1000);
                    m.put("min_ms", Arrays.stream(v).min().orElse(0) * 1000);
                    m.put("max_ms", Arrays.stream(v).max().orElse(0) * 1000);
                    m.put("times_floor", Stats.median(v) / floor);
                });
                o.put("guided_over_full_autograd", guided / autograd);
                o.put("guided_over_full_autograd_paired", paired);
                o.put("guided_over_floor", guided / floor);
                o.put("guided_over_floor_paired", pairedFloor);
                spec.commandLine().getOut().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(o));
            } else {
                var out = spec.commandLine().getOut();
                out.printf(Locale.ROOT, "%s, batch %d, %s, %s, median of %d interleaved runs after %s%n", modelDir, n,
                        t.spec(), Counts.of(TorchRuntime.threads(), "thread"), runs, Counts.of(warmUpRounds, "warm-up round"));
                out.printf(Locale.ROOT, "images: %s%n", source);
                out.printf(Locale.ROOT, "%s%n", walk);
                out.printf(Locale.ROOT, "%-24s %10s %12s %12s%n", "measurement", "ms/batch", "images/s", "x floor");
                results.forEach((k, v) -> out.printf(Locale.ROOT, "%-24s %10.1f %12.0f %12.2f%n", k, Stats.median(v) * 1000,
                        n / Stats.median(v), Stats.median(v) / floor));
                out.printf(Locale.ROOT, "floor: forward_to_target, the inference forward pass to the target's node%n");
                out.printf(Locale.ROOT, "guided / full-autograd gradient: %.2fx (ratio of medians); %.2fx (median of per-round ratios)%n",
                        guided / autograd, paired);
                out.printf(Locale.ROOT, "guided / floor: %.2fx (ratio of medians); %.2fx (median of per-round ratios)%n",
                        guided / floor, pairedFloor);
            }
        }
        return Main.EXIT_OK;
    }

    private static Runnable attribution(Attribution method, NDArray x, Target t) {
        return () -> method.attribute(x, t);
    }

    /**
     * The inference forward pass to node {@code last}, alone: its output stays in the engine, as the cropped walk
     * reads the target's layer through a view there instead of copying it into Java.
     */
    private static Runnable forward(Network net, NDArray x, int last) {
        return () -> {
            try (NDScope s = new NDScope()) {
                net.forwardTo(x, last);
            }
        };
    }

    /**
     * Seconds per run of each workload. After warm-up, the workloads take turns within each round, so a
     * slow spell of the machine (these are shared virtual cores) falls on all of them alike and the ratios
     * compare like with like. The warm-up runs whole rounds for at least {@code --warm-up} seconds: on this
     * project's virtual machines a process's first seconds run slower (its Java heap and native arrays land on
     * memory touched for the first time) by more than the differences measured (docs/BENCHMARKS.md).
     */
    private Map<String, double[]> measureInterleaved(Map<String, Runnable> work) {
        long start = System.nanoTime();
        warmUpRounds = 0;
        while (warmUpRounds < 3 || System.nanoTime() - start < warmUp * 1e9) {
            work.values().forEach(Runnable::run);
            warmUpRounds++;
        }
        Map<String, double[]> seconds = new LinkedHashMap<>();
        work.keySet().forEach(k -> seconds.put(k, new double[runs]));
        for (int r = 0; r < runs; r++) {
            for (Map.Entry<String, Runnable> w : work.entrySet()) {
                long t0 = System.nanoTime();
                w.getValue().run();
                seconds.get(w.getKey())[r] = (System.nanoTime() - t0) / 1e9;
            }
        }
        return seconds;
    }

    /** The median over rounds of a / b, each round's two runs taken side by side. */
    static double pairedRatio(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] / b[i];
        }
        return Stats.median(r);
    }

    private static CifarImages randomImages(int n, int[] in) {
        long bytes = (long) n * in[0] * in[1] * in[2];
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new UsageException("--batch-size " + n + " of " + in[0] + " x " + in[1] + " x " + in[2] + " images is "
                    + bytes + " bytes, more than one array holds: use a smaller batch");
        }
        Random r = new Random(1);
        byte[] px = new byte[n * in[0] * in[1] * in[2]];
        r.nextBytes(px);
        return new CifarImages(in[0], in[1], in[2], px, new int[n], CifarImages.DEFAULT_CLASSES);
    }
}
