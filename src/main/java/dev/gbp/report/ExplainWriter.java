package dev.gbp.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.NeuronChoice;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Npy;
import dev.gbp.model.ReceptiveField;
import dev.gbp.render.Normalization;
import dev.gbp.render.Pictures;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes what {@code gbp explain} promises: a PNG per image (image and map side by side, labelled),
 * {@code maps.npy} (N x C x H x W float32), {@code index.json} and {@code index.csv} with the
 * per-image metadata, and an {@code index.html} gallery.
 */
public final class ExplainWriter {
    public static final String MAP_MEANING = "gradient of the target with respect to the normalised input "
            + "x = (pixel/255 - mean)/std, float32, N x C x H x W";

    private ExplainWriter() {}

    /**
     * Writes every file of an explain run into {@code dir}, as {@link #stream} does for a run given whole; the gallery is
     * {@code index.html} unless {@code html} is false.
     */
    public static void write(Path dir, ExplainRun run, boolean html) throws IOException {
        try (Stream s = stream(dir, run.modelPath(), run.spec(), run.images(), run.sources(), run.datasetIndex(),
                run.normalization(), run.scale(), html, null)) {
            s.add(run.result());
            s.finish();
        }
    }

    /**
     * Starts writing an explain run whose maps arrive batch by batch ({@link Stream#add}): {@code maps.npy} is written
     * as they come, the pictures are drawn and encoded on every core while the next batch is explained, and only the
     * per-image metadata stays in memory, so the memory a run takes does not grow with its images' maps.
     *
     * @param dir the output folder (it exists)
     * @param model the bundle folder, as given
     * @param spec the model's spec
     * @param images every image of the run
     * @param sources a display name per image
     * @param datasetIndex per image, its index in the data set, or -1
     * @param normalization how maps are drawn
     * @param scale the pictures' upscaling
     * @param html whether to write the {@code index.html} gallery
     * @param progress told each picture written (may be null)
     * @return the writer; {@link Stream#finish()} writes the index files
     * @throws IOException when {@code maps.npy} cannot be created
     */
    public static Stream stream(Path dir, String model, ModelSpec spec, CifarImages images, List<String> sources,
            int[] datasetIndex, Normalization normalization, int scale, boolean html, Runnable progress) throws IOException {
        return new Stream(dir, model, spec, images, sources, datasetIndex, normalization, scale, html, progress);
    }

    /** An explain run written batch by batch; see {@link ExplainWriter#stream}. */
    public static final class Stream implements AutoCloseable {
        private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
        /** Batches whose pictures may be drawn at once while the next batch is explained (bounds the memory held). */
        private static final int AHEAD = 2;
        private final Path dir;
        private final String model;
        private final ModelSpec spec;
        private final CifarImages images;
        private final List<String> sources;
        private final int[] datasetIndex;
        private final Normalization normalization;
        private final int scale;
        private final boolean html;
        private final Runnable progress;
        private final OutputStream maps;
        private final ExecutorService pool;
        private final java.util.ArrayDeque<List<Future<?>>> drawing = new java.util.ArrayDeque<>();
        private final List<AttributionResult> parts = new ArrayList<>();
        private int next;
        private int flat;
        private long drawNanos;

