package dev.gbp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.TestFiles;
import dev.gbp.attr.GuidedBackprop;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.data.CifarReader;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.DefaultArchitecture;
import dev.gbp.model.Network;
import dev.gbp.model.Npy;
import dev.gbp.model.NpyArray;
import dev.gbp.model.Npz;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gbp explain end to end on hand-made data and a randomly initialised default network. */
class ExplainCliTest {
    @TempDir
    static Path tmp;

    static Path data;
    static Path model;

    @BeforeAll
    static void setUp() throws Exception {
        TorchRuntime.start(1);
        data = TestFiles.writeCifarFolder(tmp.resolve("cifar"), 12);
        model = Files.createDirectories(tmp.resolve("model"));
        try (NDManager m = NDManager.newBaseManager(); Network net = Network.create(DefaultArchitecture.cifar10(), m, 2)) {
            net.save(model);
        }
    }

    @Test
    void writesPicturesMapsIndexesAndGallery() throws Exception {
        Path out = tmp.resolve("explain");
        CliTest.Result r = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--skip", "2",
                "--first", "5", "--target", "max-neuron:conv3_relu", "--batch-size", "2", "--out", out.toString(),
                "--dump-activations", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        for (int i = 0; i < 5; i++) {
            BufferedImage png = ImageIO.read(out.resolve(String.format("images/%04d.png", i)).toFile());
            assertTrue(png.getWidth() >= 2 * 128, "image and map side by side at x4");
        }
        NpyArray maps = Npy.read(out.resolve("maps.npy"));
        assertArrayEquals(new long[] {5, 3, 32, 32}, maps.shape());
        JsonNode index = new ObjectMapper().readTree(out.resolve("index.json").toFile());
        assertEquals(5, index.get("count").asInt());
        assertEquals("color", index.get("normalization").asText());
        JsonNode first = index.get("images").get(0);
        assertEquals(2, first.get("index").asInt());
        assertEquals("conv3_relu", first.get("layer_name").asText());
        for (String f : List.of("label", "predicted", "probability", "activation", "runner_up_gap", "neuron", "receptive_field")) {
            assertTrue(first.has(f), f);
        }
        assertEquals(3, index.get("relu_sites_with_rule").asInt());
        assertEquals(6, Files.readAllLines(out.resolve("index.csv")).size());
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("images/0004.png"));
        // One card per picture, its edge the verdict index.json gives; the picture names the image, so the page does
        // not repeat it in text (only in the tooltip and alt text).
        for (int i = 0; i < 5; i++) {
            JsonNode e = index.get("images").get(i);
            String verdict = e.get("label").asInt() == e.get("predicted").asInt() ? "right" : "wrong";
            String card = "<div class=\"card " + verdict + "\" title=\"" + e.get("source").asText() + " ";
            assertTrue(html.contains(card), card);
        }
        assertEquals(5, html.split("<div class=\"card ", -1).length - 1);
        assertFalse(html.contains("&rarr;"), "no caption repeated under the pictures");

