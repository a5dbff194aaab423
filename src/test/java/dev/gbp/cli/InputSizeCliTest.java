package dev.gbp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.TestFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import dev.gbp.model.Npy;
import dev.gbp.model.NpyArray;
import dev.gbp.render.Pictures;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models whose input is not CIFAR-10's: a gbp-model/2 graph taking 3 x 40 x 48 images (conv, relu, global
 * average pool, linear), explained and classified on PNG files; CIFAR .bin data refused.
 */
class InputSizeCliTest {
    static final int H = 40;
    static final int W = 48;

    @TempDir
    static Path tmp;

    static Path model;
    static Path[] pngs = new Path[3];

    @BeforeAll
    static void setUp() throws Exception {
        TorchRuntime.start(1);
        ModelSpec spec = new ModelSpec(new int[] {3, H, W}, List.of("alpha", "beta", "gamma"),
                new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f},
                List.of(LayerSpec.conv2d("conv1", 3, 8, 3, 1, 1, true).withInputs("input"),
                        LayerSpec.relu("conv1_relu").withInputs("conv1"),
                        LayerSpec.globalAvgPool().withName("gap").withInputs("conv1_relu"),
                        LayerSpec.linear("fc", 8, 3, true).withInputs("gap")));
        model = Files.createDirectories(tmp.resolve("model"));
        try (NDManager m = NDManager.newBaseManager(); Network net = Network.create(spec, m, 3)) {
            net.save(model);
        }
        Random r = new Random(4);
        for (int k = 0; k < pngs.length; k++) {
            // Two pictures of the model's size and one twice as large (resized).
            int s = k == 2 ? 2 : 1;
            BufferedImage img = new BufferedImage(W * s, H * s, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < H * s; y++) {
                for (int x = 0; x < W * s; x++) {
                    img.setRGB(x, y, r.nextInt(1 << 24));
                }
            }
            pngs[k] = tmp.resolve("pic" + k + ".png");
            ImageIO.write(img, "png", pngs[k].toFile());
        }
    }

    private static String[] withImages(String... args) {
        String[] out = new String[args.length + 1 + pngs.length];
        System.arraycopy(args, 0, out, 0, args.length);
        out[args.length] = "--images";
        for (int k = 0; k < pngs.length; k++) {
            out[args.length + 1 + k] = pngs[k].toString();
        }
        return out;
    }

    @Test
    void explainDrawsPicturesAtTheInputSizeWithTheFieldInPlace() throws Exception {
        Path out = tmp.resolve("explain");
        CliTest.Result r = CliTest.run(withImages("explain", "--model", model.toString(), "--target", "max-neuron:conv1_relu",
                "--threads", "1", "--out", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("gbp explain: resized 1 image to 48 x 40 (stretch)"), r.err());
        assertFalse(r.err().contains("aspect ratio changed"), "doubling keeps the aspect: " + r.err());

        NpyArray maps = Npy.read(out.resolve("maps.npy"));
        assertArrayEquals(new long[] {3, 3, H, W}, maps.shape());
        JsonNode index = new ObjectMapper().readTree(out.resolve("index.json").toFile());
        assertEquals("[3,40,48]", index.get("input").toString());
        // The documented default scale: about 128 pixels on the longer side, 128 / 48 = 2.
        int scale = index.get("picture_scale").asInt();
        assertEquals(2, scale);
        assertEquals(3, index.get("count").asInt());
        assertEquals(List.of("pic0.png", "pic1.png", "pic2.png"),
                List.of(index.get("images").get(0).get("source").asText(), index.get("images").get(1).get("source").asText(),
                        index.get("images").get(2).get("source").asText()));
        List<String> csv = Files.readAllLines(out.resolve("index.csv"));
        assertEquals(4, csv.size());
        assertTrue(csv.get(1).startsWith("0,pic0.png,-1,images/0000.png,"), csv.get(1));

        BufferedImage source = ImageIO.read(pngs[0].toFile());
        BufferedImage picture = ImageIO.read(out.resolve("images/0000.png").toFile());
        JsonNode rf = index.get("images").get(0).get("receptive_field");
        int x0 = rf.get("x0").asInt();
        int y0 = rf.get("y0").asInt();
        int x1 = rf.get("x1").asInt();
        int y1 = rf.get("y1").asInt();
        assertTrue(x1 - x0 <= 2 && y1 - y0 <= 2 && x1 < W && y1 < H, "a 3 x 3 conv's field: " + rf);
        // The image panel starts 6 pixels in; it is W x H at the scale, pixel for pixel the input (outside the box).
        int gap = 6;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                boolean onBox = x >= x0 - 1 && x <= x1 + 1 && y >= y0 - 1 && y <= y1 + 1;
                if (!onBox) {
                    assertEquals(source.getRGB(x, y) & 0xffffff, picture.getRGB(gap + x * scale + 1, gap + y * scale + 1) & 0xffffff,
                            "pixel (" + x + ", " + y + ")");
                }
            }
        }
        // Beside the panel: the gap, then the map panel of the same size.
        assertEquals(0xfafafa, picture.getRGB(gap + W * scale, gap) & 0xffffff, "the image panel is W x scale wide");
        assertEquals(0xfafafa, picture.getRGB(gap, gap + H * scale) & 0xffffff, "the image panel is H x scale high");
        // The receptive field's gold outline where the box is, in input pixels times the scale.
        assertEquals(Pictures.FIELD.getRGB() & 0xffffff, picture.getRGB(gap + x0 * scale, gap + y0 * scale) & 0xffffff);
        assertEquals(Pictures.FIELD.getRGB() & 0xffffff,
                picture.getRGB(gap + (x1 + 1) * scale - 1, gap + (y1 + 1) * scale - 1) & 0xffffff);
        assertEquals(Pictures.FIELD.getRGB() & 0xffffff,
                picture.getRGB(2 * gap + W * scale + x0 * scale, gap + y0 * scale) & 0xffffff, "the box on the map too");

        // At --scale 1 the pictures are the input's size.
        Path one = tmp.resolve("explain1");
        r = CliTest.run(withImages("explain", "--model", model.toString(), "--target", "predicted", "--scale", "1",
                "--threads", "1", "--out", one.toString()));
        assertEquals(0, r.code(), r.err());
        BufferedImage small = ImageIO.read(one.resolve("images/0001.png").toFile());
        assertEquals(0xfafafa, small.getRGB(gap + W, gap) & 0xffffff);
        assertEquals(ImageIO.read(pngs[1].toFile()).getRGB(W - 1, H - 1) & 0xffffff, small.getRGB(gap + W - 1, gap + H - 1) & 0xffffff);
    }

    @Test
    void aSaturatedRelu6NeuronsAllZeroMapIsExplained() throws Exception {
        ModelSpec spec = new ModelSpec(new int[] {3, H, W}, List.of("alpha", "beta", "gamma"),
                new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f},
                List.of(LayerSpec.conv2d("conv1", 3, 16, 3, 1, 1, true).withInputs("input"),
                        LayerSpec.relu6("conv1_relu6").withInputs("conv1"),
                        LayerSpec.globalAvgPool().withName("gap").withInputs("conv1_relu6"),
                        LayerSpec.linear("fc", 16, 3, true).withInputs("gap")));
        Path saturated = Files.createDirectories(tmp.resolve("saturated"));
        try (NDManager m = NDManager.newBaseManager(); Network net = Network.create(spec, m, 3)) {
            java.util.Map<String, dev.gbp.model.NpyArray> w = net.weights();
            float[] bias = new float[16];
            java.util.Arrays.fill(bias, 100f); // every conv1 output far above 6
            w.put("conv1.bias", new dev.gbp.model.NpyArray(new long[] {16}, bias));
            net.setWeights(w, "test");
            net.save(saturated);
        }
        CliTest.Result r = CliTest.run(withImages("explain", "--model", saturated.toString(), "--target",
                "max-neuron:conv1_relu6", "--out", tmp.resolve("saturated-out").toString(), "--threads", "1"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("3 images got an all-zero map although the chosen activation is not 0"), r.err());
        assertTrue(r.err().contains("ReLU6"), r.err());
    }

    @Test
    void reportSanityAndFaithfulnessTakePicturesGroupedByPrediction() throws Exception {
        Path out = tmp.resolve("report");
        CliTest.Result r = CliTest.run(withImages("report", "--model", model.toString(), "--samples", "2", "--steps", "2",
                "--threads", "1", "--out", out.toString()));
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains(", 3 image files, computed in"), "the header says what the images are");
        assertTrue(html.contains("grouped by the class the network predicts"), "pictures have no labels");
        // Every picture in the seed gallery once, under the class predicted for it.
        JsonNode predictions = new ObjectMapper().readTree(CliTest.run(withImages("predict", "--model", model.toString(),
                "--threads", "1", "--json")).out()).get("images");
        List<String> names = List.of("alpha", "beta", "gamma");
        int shown = 0;
        for (int k = 0; k < 3; k++) {
            final int c = k;
            long predictedHere = java.util.stream.StreamSupport.stream(predictions.spliterator(), false)
                    .filter(im -> im.get("predicted").asInt() == c).count();
            assertEquals(predictedHere > 0, html.contains("<h3>predicted " + names.get(k) + "</h3>"), names.get(k));
            shown += predictedHere;
        }
        assertEquals(3, shown);
        for (int i = 0; i < 3; i++) {
            BufferedImage tile = ImageIO.read(out.resolve(String.format("seed/%04d.png", i)).toFile());
            // Two panels at 96 / 48 = 2 times the input, beside each other.
            assertTrue(tile.getWidth() >= 2 * 2 * W && tile.getWidth() < 2 * 2 * W + 40, "tile width " + tile.getWidth());
            assertTrue(html.contains("alt=\"pic" + i + ".png\""), "alt text names the file");
        }
        assertTrue(Files.isRegularFile(out.resolve("controls/0002.png")));
        // Faithfulness takes a 32nd of the pixels per step by default: 40 x 48 / 32 = 60.
        assertEquals(60, new ObjectMapper().readTree(out.resolve("faithfulness-class.json").toFile()).get("pixels_per_step").asInt());

        Path faith = tmp.resolve("faith");
        r = CliTest.run(withImages("faithfulness", "--model", model.toString(), "--methods", "guided,gradient", "--target",
                "predicted", "--threads", "1", "--out", faith.toString()));
        assertEquals(0, r.code(), r.err());
        JsonNode f = new ObjectMapper().readTree(faith.resolve("faithfulness.json").toFile());
        assertEquals(3, f.get("images").asInt());
        assertEquals(60, f.get("pixels_per_step").asInt());
        Path sanity = tmp.resolve("sanity");
        r = CliTest.run(withImages("sanity", "--model", model.toString(), "--methods", "gradient", "--first", "2",
                "--threads", "1", "--out", sanity.toString()));
        assertEquals(0, r.code(), r.err());
        assertEquals(2, new ObjectMapper().readTree(sanity.resolve("sanity.json").toFile()).get("images").asInt());
        // --data and --images exclude each other here too.
        r = CliTest.run(withImages("sanity", "--model", model.toString(), "--methods", "gradient", "--data",
                tmp.toString(), "--out", tmp.resolve("never").toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--data and --images exclude each other"), r.err());
        assertFalse(Files.exists(tmp.resolve("never")));
    }

    @Test
    void cifarDataIsRefusedNamingTheInputSize() throws Exception {
        Path data = TestFiles.writeCifarFolder(tmp.resolve("cifar"), 3);
        CliTest.Result explain = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--threads", "1",
                "--out", tmp.resolve("never").toString());
        assertEquals(2, explain.code(), explain.err());
        assertTrue(explain.err().contains("the model takes 3 x 40 x 48 images but CIFAR-10 .bin data (--data) holds 3 x 32 x 32"
                + " images; give pictures with --images"), explain.err());
        assertFalse(Files.exists(tmp.resolve("never")));
        CliTest.Result eval = CliTest.run("eval", "--model", model.toString(), "--data", data.toString(), "--threads", "1");
        assertEquals(2, eval.code(), eval.err());
        assertTrue(eval.err().contains("3 x 40 x 48") && eval.err().contains("--images"), eval.err());
        CliTest.Result report = CliTest.run("report", "--model", model.toString(), "--data", data.toString(), "--threads", "1",
                "--out", tmp.resolve("never-report").toString());
        assertEquals(2, report.code(), report.err());
        assertTrue(report.err().contains("3 x 40 x 48") && report.err().contains("--images"), report.err());
        assertFalse(Files.exists(tmp.resolve("never-report")));
        CliTest.Result bin = CliTest.run("predict", "--model", model.toString(), "--images",
                data.resolve("test_batch.bin").toString(), "--threads", "1");
        assertEquals(2, bin.code(), bin.err());
        assertTrue(bin.err().contains("3 x 32 x 32") && bin.err().contains("3 x 40 x 48"), bin.err());
    }

    @Test
    void predictGivesATableAndJson() throws Exception {
        CliTest.Result table = CliTest.run(withImages("predict", "--model", model.toString(), "--threads", "1"));
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("pic0.png: predicted "), table.out());
        assertTrue(table.out().contains("rank"), table.out());
        assertTrue(table.err().contains("resized 1 image to 48 x 40"), table.err());

        CliTest.Result json = CliTest.run(withImages("predict", "--model", model.toString(), "--threads", "1", "--json"));
        assertEquals(0, json.code(), json.err());
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertEquals(1, root.size());
        JsonNode images = root.get("images");
        assertEquals(3, images.size());
        for (JsonNode im : images) {
            assertEquals(List.of("file", "logits", "predicted", "probability", "top5"), fieldNames(im));
            assertEquals(3, im.get("logits").size());
            assertEquals(3, im.get("top5").size(), "top 5 of 3 classes: all 3");
            int best = 0;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                double v = im.get("logits").get(c).asDouble();
                if (v > max) {
                    max = v;
                    best = c;
                }
            }
            for (int c = 0; c < 3; c++) {
                sum += Math.exp(im.get("logits").get(c).asDouble() - max);
            }
            assertEquals(best, im.get("predicted").asInt());
            assertEquals(1 / sum, im.get("probability").asDouble(), 1e-6);
            assertEquals(best, im.get("top5").get(0).get("class").asInt());
            assertEquals(List.of("alpha", "beta", "gamma").get(best), im.get("top5").get(0).get("name").asText());
            assertTrue(im.get("top5").get(0).get("probability").asDouble() >= im.get("top5").get(1).get("probability").asDouble());
        }
        assertEquals("pic2.png", images.get(2).get("file").asText());

        CliTest.Result missing = CliTest.run("predict", "--model", model.toString(), "--images", tmp.resolve("nope.png").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope.png: no such file"), missing.err());
        CliTest.Result notImage = CliTest.run("predict", "--model", model.toString(), "--images",
                model.resolve("model.json").toString());
        assertEquals(2, notImage.code());
        assertTrue(notImage.err().contains("not a PNG, JPEG"), notImage.err());
        CliTest.Result none = CliTest.run("predict", "--model", model.toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("--images FILE... is required"), none.err());
        CliTest.Result noModel = CliTest.run(withImages("predict", "--model", tmp.resolve("no-model").toString()));
        assertEquals(2, noModel.code(), noModel.err());
    }

    private static List<String> fieldNames(JsonNode o) {
        List<String> names = new java.util.ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
