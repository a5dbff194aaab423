package dev.gbp.explore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.GbpInputException;
import dev.gbp.TestFiles;
import dev.gbp.attr.Methods;
import dev.gbp.data.CifarImages;
import dev.gbp.data.ImageFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.Network;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gbp explore --atlas}: an atlas made by {@code gbp atlas}, served by the explorer as it was written. */
class ExplorerAtlasTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<byte[]> get(ExplorerServer s, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theExplorerServesEachChannelsTopImagesAndPatchesAsTheAtlasWroteThem(@TempDir Path tmp) throws Exception {
        Path pics = Files.createDirectories(tmp.resolve("pics"));
        Random rnd = new Random(3);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    img.setRGB(x, y, rnd.nextInt(1 << 24));
                }
            }
            files.add(pics.resolve("p" + i + ".png"));
            ImageIO.write(img, "png", files.get(i).toFile());
        }
        Path model = TestFiles.projectRoot().resolve("models/cifar10-seed");
        Path atlas = tmp.resolve("atlas");
        assertEquals(0, TestFiles.runQuietly("atlas", "--model", model.toString(), "--images", pics.toString(), "--layer",
                "conv2_relu", "--top", "3", "--master", "local[1]", "--threads", "1", "--out", atlas.toString()));
        JsonNode written = JSON.readTree(atlas.resolve("atlas.json").toFile());

        TorchRuntime.start(1);
        try (NDManager root = NDManager.newBaseManager(); Network net = Network.load(model, root)) {
            AtlasView view = AtlasView.read(atlas, net.spec());
            CifarImages images = ImageFiles.read(files, 3, 32, 32, ImageFiles.Resize.STRETCH, new ArrayList<>(),
                    new ArrayList<>(), r -> { });
            List<String> names = List.of("a", "b", "c", "d", "e");
            try (ExplorerServer server = ExplorerServer.start(new Explorer(net, images, names, Methods.Options.defaults(),
                    view), "127.0.0.1", 0)) {
                JsonNode info = JSON.readTree(get(server, "/api/info").body());
                assertEquals("conv2_relu", info.get("defaultLayer").asText(), "the page starts on the atlas's layer");
                assertEquals("conv2_relu", info.get("atlas").get("layer").asText());
                assertEquals(net.spec().resolveLayer("conv2_relu"), info.get("atlas").get("layerIndex").asInt());
                assertEquals(5, info.get("atlas").get("images").asInt());
                int channels = written.get("channels").size();
                assertEquals(channels, info.get("atlas").get("channels").asInt());
                for (int c : new int[] {0, channels / 2, channels - 1}) {
                    JsonNode got = JSON.readTree(get(server, "/api/atlas?c=" + c).body());
                    JsonNode want = written.get("channels").get(c).get("top");
                    assertEquals(want.size(), got.get("top").size());
                    for (int r = 0; r < want.size(); r++) {
                        JsonNode g = got.get("top").get(r);
                        assertEquals(want.get(r).get("image").asText(), g.get("image").asText());
                        assertEquals(want.get(r).get("y").asInt(), g.get("y").asInt());
                        assertEquals(want.get(r).get("x").asInt(), g.get("x").asInt());
                        assertEquals(want.get(r).get("activation").asDouble(), g.get("activation").asDouble(), 1e-6);
                        for (String kind : List.of("image", "map")) {
                            HttpResponse<byte[]> png = get(server, "/api/atlas/patch?c=" + c + "&r=" + r + "&kind=" + kind);
                            assertEquals(200, png.statusCode());
                            assertArrayEquals(Files.readAllBytes(atlas.resolve("patches/c" + c + "-r" + r + "-" + kind + ".png")),
                                    png.body());
                        }
                    }
                }
                for (String bad : List.of("/api/atlas?c=" + channels, "/api/atlas?c=-1", "/api/atlas?c=x",
                        "/api/atlas/patch?c=0&r=3", "/api/atlas/patch?c=0&r=0&kind=..%2F..%2Fatlas.json")) {
                    HttpResponse<byte[]> r = get(server, bad);
                    assertEquals(400, r.statusCode(), bad + ": " + new String(r.body()));
                }
                Files.delete(atlas.resolve("patches/c0-r1-map.png"));
                HttpResponse<byte[]> missing = get(server, "/api/atlas/patch?c=0&r=1&kind=map");
                assertEquals(400, missing.statusCode());
                assertTrue(new String(missing.body()).contains("c0-r1-map.png"));
            }
            // Without an atlas the routes say how to get one.
            try (ExplorerServer server = ExplorerServer.start(new Explorer(net, images, names, Methods.Options.defaults()),
                    "127.0.0.1", 0)) {
                assertTrue(JSON.readTree(get(server, "/api/info").body()).get("atlas").isNull());
                HttpResponse<byte[]> r = get(server, "/api/atlas?c=0");
                assertEquals(400, r.statusCode());
                assertTrue(new String(r.body()).contains("--atlas"));
            }

            // An atlas of another model, or not an atlas, is refused by name.
            ObjectNode other = written.deepCopy();
            other.put("layer", "conv9_relu");
            assertRefused(tmp, other, net, "conv9_relu");
            ObjectNode fewer = written.deepCopy();
            ((ArrayNode) fewer.get("channels")).remove(0);
            assertRefused(tmp, fewer, net, "channels");
            ObjectNode outside = written.deepCopy();
            ((ObjectNode) outside.get("channels").get(0).get("top").get(0)).put("y", 999);
            assertRefused(tmp, outside, net, "\"y\"");
            ObjectNode format = written.deepCopy();
            format.put("format", "gbp-atlas/9");
            assertRefused(tmp, format, net, "gbp-atlas/1");
            assertThrows(GbpInputException.class, () -> AtlasView.read(tmp.resolve("nothing"), net.spec()));
        }
        assertEquals(2, TestFiles.runQuietly("explore", "--model", model.toString(), "--images", files.get(0).toString(),
                "--atlas", tmp.resolve("nothing").toString(), "--port", "0"));
    }

    private static void assertRefused(Path tmp, JsonNode atlas, Network net, String named) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bad-" + System.nanoTime()));
        JSON.writeValue(dir.resolve("atlas.json").toFile(), atlas);
        GbpInputException e = assertThrows(GbpInputException.class, () -> AtlasView.read(dir, net.spec()));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }
}