        // The maps are the library's maps for the same images (batching and file writing change nothing).
        CifarImages test = CifarReader.read(data, CifarReader.Split.TEST).slice(2, 7);
        try (NDManager m = NDManager.newBaseManager(); Network net = Network.load(model, m)) {
            float[] direct = GuidedBackprop.of(net).attribute(net.preprocess(m, test, 0, 5), Target.maxNeuron("conv3_relu")).maps();
            assertArrayEquals(direct, maps.data(), 1e-5f);
        }
        Map<String, NpyArray> acts = Npz.read(out.resolve("activations.npz"));
        assertArrayEquals(new long[] {5, 10}, acts.get("logits").shape());
        assertArrayEquals(new long[] {5, 64, 16, 16}, acts.get("layer09_conv3_relu").shape());
    }

    @Test
    void imageFilesOfAnySizeGrayscaleAndAlphaAreAccepted() throws Exception {
        Path gray = tmp.resolve("gray.png");
        BufferedImage g = new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSample(10, 10, 0, 200);
        ImageIO.write(g, "png", gray.toFile());
        Path alpha = tmp.resolve("alpha.png");
        BufferedImage a = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
        a.setRGB(3, 3, 0x80ff0000);
        ImageIO.write(a, "png", alpha.toFile());
        Path out = tmp.resolve("files");
        CliTest.Result r = CliTest.run("explain", "--model", model.toString(), "--images", gray.toString(), alpha.toString(),
                data.resolve("test_batch.bin").toString(), "--first", "4", "--method", "deconvnet", "--target", "class:cat",
                "--normalize", "gray", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode index = new ObjectMapper().readTree(out.resolve("index.json").toFile());
        assertEquals("gray.png", index.get("images").get(0).get("source").asText());
        assertEquals(-1, index.get("images").get(0).get("label").asInt());
        assertEquals("test_batch.bin#1", index.get("images").get(3).get("source").asText());
        assertEquals(1, index.get("images").get(3).get("index").asInt());
        assertEquals(3, index.get("images").get(0).get("class").asInt());
    }

    @Test
    void badInputsFailCleanlyWithoutOutput() throws Exception {
        Path notImage = tmp.resolve("notes.txt");
        Files.writeString(notImage, "hello");
        Path out = tmp.resolve("never");
        CliTest.Result r = CliTest.run("explain", "--model", model.toString(), "--images", notImage.toString(),
                "--target", "max-neuron:conv3_relu", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("notes.txt"), r.err());
        r = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--target", "max-neuron:conv33",
                "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("conv33") && r.err().contains("conv3_relu"), r.err());
        r = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--target", "max-neuron:conv3_relu",
                "--method", "lrp", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("lrp"), r.err());
        r = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--target", "max-neuron:conv3_relu",
                "--normalize", "rainbow", "--out", out.toString());
        assertEquals(2, r.code());
        assertFalse(Files.exists(out));

        Path existing = Files.createDirectories(tmp.resolve("existing"));
        Files.writeString(existing.resolve("keep.txt"), "mine");
        r = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--first", "1", "--target",
                "predicted", "--out", existing.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--force"));
        assertEquals("mine", Files.readString(existing.resolve("keep.txt")));

        Path underAFile = existing.resolve("keep.txt").resolve("maps");
        r = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--first", "1", "--target",
                "predicted", "--out", underAFile.toString());
        assertEquals(2, r.code(), "the user's path is at fault: " + r.err());
        assertTrue(r.err().contains(underAFile.toString()) && r.err().contains("is a file, not a folder"), r.err());
        assertFalse(r.err().contains("Exception"), "no stack trace: " + r.err());
    }

    @Test
    void exploreRefusesABadOrBusyPortWithTheReason() throws Exception {
        CliTest.Result r = CliTest.run("explore", "--model", model.toString(), "--data", data.toString(), "--port", "70000");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--port must be 0..65535"), r.err());
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            r = CliTest.run("explore", "--model", model.toString(), "--data", data.toString(), "--first", "3",
                    "--port", Integer.toString(busy.getLocalPort()), "--threads", "1");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + busy.getLocalPort()) && r.err().contains("--port"),
                    r.err());
        }
    }

    @Test
    void demoInteriorChoosesNeuronsWhoseFieldIsMostlyInsideAndABadLayerIsNamed() throws Exception {
        Path out = tmp.resolve("demo-interior");
        CliTest.Result r = CliTest.run("demo", "--model", model.toString(), "--data", data.toString(), "--first", "12",
                "--interior", "--out", out.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        com.fasterxml.jackson.databind.JsonNode index = new ObjectMapper().readTree(out.resolve("index.json").toFile());
        assertEquals("max-interior-neuron:conv3_relu", index.get("target").asText());
        for (com.fasterxml.jackson.databind.JsonNode im : index.get("images")) {
            com.fasterxml.jackson.databind.JsonNode rf = im.get("receptive_field");
            double inside = rf.get("inside_fraction").asDouble();
            assertTrue(inside >= 0.5, im.toString());
            // The fraction is the clipped box's area over the whole field's.
            double box = (rf.get("x1").asInt() - rf.get("x0").asInt() + 1) * (rf.get("y1").asInt() - rf.get("y0").asInt() + 1);
            assertEquals(box / (rf.get("width").asInt() * rf.get("height").asInt()), inside, 1e-12);
            assertEquals(inside < 1, rf.get("clipped").asBoolean());
        }
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("id=border") && html.contains("sees 10 x 10 px of the 32 x 32 image"), "border section, field size");
        Path bad = tmp.resolve("demo-bad-layer");
        CliTest.Result e = CliTest.run("demo", "--model", model.toString(), "--data", data.toString(), "--layer", "conv99",
                "--out", bad.toString());
        assertEquals(2, e.code());
        assertTrue(e.err().contains("--layer") && e.err().contains("conv99"), e.err());
        assertFalse(Files.exists(bad));
    }

    @Test
    void demoWritesTheClassSectionsContactSheetAndTopTwentyFive() throws Exception {
        Path out = tmp.resolve("demo");
        CliTest.Result r = CliTest.run("demo", "--model", model.toString(), "--data", data.toString(), "--first", "12",
                "--out", out.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("id=\"class-8\"") && html.contains("Ships") && html.contains("Top 25"), "sections");
        assertTrue(html.indexOf("id=\"class-8\"") < html.indexOf("id=\"class-0\""), "ships come first, as in the seed");
        assertTrue(Files.isRegularFile(out.resolve("contact-sheet.png")));
        assertArrayEquals(new long[] {12, 3, 32, 32}, Npy.read(out.resolve("maps-gradient.npy")).shape());
        assertTrue(Files.isRegularFile(out.resolve("tiles/0011-deconvnet.png")));
        // A second run replaces its own previous output without --force.
        assertEquals(0, CliTest.run("demo", "--model", model.toString(), "--data", data.toString(), "--first", "3",
                "--out", out.toString()).code());
        assertEquals(3, new ObjectMapper().readTree(out.resolve("index.json").toFile()).get("count").asInt());
    }
}
