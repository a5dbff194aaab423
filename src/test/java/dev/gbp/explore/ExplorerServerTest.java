package dev.gbp.explore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.TestFiles;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.GuidedBackprop;
import dev.gbp.attr.Methods;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.DefaultArchitecture;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import dev.gbp.render.Normalization;
import dev.gbp.render.Pictures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The explorer over real HTTP, on a randomly initialised default network and hand-made images. */
class ExplorerServerTest {
    static NDManager root;
    static Network net;
    static CifarImages images;
    static ExplorerServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        TorchRuntime.start(1);
        root = NDManager.newBaseManager();
        net = Network.create(DefaultArchitecture.cifar10(), root, 3);
        images = madeImages();
        server = ExplorerServer.start(new Explorer(net, images, sources(), Methods.Options.defaults()), "127.0.0.1", 0);
    }

    /** Six made-up CIFAR-style images. */
    static CifarImages madeImages() {
        byte[] records = TestFiles.records(6, 7);
        byte[] pixels = new byte[6 * CifarImages.PIXELS];
        int[] labels = new int[6];
        for (int i = 0; i < 6; i++) {
            labels[i] = records[i * CifarImages.RECORD_BYTES];
            System.arraycopy(records, i * CifarImages.RECORD_BYTES + 1, pixels, i * CifarImages.PIXELS, CifarImages.PIXELS);
        }
        return new CifarImages(pixels, labels, CifarImages.DEFAULT_CLASSES);
    }

    /** A name per {@link #madeImages()} image. */
    static List<String> sources() {
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sources.add("made.bin#" + i);
        }
        return sources;
    }

    @AfterAll
    static void stop() {
        server.close();
        net.close();
        root.close();
    }

    static HttpResponse<byte[]> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(String path, int status) throws Exception {
        HttpResponse<byte[]> r = get(path);
        assertEquals(status, r.statusCode(), path + ": " + new String(r.body()));
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        return JSON.readTree(r.body());
    }

    @Test
    void explainAnswersTheLibrarysMapAndNeuron() throws Exception {
        JsonNode e = json("/api/explain?i=4&method=guided&target=max-neuron%3Aconv3_relu&normalize=gray", 200);
        AttributionResult expected;
        try (NDScope scope = new NDScope()) {
            NDArray x = net.preprocess(net.manager(), images, 4, 5);
            expected = GuidedBackprop.of(net).attribute(x, Target.maxNeuron("conv3_relu"));
        }
        assertEquals(expected.choice(0).c(), e.get("c").asInt());
        assertEquals(expected.choice(0).y(), e.get("y").asInt());
        assertEquals(expected.choice(0).x(), e.get("x").asInt());
        assertEquals(expected.choice(0).activation(), (float) e.get("activation").asDouble(), 1e-6);
        assertEquals(images.label(4), e.get("label").asInt());

        String uri = e.get("mapPng").asText();
        assertTrue(uri.startsWith("data:image/png;base64,"));
        BufferedImage served = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(uri.substring(22))));
        BufferedImage drawn = Pictures.map(expected.map(0), 3, 32, 32, Normalization.GRAY, Explorer.VIEW / 32);
        assertEquals(Explorer.VIEW, served.getWidth());
        assertArrayEquals(drawn.getRGB(0, 0, 256, 256, null, 0, 256), served.getRGB(0, 0, 256, 256, null, 0, 256),
                "the served map is the library's map, drawn the same way");
        assertEquals(5, e.get("top").size());
    }

    @Test
    void explainWithoutMethodOrTargetIsGuidedOnTheSeedLayersMostActiveNeuron() throws Exception {
        assertEquals("conv3_relu", net.spec().seedLayerRef());
        JsonNode e = json("/api/explain?i=1", 200);
        AttributionResult expected;
        try (NDScope scope = new NDScope()) {
            expected = GuidedBackprop.of(net).attribute(net.preprocess(net.manager(), images, 1, 2), Target.maxNeuron("conv3_relu"));
        }
        assertEquals("guided", e.get("method").asText());
        assertEquals("max-neuron:conv3_relu", e.get("target").asText());
        assertEquals(net.spec().resolveLayer("conv3_relu"), e.get("layer").asInt());
        assertEquals(expected.choice(0).c(), e.get("c").asInt());
        assertEquals(expected.choice(0).y(), e.get("y").asInt());
        assertEquals(expected.choice(0).x(), e.get("x").asInt());
        assertEquals("color", e.get("request").get("normalize").asText());
        // An empty target is no target either; a method alone keeps the default target.
        assertEquals("max-neuron:conv3_relu", json("/api/explain?i=1&target=", 200).get("target").asText());
        JsonNode gradient = json("/api/explain?i=1&method=gradient", 200);
        assertEquals("max-neuron:conv3_relu", gradient.get("target").asText());
        assertEquals("gradient", gradient.get("method").asText());

        JsonNode info = json("/api/info", 200);
        assertEquals("guided", info.get("defaultMethod").asText());
        assertEquals("conv3_relu", info.get("defaultLayer").asText());
    }

    @Test
    void aNetworkWithoutASeedLayerNeedsATarget() throws Exception {
        // flatten -> linear: no ReLU after a convolution, so no seed layer to default to.
        ModelSpec spec = new ModelSpec(new int[] {3, 32, 32}, CifarImages.DEFAULT_CLASSES, new float[] {0, 0, 0},
                new float[] {1, 1, 1}, List.of(LayerSpec.flatten(), LayerSpec.linear("fc", 3 * 32 * 32, 10, true)));
        try (Network flat = Network.create(spec, root, 5);
                ExplorerServer other = ExplorerServer.start(new Explorer(flat, images, List.of("a", "b", "c", "d", "e", "f"),
                        Methods.Options.defaults()), "127.0.0.1", 0)) {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(other.url() + "api/explain?i=0")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(400, r.statusCode());
            assertTrue(JSON.readTree(r.body()).get("error").asText().contains("'target' is missing"), new String(r.body()));
            r = HTTP.send(HttpRequest.newBuilder(URI.create(other.url() + "api/explain?i=0&target=predicted")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), new String(r.body()));
            r = HTTP.send(HttpRequest.newBuilder(URI.create(other.url() + "api/info")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertTrue(JSON.readTree(r.body()).get("defaultLayer").isNull());
        }
    }

    @Test
    void aSaturatedRelu6NeuronsAllZeroMapIsFlaggedAndTheOthersAreNot() throws Exception {
        ModelSpec spec = new ModelSpec(new int[] {3, 32, 32}, CifarImages.DEFAULT_CLASSES, new float[] {0, 0, 0},
                new float[] {1, 1, 1}, List.of(LayerSpec.conv2d("conv1", 3, 16, 3, 1, 1, true).withInputs("input"),
                        LayerSpec.relu6("conv1_relu6").withInputs("conv1"),
                        LayerSpec.globalAvgPool().withName("gap").withInputs("conv1_relu6"),
                        LayerSpec.linear("fc", 16, 10, true).withInputs("gap")));
        try (Network saturated = Network.create(spec, root, 5)) {
            java.util.Map<String, dev.gbp.model.NpyArray> w = saturated.weights();
            float[] bias = new float[16];
            java.util.Arrays.fill(bias, 100f); // every conv1 output far above 6
            w.put("conv1.bias", new dev.gbp.model.NpyArray(new long[] {16}, bias));
            saturated.setWeights(w, "test");
            Explorer explorer = new Explorer(saturated, images, sources(), Methods.Options.defaults());
            Explanation e = explorer.explain(new Explanation.Request(0, "guided", "max-neuron:conv1_relu6", "gray"));
            assertEquals(6f, e.activation());
            assertFalse(e.zero());
            assertTrue(e.flat(), "a neuron at the ReLU6's ceiling passes no gradient");
            // The same network explained for its class is not flat.
            assertFalse(explorer.explain(new Explanation.Request(0, "gradient", "max-neuron:conv1", "gray")).flat());
        }
        assertFalse(JSON.readTree(get("/api/explain?i=0").body()).get("flat").asBoolean(), "a ReLU neuron with a map");
    }

    @Test
    void activationsGiveEachChannelsMaximumAndItsFirstPosition() throws Exception {
        JsonNode a = json("/api/activations?i=2&layer=conv3_relu", 200);
        float[] out;
        try (NDScope scope = new NDScope()) {
            out = net.forwardTo(net.preprocess(net.manager(), images, 2, 3), net.spec().resolveLayer("conv3_relu"))
                    .toFloatArray();
        }
        assertEquals(64, a.get("channels").size());
        for (JsonNode ch : a.get("channels")) {
            int c = ch.get("c").asInt();
            float max = Float.NEGATIVE_INFINITY;
            int at = -1;
            for (int k = 0; k < 256; k++) {
                if (out[c * 256 + k] > max) {
                    max = out[c * 256 + k];
                    at = k;
                }
            }
            assertEquals(max, (float) ch.get("max").asDouble(), 1e-6);
            assertEquals(at / 16, ch.get("y").asInt());
            assertEquals(at % 16, ch.get("x").asInt());
        }
    }

    @Test
    void picturesAndThePageAreServed() throws Exception {
        HttpResponse<byte[]> img = get("/api/image?i=0&scale=2");
        assertEquals(200, img.statusCode());
        assertEquals(64, ImageIO.read(new ByteArrayInputStream(img.body())).getWidth());
        HttpResponse<byte[]> fm = get("/api/featuremap?i=0&layer=conv3_relu&c=5");
        assertEquals(200, fm.statusCode());
        assertEquals(256, ImageIO.read(new ByteArrayInputStream(fm.body())).getWidth());
        HttpResponse<byte[]> page = get("/");
        assertEquals(200, page.statusCode());
        String html = new String(page.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(html.contains("gbp explorer"));
        assertFalse(html.contains("http://") || html.contains("https://"), "the page loads nothing from the network");
        JsonNode info = json("/api/info", 200);
        assertEquals(net.size(), info.get("layers").size());
        assertEquals(6, info.get("images").size());
    }

    @Test
    void requestTargetsOverTheLimitAre414() throws Exception {
        String head = "/api/info?pad=";
        String longest = head + "a".repeat(ExplorerServer.MAX_TARGET - head.length());
        assertEquals(200, get(longest).statusCode(), "a target of exactly the limit is answered");
        JsonNode e = json(longest + "a", 414);
        assertTrue(e.get("error").asText().contains("up to " + ExplorerServer.MAX_TARGET), e.toString());
        assertEquals(200, get("/api/info").statusCode());
    }

    /** A parsed answer to a request sent as raw bytes over a plain socket. */
    record Raw(int status, String head, JsonNode body) {}

    /**
     * Sends {@code request} byte for byte (no client to fix it up), then says it is done (half-close), and reads the
     * answer to the end meanwhile, as HTTP clients do: a server that refuses a request may answer and close before it
     * has read all of it (Jetty does not read the rest of a refused request), and then the rest cannot be sent.
     */
    static Raw raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                    s.shutdownOutput();
                } catch (IOException e) {
                    // the server answered and closed before reading it all
                }
            }, "raw-writer");
            writer.start();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            writer.join(20_000);
            int end = answer.indexOf("\r\n\r\n");
            assertTrue(end > 0, "an HTTP answer: " + answer);
            String head = answer.substring(0, end);
            assertTrue(head.contains("\r\nContent-Type: application/json\r\n"), head);
            return new Raw(Integer.parseInt(head.substring(9, 12)), head, JSON.readTree(answer.substring(end + 4)));
        }
    }

    @Test
    void malformedRequestsAreAnsweredInJson() throws Exception {
        Raw r = raw("GET /api/explain?i=0&target=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals(400, r.status());
        assertTrue(r.body().get("error").asText().contains("malformed query (Not valid encoding '%zz')"), r.body().toString());
        r = raw("GET /api/info?x=%4 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals(400, r.status());
        assertTrue(r.body().get("error").asText().contains("'%4"), r.body().toString());
        r = raw("GET /api/info?x=%ff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals(400, r.status());
        assertTrue(r.body().get("error").asText().contains("not UTF-8"), r.body().toString());
        // Jetty refuses a bad escape in the path itself, without saying which; its refusal is JSON too.
        r = raw("GET /api/in%fgo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals(400, r.status());
        assertTrue(r.body().get("error").asText().startsWith("malformed request;"), r.body().toString());
        // Characters java.net.URI refuses reach the explorer, which names what is wrong with the parameter.
        r = raw("GET /api/explain?i=0&target=a|b{} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals(400, r.status());
        assertTrue(r.body().get("error").asText().contains("a|b{}"), r.body().toString());
        // Not HTTP at all, another version, a broken header, a target that is not a path, HTTP/1.1 without Host.
        r = raw("HELLO\r\n\r\n");
        assertEquals(400, r.status());
        assertTrue(r.body().get("error").asText().startsWith("malformed request"), r.body().toString());
        r = raw("GET /api/info HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals(426, r.status(), "Jetty's answer to HTTP/2 without an upgrade");
        assertTrue(r.body().get("error").asText().contains("the explorer speaks HTTP/1.1"), r.body().toString());
        assertEquals(400, raw("GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n").status());
        assertEquals(400, raw("GET api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status());
        r = raw("GET /api/info HTTP/1.1\r\n\r\n");
        assertEquals(400, r.status());
        assertTrue(r.body().get("error").asText().contains("No Host"), r.body().toString());
        // An absolute-form target is answered like its path.
        assertEquals(200, raw("GET http://127.0.0.1/api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status());
        assertEquals(200, get("/api/info").statusCode(), "the server still answers");
    }

    @Test
    void aOneMegabyteQueryIs414InJsonNotAReset() throws Exception {
        String path = "/api/explain?i=0&target=predicted&pad=" + "a".repeat(1 << 20);
        JsonNode e = json(path, 414);
        assertTrue(e.get("error").asText().contains("up to " + ExplorerServer.MAX_TARGET), e.toString());
        // Byte for byte: Jetty stops reading at its head limit (MAX_HEAD), answers 414 and closes; a client that
        // reads while it sends gets the answer, every time.
        Raw r = null;
        for (int k = 0; k < 5; k++) {
            r = raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertEquals(414, r.status());
            assertTrue(r.body().get("error").asText().contains("up to " + ExplorerServer.MAX_TARGET), r.body().toString());
        }
        // Headers too long are 431, also in JSON.
        r = raw("GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + "b".repeat(100_000) + "\r\n\r\n");
        assertEquals(431, r.status());
        assertTrue(r.body().get("error").asText().contains("longer than"), r.body().toString());
        assertEquals(200, get("/api/info").statusCode(), "the server still answers");
    }

    @Test
    void headAnswersTheLengthWithoutTheBody() throws Exception {
        HttpResponse<byte[]> get = get("/api/info");
        HttpResponse<byte[]> head = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/info"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        assertEquals(String.valueOf(get.body().length), head.headers().firstValue("Content-Length").orElse(""));
    }

    @Test
    void badRequestsAreAnsweredWithTheReason() throws Exception {
        assertTrue(json("/api/explain?i=0&target=max-neuron:conv33", 400).get("error").asText().contains("conv33"));
        assertTrue(json("/api/explain?i=6&target=predicted", 400).get("error").asText().contains("image 6 is outside 0..5"));
        assertTrue(json("/api/explain", 400).get("error").asText().contains("'i' is missing"));
        assertTrue(json("/api/explain?i=zero&target=predicted", 400).get("error").asText().contains("whole number"));
        // A long bad value is quoted cut short, not echoed whole.
        String error = json("/api/image?i=" + "9".repeat(5000), 400).get("error").asText();
        assertTrue(error.startsWith("parameter 'i' must be a whole number, got '" + "9".repeat(120) + "' (4880 more"),
                error);
        assertTrue(error.length() < 300, error);
        assertTrue(json("/api/explain?i=0&target=predicted&method=lrp", 400).get("error").asText().contains("lrp"));
        assertTrue(json("/api/featuremap?i=0&layer=fc&c=0", 400).get("error").asText().contains("flat"));
        assertTrue(json("/api/featuremap?i=0&layer=conv1&c=99", 400).get("error").asText().contains("channel 99"));
        assertEquals(404, get("/api/nothing").statusCode());
        HttpResponse<byte[]> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/info"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        assertTrue(JSON.readTree(post.body()).get("error").asText().contains("POST"));
        // The server still answers after all that.
        assertEquals(200, get("/api/info").statusCode());
    }
}
