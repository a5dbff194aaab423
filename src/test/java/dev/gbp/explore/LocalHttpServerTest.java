package dev.gbp.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transport on its own, over real HTTP on loopback, with handlers made for the test. */
class LocalHttpServerTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aHandlerThatFailsIsA500AskingForAReportAndTheServerGoesOn() throws Exception {
        LocalHttpServer.Handler handler = r -> {
            if (r.path().equals("/fail")) {
                throw new AssertionError("broken on purpose");
            }
            return new LocalHttpServer.Response(200, "text/plain", (r.path() + "?" + r.rawQuery()).getBytes(StandardCharsets.UTF_8),
                    Map.of("X-Test", "yes"));
        };
        try (LocalHttpServer server = LocalHttpServer.start("127.0.0.1", 0, handler, "test-http")) {
            String base = "http://127.0.0.1:" + server.address().getPort();
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/fail")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(500, r.statusCode());
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
            String error = new ObjectMapper().readTree(r.body()).get("error").asText();
            assertTrue(error.contains("please report") && error.contains("broken on purpose"), error);

            // A connection that closes without a request costs nothing.
            new Socket("127.0.0.1", server.address().getPort()).close();

            // The path is decoded (UTF-8, '+' kept), the query handed on as sent; extra headers are sent.
            r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/a%C3%A9+b?x=%C3%A9+y")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("/a\u00e9+b?x=%C3%A9+y", r.body());
            assertEquals("yes", r.headers().firstValue("X-Test").orElse(""));
            assertEquals("close", r.headers().firstValue("Connection").orElse(""));
        }
    }
}
