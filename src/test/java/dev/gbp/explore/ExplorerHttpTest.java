package dev.gbp.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The explorer's HTTP transport (Jetty) on its own, over real loopback HTTP, with routes made for the test. */
class ExplorerHttpTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    /** Echoes the path and decoded query; /fail throws an Error, /slow takes 300 ms and counts who is inside. */
    static final class Echo implements ExplorerServer.Routes {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger mostInside = new AtomicInteger();

        @Override
        public ExplorerServer.Answer answer(String path, Map<String, String> query) {
            if (path.equals("/fail")) {
                throw new AssertionError("broken on purpose");
            }
            if (path.equals("/bad")) {
                throw new IllegalArgumentException("parameter 'x' is bad");
            }
            if (path.equals("/slow")) {
                mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inside.decrementAndGet();
                }
            }
            String body = path + " " + new TreeMap<>(query);
            return new ExplorerServer.Answer(200, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8),
                    Map.of("X-Test", "yes"));
        }
    }

    static ExplorerServer start(ExplorerServer.Routes routes) throws Exception {
        return ExplorerServer.start("127.0.0.1", 0, routes, ExplorerServer.IDLE_TIMEOUT);
    }

    static HttpResponse<String> get(ExplorerServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code request} as raw bytes and reads the answer to the end: status line and headers, body. */
    static String[] raw(ExplorerServer server, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            s.shutdownOutput();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = answer.indexOf("\r\n\r\n");
            assertTrue(end > 0, "an HTTP answer: " + answer);
            return new String[] {answer.substring(0, end), answer.substring(end + 4)};
        }
    }

    static int status(String[] raw) {
        return Integer.parseInt(raw[0].substring(9, 12));
    }

    @Test
    void aHandlerThatFailsIsA500AskingForAReportAndTheServerGoesOn() throws Exception {
        try (ExplorerServer server = start(new Echo())) {
            HttpResponse<String> r = get(server, "/fail");
            assertEquals(500, r.statusCode());
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
            String error = JSON.readTree(r.body()).get("error").asText();
            assertTrue(error.contains("please report") && error.contains("broken on purpose"), error);

            // The routes' IllegalArgumentException is the client's mistake: 400 with its message.
            r = get(server, "/bad");
            assertEquals(400, r.statusCode());
            assertEquals("parameter 'x' is bad", JSON.readTree(r.body()).get("error").asText());

            // A connection that closes without a request costs nothing.
            new Socket("127.0.0.1", server.port()).close();

            // The path is decoded (UTF-8, '+' kept), the query decoded as a form ('+' is a space), the last of a
            // repeated parameter wins; the routes' headers are sent, and nothing is cached.
            r = get(server, "/a%C3%A9+b?x=%C3%A9+y&k&x=2&z=%7C%7B");
            assertEquals(200, r.statusCode());
            assertEquals("/a\u00e9+b {k=, x=2, z=|{}", r.body());
            assertEquals("yes", r.headers().firstValue("X-Test").orElse(""));
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
            assertTrue(r.headers().firstValue("Server").isEmpty(), "no Server header");
        }
    }

    @Test
    void requestsAreAnsweredOneAtATime() throws Exception {
        Echo echo = new Echo();
        try (ExplorerServer server = start(echo)) {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                all.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/slow?n=" + i))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                assertEquals(200, f.get().statusCode());
            }
            assertEquals(1, echo.mostInside.get(), "the routes never ran twice at once");
        }
    }

    @Test
    void clientsThatSendHalfARequestAndStallDoNotHoldUpOthers() throws Exception {
        try (ExplorerServer server = start(new Echo())) {
            // More stalled connections than the server has threads, each in the middle of its request line.
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < ExplorerServer.MAX_THREADS + 4; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    s.getOutputStream().write("GET /slow?half=".getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    stalled.add(s);
                }
                long start = System.nanoTime();
                HttpResponse<String> r = get(server, "/echo?i=1");
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(200, r.statusCode());
                assertTrue(millis < ExplorerServer.IDLE_TIMEOUT.toMillis() / 2,
                        "answered in " + millis + " ms, not after the stalled clients time out");
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aStalledConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (ExplorerServer server = ExplorerServer.start("127.0.0.1", 0, new Echo(), Duration.ofMillis(500));
                Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /echo?half=".getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                in.transferTo(got);
            } catch (SocketException e) {
                // a reset also ends it
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 400 && millis < 5_000, "closed after " + millis + " ms");
            String answer = got.toString(StandardCharsets.UTF_8);
            assertTrue(answer.isEmpty() || answer.contains("application/json"), answer);
            assertEquals(200, get(server, "/echo").statusCode(), "the server still answers");
        }
    }

    @Test
    void hostsOtherThanThisMachineAre421() throws Exception {
        try (ExplorerServer server = start(new Echo())) {
            int port = server.port();
            for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LocalHost", "[::1]:" + port, "127.0.0.1")) {
                assertEquals(200, status(raw(server, "GET /echo HTTP/1.1\r\nHost: " + host + "\r\n\r\n")), host);
            }
            for (String host : List.of("evil.example:" + port, "evil.example", "localhost.evil.example:" + port, "10.1.2.3")) {
                String[] r = raw(server, "GET /echo HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
                assertEquals(421, status(r), host);
                assertTrue(r[0].contains("\r\nContent-Type: application/json"), r[0]);
                assertTrue(JSON.readTree(r[1]).get("error").asText().contains("DNS rebinding"), r[1]);
            }
            // An absolute-form target names its host too; Jetty itself refuses one that differs from Host.
            assertEquals(421, status(raw(server, "GET http://evil.example/echo HTTP/1.1\r\nHost: evil.example\r\n\r\n")));
            assertEquals(400, status(raw(server, "GET http://evil.example/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")));
            assertEquals(200, status(raw(server, "GET http://localhost/echo HTTP/1.1\r\nHost: localhost\r\n\r\n")));
            // HTTP/1.0 may leave Host out.
            assertEquals(200, status(raw(server, "GET /echo HTTP/1.0\r\n\r\n")));
        }
    }

    @Test
    void aBusyPortOrAnUnknownHostIsABindException() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            BindException e = assertThrows(BindException.class,
                    () -> ExplorerServer.start("127.0.0.1", busy.getLocalPort(), new Echo(), ExplorerServer.IDLE_TIMEOUT));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
        assertThrows(BindException.class, () -> ExplorerServer.start("no-such-host.invalid", 0, new Echo(),
                ExplorerServer.IDLE_TIMEOUT));
    }

    @Test
    void jettyPrintsNothing() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try (ExplorerServer server = start(new Echo())) {
            assertEquals(500, get(server, "/fail").statusCode());
            assertEquals(400, status(raw(server, "GET /a%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")));
            assertEquals(414, status(raw(server, "GET /" + "a".repeat(ExplorerServer.MAX_HEAD) + " HTTP/1.1\r\n\r\n")));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals("", printed.toString(StandardCharsets.UTF_8));
    }
}
