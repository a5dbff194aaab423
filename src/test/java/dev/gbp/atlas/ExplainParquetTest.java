package dev.gbp.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.TestFiles;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.BatchRunner;
import dev.gbp.attr.Methods;
import dev.gbp.attr.NeuronChoice;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.data.CifarReader;
import dev.gbp.data.ImageFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.Network;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gbp explain --format parquet} on embedded Spark against {@link BatchRunner} run here in one process, without
 * Spark: the same maps, neurons, activations and predictions, row by row, in order.
 */
class ExplainParquetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void engine() {
        TorchRuntime.start(1);
    }

    /** The table's rows, by index. */
    private static List<Row> rows(Path out) {
        SparkSession spark = Sparks.session("local[1]", false);
        try {
            return spark.read().parquet(out.resolve(ExplainJob.TABLE).toUri().toString()).orderBy("index").collectAsList();
        } finally {
            spark.stop();
        }
    }

    /** Every row against the reference: its map within 1e-6 of the map's largest value, and the rest exactly. */
    private static void assertRowsEqual(List<Row> rows, AttributionResult want, Network net, IntFunction<Object> image,
            IntFunction<Integer> label) {
        assertEquals(want.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            NeuronChoice ch = want.choice(i);
            assertEquals((long) i, (Long) row.getAs("index"));
            assertEquals(image.apply(i), row.getAs("image"), "row " + i);
            assertEquals(label.apply(i), row.getAs("label"), "row " + i);
            assertEquals(want.predicted(i), (Integer) row.getAs("predicted"), "row " + i);
            assertEquals(want.probability(i), (Float) row.getAs("probability"), 1e-6f, "row " + i);
            assertEquals(net.spec().layer(ch.layer()).name(), row.getAs("layer"), "row " + i);
            assertEquals(List.of(ch.c(), ch.y(), ch.x()),
                    List.of((Integer) row.getAs("c"), (Integer) row.getAs("y"), (Integer) row.getAs("x")), "row " + i);
            assertEquals(ch.activation(), (Float) row.getAs("activation"), 1e-6f * Math.max(1, Math.abs(ch.activation())));
            float[] map = want.map(i);
            List<Float> got = row.getList(row.fieldIndex("map"));
            assertEquals(map.length, got.size());
            float scale = 0;
            for (float v : map) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int k = 0; k < map.length; k++) {
                assertEquals(map[k], got.get(k), 1e-6f * scale, "row " + i + " value " + k);
            }
        }
    }

    @Test
    void onCifarRecordsTheSparkTableEqualsTheMapsOfOneProcess(@TempDir Path tmp) throws Exception {
        Path bin = TestFiles.realTestHead(tmp.resolve("d"), 600);
        Path out = tmp.resolve("explain");
        Path model = TestFiles.projectRoot().resolve("models/cifar10-cnn");
        assertEquals(0, TestFiles.runQuietly("explain", "--model", model.toString(), "--data", bin.toString(), "--skip", "50",
                "--first", "500", "--format", "parquet", "--master", "local[2]", "--partitions", "3", "--batch-size", "64",
                "--threads", "1", "--out", out.toString()));
        JsonNode index = JSON.readTree(out.resolve(ExplainJob.INDEX).toFile());
        assertEquals("gbp-explain/1", index.get("format").asText());
        assertEquals(500, index.get("images").asInt());
        assertEquals("max-neuron:conv3_relu", index.get("target").asText());

        CifarImages images = CifarReader.readFile(bin, CifarImages.DEFAULT_CLASSES).slice(50, 550);
        try (NDManager root = NDManager.newBaseManager(); Network net = Network.load(model, root)) {
            AttributionResult want = BatchRunner.run(Methods.create("guided", net, Methods.Options.defaults()), net, images,
                    Target.parse("max-neuron:conv3_relu", net.spec()), 100, null);
            assertRowsEqual(rows(out), want, net, i -> 50L + i, images::label);
        }
    }

    @Test
    void picturesGivenAsFilesOrAsAFolderAreExplainedInOrder(@TempDir Path tmp) throws Exception {
        Path pics = tmp.resolve("pics");
        Random rnd = new Random(11);
        List<String> names = List.of("b.png", "a/1.jpg", "a/0.png", "c.png", "d/e.png");
        for (String name : names) {
            Path f = pics.resolve(name);
            Files.createDirectories(f.getParent());
            BufferedImage img = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 40; y++) {
                for (int x = 0; x < 48; x++) {
                    img.setRGB(x, y, rnd.nextInt(1 << 24));
                }
            }
            ImageIO.write(img, name.endsWith(".jpg") ? "jpg" : "png", f.toFile());
        }
        Path model = TestFiles.projectRoot().resolve("models/cifar10-seed");
        try (NDManager root = NDManager.newBaseManager(); Network net = Network.load(model, root)) {
            // Files, in the order given, named as given.
            List<String> given = List.of(names.get(3), names.get(0), names.get(2));
            List<Path> files = new ArrayList<>();
            List<String> args = new ArrayList<>(List.of("explain", "--model", model.toString(), "--method", "gradient",
                    "--target", "class:3", "--format", "parquet", "--master", "local[2]", "--threads", "1",
                    "--out", tmp.resolve("files").toString(), "--images"));
            for (String g : given) {
                files.add(pics.resolve(g));
                args.add(pics.resolve(g).toString());
            }
            assertEquals(0, TestFiles.runQuietly(args.toArray(String[]::new)));
            CifarImages images = ImageFiles.read(files, 3, 32, 32, ImageFiles.Resize.STRETCH, new ArrayList<>(),
                    new ArrayList<>(), r -> { });
            AttributionResult want = BatchRunner.run(Methods.create("gradient", net, Methods.Options.defaults()), net, images,
                    Target.parse("class:3", net.spec()), 100, null);
            List<Row> rows = rows(tmp.resolve("files"));
            assertRowsEqual(rows, want, net, i -> files.get(i).toString(), i -> null);
            assertNull(rows.get(0).getAs("label"));

            // A folder, searched and sorted by relative path, with crop resizing.
            assertEquals(0, TestFiles.runQuietly("explain", "--model", model.toString(), "--images", pics.toString(),
                    "--resize", "crop", "--format", "parquet", "--master", "local[1]", "--threads", "1", "--out",
                    tmp.resolve("folder").toString()));
            List<String> sorted = new ArrayList<>(names);
            sorted.sort(null);
            List<Path> all = new ArrayList<>();
            for (String s : sorted) {
                all.add(pics.resolve(s));
            }
            CifarImages cropped = ImageFiles.read(all, 3, 32, 32, ImageFiles.Resize.CROP, new ArrayList<>(),
                    new ArrayList<>(), r -> { });
            AttributionResult guided = BatchRunner.run(Methods.create("guided", net, Methods.Options.defaults()), net,
                    cropped, Target.parse("max-neuron:" + net.spec().seedLayerRef(), net.spec()), 100, null);
            assertRowsEqual(rows(tmp.resolve("folder")), guided, net, sorted::get, i -> null);
        }
    }

    @Test
    void badRequestsExitTwoAndWriteNothing(@TempDir Path tmp) throws Exception {
        Path model = TestFiles.projectRoot().resolve("models/cifar10-seed");
        Path pic = tmp.resolve("x.png");
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", pic.toFile());
        Path o = tmp.resolve("o");
        String[] base = {"explain", "--model", model.toString(), "--images", pic.toString(), "--out", o.toString()};
        assertEquals(2, TestFiles.runQuietly(concat(base, "--format", "xml")));
        assertEquals(2, TestFiles.runQuietly(concat(base, "--master", "local[2]")));
        assertEquals(2, TestFiles.runQuietly(concat(base, "--partitions", "3")));
        assertEquals(2, TestFiles.runQuietly(concat(base, "--format", "parquet", "--scale", "2")));
        assertEquals(2, TestFiles.runQuietly(concat(base, "--format", "parquet", "--dump-activations")));
        assertEquals(2, TestFiles.runQuietly(concat(base, "--format", "parquet", "--master", "local[0]")));
        assertEquals(2, TestFiles.runQuietly(concat(base, "--format", "parquet", "--skip", "1")));
        assertEquals(2, TestFiles.runQuietly(concat(base, "--format", "parquet", "--target", "neuron:conv3_relu:999,0,0")));
        assertEquals(2, TestFiles.runQuietly("explain", "--model", model.toString(), "--images", tmp.resolve("none.png").toString(),
                "--format", "parquet", "--out", o.toString()));
        assertFalse(Files.exists(o));
        assertTrue(Files.isRegularFile(pic));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
