package dev.gbp.atlas;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.BatchRunner;
import dev.gbp.attr.Methods;
import dev.gbp.attr.NeuronChoice;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code gbp explain} as a Spark job, for data sets too large for a folder of PNGs: partitions of image indices; each
 * task reads its images, explains them in batches with the method and target of the request and yields one row per
 * image. The rows go straight from the executors to Parquet; nothing but the row count reaches the driver.
 *
 * <p>The model reaches executors as bytes, as for the atlas ({@link AtlasJob.Bundle}). The explanations of one JVM
 * take turns: every method runs the process's one gradient collector.
 */
public final class ExplainJob {
    /** The Parquet table's folder in the output. */
    public static final String TABLE = "explain.parquet";
    /** The description of the run beside it. */
    public static final String INDEX = "explain.json";

    private ExplainJob() {}

    /**
     * Runs the job and writes {@link #TABLE} and {@link #INDEX} into {@code dir}: the model, method, target and
     * images, the map shape and the columns.
     */
    public static void write(Path dir, SparkSession spark, ModelSpec spec, AtlasJob.Bundle bundle,
            AtlasSource source, Request req, String modelName) throws IOException {
        Dataset<Row> table = run(spark, spec, bundle, source, req);
        table.write().parquet(dir.resolve(TABLE).toUri().toString());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "gbp-explain/1");
        root.put("model", modelName);
        root.put("method", req.method());
        root.put("target", req.target());
        root.put("source", source.describe());
        root.put("split", source.split());
        root.put("skip", req.from());
        root.put("images", req.count());
        root.put("map_shape", spec.input());
        root.put("table", TABLE);
        List<Map<String, String>> columns = new ArrayList<>();
        for (var f : schema(source).fields()) {
            columns.add(Map.of("name", f.name(), "type", f.dataType().simpleString()));
        }
        root.put("columns", columns);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(INDEX).toFile(), root);
    }

    /**
     * What to explain: images {@code from..from+count} of the source with {@code method} on {@code target} (its
     * command-line spec, parsed again on each executor).
     */
    public record Request(String method, MethodOptions options, String target, long from, long count, int partitions,
            int batchSize, int threadsPerExecutor) implements Serializable {
        /** A request with the methods' options {@code o}. */
        public Request(String method, Methods.Options o, String target, long from, long count, int partitions,
                int batchSize, int threadsPerExecutor) {
            this(method, new MethodOptions(o.camLayer(), o.samples(), o.noise(), o.steps(), o.baseline(), o.seed(),
                    o.internalBatch()), target, from, count, partitions, batchSize, threadsPerExecutor);
        }
    }

    /** {@link Methods.Options} as the executors receive them. */
    public record MethodOptions(String camLayer, int samples, double noise, int steps, dev.gbp.attr.Baseline baseline,
            long seed, int internalBatch) implements Serializable {
        Methods.Options toOptions() {
            return new Methods.Options(camLayer, samples, noise, steps, baseline, seed, internalBatch);
        }
    }

    /** The table's columns, in order; {@code image} is a record index (data) or a picture's path (pictures). */
    public static StructType schema(AtlasSource source) {
        return new StructType()
                .add("index", DataTypes.LongType, false)
                .add("image", source instanceof AtlasSource.Pictures ? DataTypes.StringType : DataTypes.LongType, false)
                .add("label", DataTypes.IntegerType, true)
                .add("predicted", DataTypes.IntegerType, false)
                .add("probability", DataTypes.FloatType, false)
                .add("layer", DataTypes.StringType, true)
                .add("c", DataTypes.IntegerType, false)
                .add("y", DataTypes.IntegerType, false)
                .add("x", DataTypes.IntegerType, false)
                .add("activation", DataTypes.FloatType, false)
                .add("map", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    }

    /**
     * The explanations as a table (lazily computed: writing it runs the job). {@code index} counts from 0 over the
     * explained images; {@code layer}, {@code c}, {@code y}, {@code x} and {@code activation} are the resolved target
     * (for class targets: the output node, the class and its logit); {@code map} is C x H x W in row-major order.
     */
    public static Dataset<Row> run(SparkSession spark, ModelSpec spec, AtlasJob.Bundle bundle, AtlasSource source,
            Request req) {
        Target.parse(req.target(), spec); // a bad target fails here, on the driver, not in every task
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<AtlasJob.Bundle> model = jsc.broadcast(bundle);
        long n = req.count();
        int parts = (int) Math.max(1, Math.min(req.partitions(), n));
        List<long[]> ranges = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            ranges.add(new long[] {req.from() + n * p / parts, req.from() + n * (p + 1) / parts});
        }
        boolean labelled = source instanceof AtlasSource.Records;
        int[] input = spec.input();
        JavaRDD<Row> rows = jsc.parallelize(ranges, parts).flatMap(r -> {
            Network net = AtlasJob.network(model.value(), req.threadsPerExecutor());
            Target target = Target.parse(req.target(), net.spec());
            return new Iterator<Row>() {
                private final int chunk = req.batchSize();
                private long next = r[0];
                private List<Row> buffer = List.of();
                private int at;

                @Override
                public boolean hasNext() {
                    while (at == buffer.size() && next < r[1]) {
                        long to = Math.min(r[1], next + chunk);
                        buffer = explain(net, target, source.read(next, to, input), next, req, source, labelled);
                        at = 0;
                        next = to;
                    }
                    return at < buffer.size();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return buffer.get(at++);
                }
            };
        });
        return spark.createDataFrame(rows, schema(source));
    }

    /** One batch's rows; images {@code first..} of the source. */
    private static List<Row> explain(Network net, Target target, CifarImages images, long first, Request req,
            AtlasSource source, boolean labelled) {
        AttributionResult r;
        synchronized (AtlasJob.WALK) {
            r = BatchRunner.run(Methods.create(req.method(), net, req.options().toOptions()), net, images, target, req.batchSize(),
                    null);
        }
        List<Row> rows = new ArrayList<>(r.size());
        int per = images.imageSize();
        for (int i = 0; i < r.size(); i++) {
            NeuronChoice ch = r.choice(i);
            Float[] map = new Float[per];
            float[] maps = r.maps();
            for (int k = 0; k < per; k++) {
                map[k] = maps[i * per + k];
            }
            long image = first + i;
            String layer = ch.layer() >= 0 && ch.layer() < net.spec().layers().size() ? net.spec().layer(ch.layer()).name()
                    : null;
            rows.add(RowFactory.create(image - req.from(), source.id(image), labelled ? images.label(i) : null,
                    r.predicted(i), r.probability(i), layer, ch.c(), ch.y(), ch.x(), ch.activation(), map));
        }
        return rows;
    }
}