        private Stream(Path dir, String model, ModelSpec spec, CifarImages images, List<String> sources, int[] datasetIndex,
                Normalization normalization, int scale, boolean html, Runnable progress) throws IOException {
            this.dir = dir;
            this.model = model;
            this.spec = spec;
            this.images = images;
            this.sources = sources;
            this.datasetIndex = datasetIndex;
            this.normalization = normalization;
            this.scale = scale;
            this.html = html;
            this.progress = progress;
            Files.createDirectories(dir.resolve("images"));
            int[] in = spec.input();
            maps = new BufferedOutputStream(Files.newOutputStream(dir.resolve("maps.npy")), 1 << 16);
            Npy.writeHeader(new long[] {images.size(), in[0], in[1], in[2]}, maps);
            int threads = Runtime.getRuntime().availableProcessors();
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "gbp-pictures");
                t.setDaemon(true);
                return t;
            });
        }

        /**
         * The maps of the next images, in order: written to {@code maps.npy} now, drawn as pictures in the background.
         *
         * @param part the result of the images from {@link #written()} on
         * @throws IOException when a file cannot be written
         */
        public void add(AttributionResult part) throws IOException {
            int from = next;
            int n = part.size();
            if (from + n > images.size()) {
                throw new IllegalArgumentException("more maps than images");
            }
            Npy.writeValues(part.maps(), 0, part.maps().length, maps);
            flat += part.flatMaps();
            while (drawing.size() >= AHEAD) {
                await(drawing.removeFirst());
            }
            ExplainRun batch = new ExplainRun(model, spec, images.slice(from, from + n), sources.subList(from, from + n),
                    java.util.Arrays.copyOfRange(datasetIndex, from, from + n), part, normalization, scale);
            List<Future<?>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    long t0 = CPU.getCurrentThreadCpuTime();
                    Pictures.writePng(picture(batch, k), dir.resolve(ExplainRun.pictureFileOf(from + k)));
                    long used = CPU.getCurrentThreadCpuTime() - t0;
                    synchronized (this) {
                        drawNanos += used;
                    }
                    if (progress != null) {
                        progress.run();
                    }
                    return null;
                }));
            }
            drawing.addLast(futures);
            parts.add(part.withoutMaps());
            next = from + n;
        }

        /**
         * Images whose maps were added.
         *
         * @return the count
         */
        public int written() {
            return next;
        }

        /**
         * Maps that came out all zero although the chosen activation is not 0 (a ReLU6 neuron at its ceiling).
         *
         * @return the count so far
         */
        public int flatMaps() {
            return flat;
        }

        /**
         * CPU time spent drawing and encoding pictures, summed over the threads that did it.
         *
         * @return nanoseconds
         */
        public synchronized long drawNanos() {
            return drawNanos;
        }

        /**
         * Waits for the pictures and writes {@code index.json}, {@code index.csv} and the gallery.
         *
         * @return the run's per-image metadata (without the maps)
         * @throws IOException when a file cannot be written
         */
        public AttributionResult finish() throws IOException {
            if (next != images.size()) {
                throw new IllegalStateException(next + " of " + images.size() + " images explained");
            }
            while (!drawing.isEmpty()) {
                await(drawing.removeFirst());
            }
            maps.close();
            AttributionResult all = AttributionResult.concat(parts);
            ExplainRun run = new ExplainRun(model, spec, images, sources, datasetIndex, all, normalization, scale);
            writeJson(dir.resolve("index.json"), run);
            writeCsv(dir.resolve("index.csv"), run);
            if (html) {
                Files.writeString(dir.resolve("index.html"), GalleryPage.render(run), StandardCharsets.UTF_8);
            }
            return all;
        }

        private static void await(List<Future<?>> futures) throws IOException {
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while writing pictures");
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof IOException io) {
                        throw io;
                    }
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(c);
                }
            }
        }

        /** Stops drawing (pictures not yet drawn are dropped) and closes {@code maps.npy}. */
        @Override
        public void close() throws IOException {
            pool.shutdownNow();
            maps.close();
        }
    }

    /** Image {@code i} and its map side by side, with label, prediction, target and normalisation. */
    static BufferedImage picture(ExplainRun run, int i) {
        AttributionResult r = run.result();
        long[] s = r.shape();
        int scale = run.scale();
        BufferedImage image = Pictures.image(run.images(), i, scale);
        BufferedImage map = Pictures.map(r.map(i), (int) s[1], (int) s[2], (int) s[3], run.normalization(), scale);
        NeuronChoice c = r.choice(i);
        if (r.target().isNeuronTarget()) {
            // The neuron's receptive field, outlined on both: its map is zero outside.
            int[] box = ReceptiveField.of(run.spec(), c.layer(), c.y(), c.x());
            image = Pictures.outline(image, box, scale, Pictures.FIELD);
            map = Pictures.outline(map, box, scale, Pictures.FIELD);
        }
        String first = run.sources().get(i) + ": " + run.labelName(i) + ", predicted " + run.predictedName(i)
                + String.format(Locale.ROOT, " (%.2f)", r.probability(i));
        String second = r.method() + " " + r.target().spec() + describeChoice(run, c);
        return Pictures.row(List.of(image, map), List.of("image", r.method() + ", " + run.normalization().id()),
                List.of(first, second));
    }

    static String describeChoice(ExplainRun run, NeuronChoice c) {
        if (run.result().target().isNeuronTarget()) {
            return String.format(Locale.ROOT, " (c=%d, y=%d, x=%d) act %.3g", c.c(), c.y(), c.x(), c.activation());
        }
        return String.format(Locale.ROOT, " (class %s) logit %.3g", run.spec().classes().get(c.c()), c.activation());
    }

    static ObjectNode imageJson(ObjectMapper json, ExplainRun run, int i) {
        AttributionResult r = run.result();
        NeuronChoice c = r.choice(i);
        ObjectNode o = json.createObjectNode();
        o.put("position", i);
        o.put("source", run.sources().get(i));
        o.put("index", run.datasetIndex()[i]);
        o.put("file", run.pictureFile(i));
        o.put("label", run.images().label(i));
        o.put("label_name", run.labelName(i));
        o.put("predicted", r.predicted(i));
        o.put("predicted_name", run.predictedName(i));
        o.put("probability", r.probability(i));
        o.put("layer", c.layer());
        o.put("layer_name", Target.layerLabel(run.spec(), c.layer()));
        if (r.target().isNeuronTarget()) {
            ObjectNode n = o.putObject("neuron");
            n.put("c", c.c());
            n.put("y", c.y());
            n.put("x", c.x());
            ReceptiveField.Field f = ReceptiveField.field(run.spec(), c.layer(), c.y(), c.x());
            int[] box = f.clipped();
            ObjectNode rf = o.putObject("receptive_field");
            rf.put("x0", box[0]);
            rf.put("y0", box[1]);
            rf.put("x1", box[2]);
            rf.put("y1", box[3]);
            rf.put("width", f.fieldWidth());
            rf.put("height", f.fieldHeight());
            rf.put("inside_fraction", f.insideFraction());
            rf.put("clipped", f.isClipped());
        } else {
            o.put("class", c.c());
            o.put("class_name", run.spec().classes().get(c.c()));
        }
        o.put("activation", c.activation());
        o.put("runner_up_gap", c.gap());
        o.put("zero_activation", c.isZero());
        for (var e : r.extras().entrySet()) {
            o.put(e.getKey(), e.getValue()[i]);
        }
        return o;
    }

    static void writeJson(Path file, ExplainRun run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        AttributionResult r = run.result();
        root.put("format", "gbp-explain/1");
        root.put("created", Instant.now().toString());
        root.put("model", run.modelPath());
        root.put("method", r.method());
        root.put("target", r.target().spec());
        root.put("seed", r.target().isNeuronTarget() ? "the chosen neuron's activation (every other neuron of the layer 0)"
                : "1 at the pre-softmax logit");
        root.put("normalization", run.normalization().id());
        root.put("normalization_description", run.normalization().description());
        root.put("maps", "maps.npy: " + MAP_MEANING);
        ArrayNode input = root.putArray("input");
        for (int v : run.spec().input()) {
            input.add(v);
        }
        root.put("picture_scale", run.scale());
        ArrayNode mean = root.putArray("input_mean");
        ArrayNode std = root.putArray("input_std");
        for (int c = 0; c < run.spec().mean().length; c++) {
            mean.add(run.spec().mean()[c]);
            std.add(run.spec().std()[c]);
        }
        root.put("relu_sites_with_rule", r.reluSitesApplied());
        root.put("relu_sites_on_path", r.reluSitesOnPath());
        root.put("count", r.size());
        int zero = 0;
        for (int i = 0; i < r.size(); i++) {
            zero += r.choice(i).isZero() ? 1 : 0;
        }
        root.put("zero_activation_count", zero);
        ArrayNode images = root.putArray("images");
        for (int i = 0; i < r.size(); i++) {
            images.add(imageJson(json, run, i));
        }
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    static void writeCsv(Path file, ExplainRun run) throws IOException {
        AttributionResult r = run.result();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("position,source,index,file,label,label_name,predicted,predicted_name,probability,method,target,"
                    + "layer,layer_name,c,y,x,activation,runner_up_gap,rf_x0,rf_y0,rf_x1,rf_y1,rf_inside_fraction,rf_clipped,"
                    + "zero_activation\n");
            for (int i = 0; i < r.size(); i++) {
                NeuronChoice c = r.choice(i);
                boolean neuron = r.target().isNeuronTarget();
                int[] in = run.spec().input();
                ReceptiveField.Field f = neuron ? ReceptiveField.field(run.spec(), c.layer(), c.y(), c.x())
                        : new ReceptiveField.Field(0, 0, in[2] - 1, in[1] - 1, in[2], in[1]);
                int[] box = f.clipped();
                w.write(String.join(",", String.valueOf(i), csv(run.sources().get(i)), String.valueOf(run.datasetIndex()[i]),
                        run.pictureFile(i), String.valueOf(run.images().label(i)), csv(run.labelName(i)),
                        String.valueOf(r.predicted(i)), csv(run.predictedName(i)), fmt(r.probability(i)), r.method(),
                        csv(r.target().spec()), String.valueOf(c.layer()), csv(Target.layerLabel(run.spec(), c.layer())),
                        String.valueOf(c.c()), String.valueOf(c.y()), String.valueOf(c.x()), fmt(c.activation()), fmt(c.gap()),
                        String.valueOf(box[0]), String.valueOf(box[1]), String.valueOf(box[2]), String.valueOf(box[3]),
                        String.valueOf(f.insideFraction()), String.valueOf(f.isClipped()), String.valueOf(c.isZero())));
                w.write("\n");
            }
        }
    }

    private static String fmt(float v) {
        return Float.toString(v);
    }

    private static String csv(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
