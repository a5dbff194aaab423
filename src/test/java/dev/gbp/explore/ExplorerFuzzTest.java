package dev.gbp.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.attr.Baseline;
import dev.gbp.attr.Methods;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.DefaultArchitecture;
import dev.gbp.model.Network;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Random request targets, sent byte for byte to the explorer on a small network: every one is answered, promptly,
 * with 200 or a 4xx status, and every answer but a picture or the page is JSON ({@code {"error": ...}} for a
 * refusal). A 500 would be a request the explorer did not expect; a hang, a request that holds it up.
 */
class ExplorerFuzzTest {
    static NDManager root;
    static Network net;
    static ExplorerServer server;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        TorchRuntime.start(1);
        root = NDManager.newBaseManager();
        net = Network.create(DefaultArchitecture.cifar10(), root, 3);
        // Two samples and two steps: a valid SmoothGrad or integrated-gradients request costs no more than guided.
        Methods.Options few = new Methods.Options(null, 2, 0.15, 2, Baseline.ZERO, 0, 256);
        server = ExplorerServer.start(new Explorer(net, ExplorerServerTest.madeImages(), ExplorerServerTest.sources(), few),
                "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
        net.close();
        root.close();
    }

    @Test
    void everyRequestTargetIsAnsweredWith200OrA4xxInJson() {
        qt().withExamples(150).forAll(targets()).checkAssert(target -> {
            try {
                answeredWith200OrA4xxInJson(target);
            } catch (Exception e) {
                throw new AssertionError(target + ": " + e, e);
            }
        });
    }

    static void answeredWith200OrA4xxInJson(String target) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000); // a hang fails here
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            byte[] answer = readAll(s.getInputStream());
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            assertTrue(end > 0, "an HTTP answer to " + target + ": " + text);
            String head = text.substring(0, end);
            int status = Integer.parseInt(head.substring(9, 12));
            // A space or a tab ends the target early: Jetty then reads a request line of another version (505).
            boolean brokenLine = target.isEmpty() || target.contains(" ") || target.contains("\t");
            assertTrue(status == 200 || status >= 400 && status < 500 || status == 505 && brokenLine,
                    status + " for " + target + ": " + text);
            String type = header(head, "Content-Type");
            if (type.equals("image/png") || type.startsWith("text/html")) {
                assertEquals(200, status, target);
                return;
            }
            assertEquals("application/json", type, target);
            JsonNode body = JSON.readTree(new String(answer, end + 4, answer.length - end - 4, StandardCharsets.UTF_8));
            if (status != 200) {
                assertTrue(body.get("error").isTextual() && !body.get("error").asText().isBlank(), body.toString());
            }
        }
    }

    /** Request targets: mostly real paths and parameters with odd values, some junk. */
    static Gen<String> targets() {
        Gen<String> path = Generate.frequency(
                Pair.of(8, Generate.pick(List.of("/", "/api/info", "/api/image", "/api/explain", "/api/activations",
                        "/api/featuremap"))),
                Pair.of(1, Generate.pick(List.of("/api/nothing", "/api/explain/", "//api/info", "/api/../api/info",
                        "/API/INFO"))),
                Pair.of(1, junk()));
        Gen<String> name = Generate.frequency(
                Pair.of(8, Generate.pick(List.of("i", "method", "target", "normalize", "layer", "c", "scale"))),
                Pair.of(1, junk()));
        Gen<String> value = Generate.frequency(
                Pair.of(3, integers().between(-2, 9).map((Integer v) -> String.valueOf(v))),
                Pair.of(1, Generate.pick(List.of("2147483648", "-2147483649", "99999999999999999999", "1e3", "0x1", " 1",
                        "%201", "+1", ""))),
                Pair.of(2, Generate.pick(Methods.NAMES)),
                Pair.of(3, Generate.pick(List.of("predicted", "class:3", "class:cat", "class:10", "max-neuron:conv3_relu",
                        "max-neuron:fc", "max-interior-neuron:conv1", "neuron:conv1:1,2,3", "neuron:conv1:99,0,0",
                        "neuron:conv1:1,2", "channel-max:conv2:5", "channel-max:conv2:-1", "max-neuron:99",
                        "max-neuron:-1", "max-neuron:", "neuron::1,2,3", "class:", "max-neuron:3",
                        "neuron:conv1:2147483648,0,0"))),
                Pair.of(2, Generate.pick(List.of("color", "gray", "positive", "negative", "diverging", "conv1", "conv3_relu",
                        "fc", "0", "-1", "99"))),
                Pair.of(1, junk()));
        Gen<String> parameter = name.zip(value, (n, v) -> n + "=" + v);
        // Most requests name an image that exists, so that they get past it to the other parameters.
        Gen<String> image = Generate.frequency(Pair.of(4, integers().between(0, 5).map((Integer i) -> "i=" + i + "&")),
                Pair.of(1, Generate.constant("")));
        Gen<String> query = image.zip(lists().of(parameter).ofSizeBetween(0, 4), (i, ps) -> i + String.join("&", ps));
        return path.zip(query, Generate.pick(List.of("?", "?", "?", "", "??", "?&")), (p, q, sep) -> p + sep + q);
    }

    /** Text a URL may hold and text it may not: escapes good and bad, reserved and control characters, non-ASCII. */
    private static Gen<String> junk() {
        String chars = "abcz019AZ-._~:@!$'()*,;/?#[]=&+";
        Gen<String> safe = lists().of(integers().between(0, chars.length() - 1).map((Integer k) -> String.valueOf(chars.charAt(k))))
                .ofSizeBetween(0, 6).map((List<String> cs) -> String.join("", cs));
        Gen<String> piece = Generate.oneOf(safe,
                Generate.pick(List.of("%", "%z", "%zz", "%4", "%41", "%25", "%00", "%ff", "%c3%a9", "%e2%82", "%2F", "%2e%2e",
                        "..", "\u00e9", "\u20ac", "\"", "<", ">", "\\", "^", "`", "{", "|", "}", " ", "\t", "\u0000",
                        "\u007f")));
        return lists().of(piece).ofSizeBetween(0, 6).map((List<String> ps) -> String.join("", ps));
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    private static byte[] readAll(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
