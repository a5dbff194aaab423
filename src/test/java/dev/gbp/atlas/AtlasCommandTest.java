package dev.gbp.atlas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.TestFiles;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.GuidedBackprop;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.data.CifarReader;
import dev.gbp.data.ImageFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.Network;
import dev.gbp.model.ReceptiveField;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gbp atlas} on embedded Spark against a plain loop written here (no Spark, no atlas code): the network run to
 * the layer, each channel's first maximum found by hand, images sorted by it. Its maps against guided backprop of
 * {@code neuron:L:c,y,x} on the image alone, cropped to the neuron's receptive field.
 */
class AtlasCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void engine() {
        TorchRuntime.start(1);
    }

    /** One reference entry. */
    record Ref(long image, int y, int x, float activation) {}

    /** Per channel, every image's maximum and its first position, sorted best first (ties: smaller image). */
    static List<List<Ref>> plainLoop(Network net, int layer, CifarImages images) {
        long[] shape = net.spec().outputShape(layer);
        int channels = (int) shape[0];
        int h = (int) shape[1];
        int w = (int) shape[2];
        List<List<Ref>> out = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            out.add(new ArrayList<>());
        }
        for (int from = 0; from < images.size(); from += 100) {
            int to = Math.min(images.size(), from + 100);
            float[] v;
            try (NDScope s = new NDScope()) {
                v = net.forwardTo(net.preprocess(net.manager(), images, from, to), layer).toFloatArray();
            }
            for (int i = 0; i < to - from; i++) {
                for (int c = 0; c < channels; c++) {
                    int best = -1;
                    for (int p = 0; p < h * w; p++) {
                        int k = (i * channels + c) * h * w + p;
                        if (best < 0 || v[k] > v[(i * channels + c) * h * w + best]) {
                            best = p;
                        }
                    }
                    out.get(c).add(new Ref(from + i, best / w, best % w, v[(i * channels + c) * h * w + best]));
                }
            }
        }
        for (List<Ref> l : out) {
            l.sort(Comparator.comparingDouble((Ref r) -> -r.activation()).thenComparingLong(Ref::image));
        }
        return out;
    }

    /** The atlas's lists equal the reference's: activations within 1e-5; images equal, or tied within 1e-5. */
    static void assertSameRanking(JsonNode atlas, List<List<Ref>> ref, int top, java.util.function.Function<JsonNode, Long> image) {
        assertEquals(ref.size(), atlas.get("channels").size());
        for (JsonNode ch : atlas.get("channels")) {
            int c = ch.get("channel").asInt();
            JsonNode list = ch.get("top");
            assertEquals(top, list.size(), "channel " + c);
            for (int r = 0; r < top; r++) {
                Ref want = ref.get(c).get(r);
                JsonNode got = list.get(r);
                float a = (float) got.get("activation").asDouble();
                assertEquals(want.activation(), a, 1e-5 * Math.max(1, Math.abs(a)), "channel " + c + " rank " + r);
                long img = image.apply(got.get("image"));
                if (img != want.image()) {
                    // A near-tie may order differently when batches differ; its activation must then tie.
                    Ref other = ref.get(c).stream().filter(x -> x.image() == img).findFirst().orElseThrow();
                    assertEquals(want.activation(), other.activation(), 1e-5 * Math.max(1, Math.abs(a)),
                            "channel " + c + " rank " + r + ": image " + img + " instead of " + want.image());
                } else {
                    assertEquals(want.y(), got.get("y").asInt(), "channel " + c + " rank " + r);
                    assertEquals(want.x(), got.get("x").asInt(), "channel " + c + " rank " + r);
                }
            }
        }
    }

    @Test
    void onCifarTestImagesTheSparkAtlasEqualsAPlainLoopAndItsMapsEqualNeuronTargets(@TempDir Path tmp) throws Exception {
        int n = 2000;
        Path bin = TestFiles.realTestHead(tmp.resolve("d"), n);
        Path out = tmp.resolve("atlas");
        Path model = TestFiles.projectRoot().resolve("models/cifar10-cnn");
        assertEquals(0, TestFiles.runQuietly("atlas", "--model", model.toString(), "--data", bin.toString(), "--layer",
                "conv3_relu", "--top", "9", "--master", "local[2]", "--partitions", "4", "--threads", "1", "--out",
                out.toString()));
        JsonNode atlas = JSON.readTree(out.resolve("atlas.json").toFile());
        assertEquals("gbp-atlas/1", atlas.get("format").asText());
        assertEquals(n, atlas.get("images").asInt());
        assertTrue(Files.isRegularFile(out.resolve("atlas.html")));

        CifarImages images = CifarReader.readFile(bin, CifarImages.DEFAULT_CLASSES);
        try (NDManager root = NDManager.newBaseManager(); Network net = Network.load(model, root)) {
            int layer = net.spec().resolveLayer("conv3_relu");
            assertSameRanking(atlas, plainLoop(net, layer, images), 9, JsonNode::asLong);

            // The Parquet table's map crops against guided backprop of the same neuron on the image alone.
            SparkSession spark = Sparks.session("local[1]", false);
            try {
                List<Row> rows = spark.read().parquet(out.resolve(AtlasWriter.TABLE).toUri().toString())
                        .where("channel < 6 and (rank = 0 or rank = 8)").collectAsList();
                assertEquals(12, rows.size());
                for (Row row : rows) {
                    int c = row.getAs("channel");
                    int y = row.getAs("y");
                    int x = row.getAs("x");
                    long img = row.getAs("image");
                    float[] want;
                    try (NDScope s = new NDScope()) {
                        NDArray in = net.preprocess(net.manager(), images, (int) img, (int) img + 1);
                        AttributionResult r = GuidedBackprop.of(net).attribute(in,
                                Target.parse("neuron:conv3_relu:" + c + "," + y + "," + x, net.spec()));
                        want = r.maps();
                    }
                    int[] box = ReceptiveField.of(net.spec(), layer, y, x);
                    assertArrayEquals(box, new int[] {row.getAs("box_x0"), row.getAs("box_y0"), row.getAs("box_x1"),
                            row.getAs("box_y1")});
                    List<Float> got = row.getList(row.fieldIndex("map_crop"));
                    int bw = box[2] - box[0] + 1;
                    int bh = box[3] - box[1] + 1;
                    assertEquals(3 * bw * bh, got.size());
                    float scale = 0;
                    for (float v : want) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    assertTrue(scale > 0, "channel " + c + ": an all-zero map");
                    for (int ch = 0; ch < 3; ch++) {
                        for (int yy = 0; yy < bh; yy++) {
                            for (int xx = 0; xx < bw; xx++) {
                                float w = want[(ch * 32 + box[1] + yy) * 32 + box[0] + xx];
                                assertEquals(w, got.get((ch * bh + yy) * bw + xx), 1e-6 * scale, "channel " + c);
                            }
                        }
                    }
                    // Outside the field the map is zero: the crop loses nothing.
                    double outside = 0;
                    for (int ch = 0; ch < 3; ch++) {
                        for (int yy = 0; yy < 32; yy++) {
                            for (int xx = 0; xx < 32; xx++) {
                                if (yy < box[1] || yy > box[3] || xx < box[0] || xx > box[2]) {
                                    outside = Math.max(outside, Math.abs(want[(ch * 32 + yy) * 32 + xx]));
                                }
                            }
                        }
                    }
                    assertEquals(0, outside, 0);
                }
            } finally {
                spark.stop();
            }
        }
    }

    @Test
    void aFolderOfPicturesIsRankedByRelativePath(@TempDir Path tmp) throws Exception {
        Path pics = tmp.resolve("pics");
        Random rnd = new Random(7);
        List<String> names = List.of("b/z.png", "a/2.jpg", "a/10.png", "c/d/e.png", "top.png", "a/1.png");
        for (String name : names) {
            Path f = pics.resolve(name);
            Files.createDirectories(f.getParent());
            BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 30; y++) {
                for (int x = 0; x < 40; x++) {
                    img.setRGB(x, y, rnd.nextInt(1 << 24));
                }
            }
            ImageIO.write(img, name.endsWith(".jpg") ? "jpg" : "png", f.toFile());
        }
        Files.writeString(pics.resolve("a/notes.txt"), "not a picture");
        Path out = tmp.resolve("atlas");
        Path model = TestFiles.projectRoot().resolve("models/cifar10-seed");
        assertEquals(0, TestFiles.runQuietly("atlas", "--model", model.toString(), "--images", pics.toString(), "--layer",
                "conv3_relu", "--top", "3", "--master", "local[2]", "--threads", "1", "--out", out.toString()));
        JsonNode atlas = JSON.readTree(out.resolve("atlas.json").toFile());
        assertEquals("images", atlas.get("split").asText());
        assertEquals(names.size(), atlas.get("images").asInt());
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        List<Path> files = new ArrayList<>();
        for (String s : sorted) {
            files.add(pics.resolve(s));
        }
        CifarImages images = ImageFiles.read(files, 3, 32, 32, ImageFiles.Resize.STRETCH, new ArrayList<>(),
                new ArrayList<>(), r -> { });
        try (NDManager root = NDManager.newBaseManager(); Network net = Network.load(model, root)) {
            int layer = net.spec().resolveLayer("conv3_relu");
            assertSameRanking(atlas, plainLoop(net, layer, images), 3, node -> (long) sorted.indexOf(node.asText()));
        }
        assertTrue(Files.isRegularFile(out.resolve(AtlasWriter.PATCHES).resolve("c0-r0-map.png")));
        assertTrue(Files.readString(out.resolve("atlas.html")).contains("c0-r2-image.png"));
    }

    @Test
    void badRequestsExitTwoBeforeSparkStarts(@TempDir Path tmp) throws Exception {
        Path model = TestFiles.projectRoot().resolve("models/cifar10-seed");
        Path pics = Files.createDirectories(tmp.resolve("p"));
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", pics.resolve("x.png").toFile());
        String[] base = {"atlas", "--model", model.toString(), "--images", pics.toString(), "--out", tmp.resolve("o").toString()};
        assertEquals(2, TestFiles.runQuietly(concat(base, "--layer", "fc")));
        assertEquals(2, TestFiles.runQuietly(concat(base, "--layer", "nope")));
        assertEquals(2, TestFiles.runQuietly(concat(base, "--layer", "conv3_relu", "--top", "0")));
        assertEquals(2, TestFiles.runQuietly(concat(base, "--layer", "conv3_relu", "--top", "2")));
        assertEquals(2, TestFiles.runQuietly(concat(base, "--layer", "conv3_relu", "--master", "local[x]")));
        assertEquals(2, TestFiles.runQuietly("atlas", "--model", model.toString(), "--images", tmp.resolve("none").toString(),
                "--layer", "conv3_relu", "--out", tmp.resolve("o").toString()));
        assertTrue(!Files.exists(tmp.resolve("o")));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
