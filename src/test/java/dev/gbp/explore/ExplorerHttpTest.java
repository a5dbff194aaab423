package dev.gbp.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.GbpInputException;
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

    /** An answer too big for the socket buffers: written only as fast as the client reads. */
    static final byte[] BIG = new byte[16 << 20];

    /**
     * Echoes the path and decoded query; /fail throws an Error, /bug an IllegalStateException, /bad a
     * GbpInputException, /iae an IllegalArgumentException; /slow takes 300 ms and counts who is inside; /big answers
     * {@link #BIG}.
     */
    static final class Echo implements ExplorerServer.Routes {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger mostInside = new AtomicInteger();

        @Override
        public ExplorerServer.Answer answer(String path, Map<String, String> query) {
            if (path.equals("/fail")) {
                throw new AssertionError("broken on purpose");
            }
            if (path.equals("/bug")) {
                throw new IllegalStateException("a bug on purpose");
            }
            if (path.equals("/bad")) {
                throw new GbpInputException("parameter 'x' is bad");
            }
            if (path.equals("/iae")) {
                throw new IllegalArgumentException("parameter 'y' is bad");
            }
            if (path.equals("/big")) {
                return new ExplorerServer.Answer(200, "application/octet-stream", BIG);
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

    /**
     * Sends {@code request} as raw bytes and reads the answer to the end: status line and headers, body. It reads while
     * it sends, since the server may refuse a request before it has read all of it.
     */
    static String[] raw(ExplorerServer server, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                    s.shutdownOutput();
                } catch (java.io.IOException e) {
                    // the server answered and closed before reading it all
                }
            }, "raw-writer");
            writer.start();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            writer.join(20_000);
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
            r = get(server, "/bug");
            assertEquals(500, r.statusCode());
            error = JSON.readTree(r.body()).get("error").asText();
            assertEquals("internal error, please report it: java.lang.IllegalStateException: a bug on purpose", error,
                    "the exception, not its stack trace");

            // GbpInputException is the client's mistake: 400 with its message.
            r = get(server, "/bad");
            assertEquals(400, r.statusCode());
            assertEquals("parameter 'x' is bad", JSON.readTree(r.body()).get("error").asText());
            // Any other exception is a bug, IllegalArgumentException included: the parsers throw GbpInputException.
            r = get(server, "/iae");
            assertEquals(500, r.statusCode());
            assertTrue(JSON.readTree(r.body()).get("error").asText().contains("please report"));

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

    /**
     * An idle timeout long enough that a request answered in half of it was not waiting for stalled clients to time
     * out, however slow a loaded machine makes the answer itself.
     */
    static final Duration PATIENT = Duration.ofSeconds(60);

    @Test
    void clientsThatSendHalfARequestAndStallDoNotHoldUpOthers() throws Exception {
        try (ExplorerServer server = ExplorerServer.start("127.0.0.1", 0, new Echo(), PATIENT)) {
            // More stalled connections than the server has threads, each in the middle of its request line, its headers
            // or its body.
            List<String> halves = List.of("GET /slow?half=", "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ",
                    "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nhalf");
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < ExplorerServer.MAX_THREADS + 4; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    s.getOutputStream().write(halves.get(i % 3).getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    stalled.add(s);
                }
                long start = System.nanoTime();
                HttpResponse<String> r = get(server, "/echo?i=1");
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(200, r.statusCode());
                assertTrue(millis < PATIENT.toMillis() / 2, "answered in " + millis + " ms, not after the stalled clients time out");
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

    /** Reads one answer (head and Content-Length body) without waiting for the connection to close. */
    static String readAnswer(InputStream in) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int end = -1;
        while (end < 0) {
            int b = in.read();
            assertTrue(b >= 0, "closed before an answer: " + got);
            got.write(b);
            end = got.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
        }
        String head = got.toString(StandardCharsets.ISO_8859_1);
        int at = head.toLowerCase(java.util.Locale.ROOT).indexOf("content-length: ");
        int length = Integer.parseInt(head.substring(at + 16, head.indexOf("\r\n", at)));
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Milliseconds until the server closes {@code s}, reading (and dropping) whatever it still sends. */
    static long millisUntilClosed(Socket s) throws Exception {
        long start = System.nanoTime();
        try {
            s.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        } catch (SocketException e) {
            // a reset also ends it
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aBodySentSlowlyHoldsUpNeitherItsAnswerNorOthers() throws Exception {
        // The explorer never reads a body: the request is answered although its body never comes (a server that waited
        // for it would close the connection at the idle timeout without an answer), others are answered meanwhile,
        // and the connection is closed at the idle timeout, since the rest of the body never comes.
        Duration idle = Duration.ofSeconds(1);
        try (ExplorerServer server = ExplorerServer.start("127.0.0.1", 0, new Echo(), idle)) {
            for (String request : List.of("GET /echo?body=slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n",
                    "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n",
                    "GET /echo?body=chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n")) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    s.setSoTimeout(60_000);
                    s.getOutputStream().write((request + "a few bytes").getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    String answer = readAnswer(s.getInputStream());
                    if (request.startsWith("POST")) {
                        assertTrue(answer.startsWith("HTTP/1.1 405 "), answer);
                    } else {
                        assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("/echo {body="
                                + (request.contains("chunked") ? "chunked}" : "slow}")), answer);
                    }
                    assertEquals(200, get(server, "/echo?other=1").statusCode(), "others are answered meanwhile");
                    long closed = millisUntilClosed(s);
                    assertTrue(closed < idle.toMillis() + 20_000, "closed after another " + closed + " ms");
                }
            }
        }
    }

    @Test
    void clientsThatDoNotReadTheirAnswersHoldNoThreadAndNoLock() throws Exception {
        List<Socket> deaf = new ArrayList<>();
        try (ExplorerServer server = ExplorerServer.start("127.0.0.1", 0, new Echo(), PATIENT)) {
            for (int i = 0; i < ExplorerServer.MAX_THREADS + 2; i++) {
                deaf.add(deaf(server));
            }
            long start = System.nanoTime();
            // /slow takes the lock that computing answers takes: answered, so no stuck write holds it, nor a thread.
            assertEquals(200, get(server, "/slow?n=1").statusCode());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < PATIENT.toMillis() / 2, "answered in " + millis + " ms, not after the idle timeout");
        } finally {
            for (Socket s : deaf) {
                s.close();
            }
        }
        // Nothing moves on a deaf connection: after the idle timeout the server has given up on it.
        Duration idle = Duration.ofMillis(500);
        try (ExplorerServer server = ExplorerServer.start("127.0.0.1", 0, new Echo(), idle); Socket s = deaf(server)) {
            Thread.sleep(idle.toMillis() + 4_000);
            s.setSoTimeout(60_000);
            long read = 0;
            try {
                read = s.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (SocketException e) {
                // a reset: given up too
            }
            assertTrue(read < BIG.length, "the server stopped writing after " + read + " bytes");
        }
    }

    /** A connection that asks for {@link #BIG} and reads nothing. */
    static Socket deaf(ExplorerServer server) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
        s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    @Test
    void hostsOtherThanThisMachineAre421() throws Exception {
        try (ExplorerServer server = start(new Echo())) {
            int port = server.port();
            // Any port: a tunnel (ssh -L 9000:localhost:8765) changes it.
            for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LocalHost", "[::1]:" + port, "127.0.0.1",
                    "[::1]", "localhost:9000", "127.0.0.2:" + port)) {
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
            // HTTP/1.0 may leave Host out; HTTP/1.1 may not.
            assertEquals(200, status(raw(server, "GET /echo HTTP/1.0\r\n\r\n")));
            String[] r = raw(server, "GET /echo HTTP/1.1\r\n\r\n");
            assertEquals(400, status(r));
            assertTrue(JSON.readTree(r[1]).get("error").asText().contains("Host"), r[1]);
        }
    }

    @Test
    void everyMalformedRequestIsRefusedInJson() throws Exception {
        String host = "Host: 127.0.0.1\r\n";
        // request -> the status expected (0: any 4xx but 404, or 505)
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put("GET /a%zz HTTP/1.1\r\n" + host, 400);
        cases.put("GET /a?x=%zz HTTP/1.1\r\n" + host, 400);
        cases.put("GET /a?x=%e2%82 HTTP/1.1\r\n" + host, 400);
        cases.put("GET /../../etc/passwd HTTP/1.1\r\n" + host, 400);
        cases.put("GET /a%00b HTTP/1.1\r\n" + host, 0);
        cases.put("GET /%2e%2e/x HTTP/1.1\r\n" + host, 0);
        cases.put("G(T /echo HTTP/1.1\r\n" + host, 400);
        cases.put("BREW /echo HTTP/1.1\r\n" + host, 405);
        cases.put("DELETE /echo HTTP/1.1\r\n" + host, 405);
        cases.put("CONNECT 127.0.0.1:80 HTTP/1.1\r\n" + host, 405);
        cases.put("OPTIONS * HTTP/1.1\r\n" + host, 405);
        cases.put("X".repeat(5000) + " /echo HTTP/1.1\r\n" + host, 0);
        cases.put("GET /echo HTTP/1.2\r\n" + host, 0);
        cases.put("GET /echo HTTP/3.0\r\n" + host, 0);
        cases.put("GET /echo HTTP/1.1 extra\r\n" + host, 0);
        cases.put("GET /echo\r\n", 0);
        cases.put("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Nul: a\u0000b\r\n", 400);
        cases.put("GET /echo HTTP/1.1\r\n" + host + "Content-Length: -1\r\n", 400);
        cases.put("GET /echo HTTP/1.1\r\n" + host + "Content-Length: ten\r\n", 400);
        cases.put("GET /echo HTTP/1.1\r\n" + host + "Content-Length: 1\r\nContent-Length: 2\r\n", 400);
        cases.put("GET /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nContent-Length: 2\r\n", 400);
        cases.put("GET /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n", 0);
        cases.put("GET /echo HTTP/1.1\r\n" + host + "X-A: a\r\n folded\r\n", 400);
        cases.put("GET /echo HTTP/1.1\r\n" + host + "Host: 10.1.2.3\r\n", 400);
        cases.put("GET /echo HTTP/1.1\r\n" + host + "X-" + "n".repeat(ExplorerServer.MAX_HEAD) + ": 1\r\n", 431);
        cases.put("GET /echo HTTP/1.1\r\nHost: " + "h".repeat(ExplorerServer.MAX_HEAD) + "\r\n", 431);
        cases.put("GET /echo HTTP/1.1\r\n" + host + "X-A: 1\r\n".repeat(ExplorerServer.MAX_HEAD / 8), 431);
        try (ExplorerServer server = start(new Echo())) {
            for (Map.Entry<String, Integer> c : cases.entrySet()) {
                String request = c.getKey() + "\r\n";
                String shown = GbpInputException.quote(request);
                String[] r = raw(server, request);
                int status = status(r);
                if (c.getValue() != 0) {
                    assertEquals((int) c.getValue(), status, shown + " -> " + r[0]);
                } else {
                    assertTrue(status >= 400 && status < 500 && status != 404 || status == 505, shown + " -> " + r[0]);
                }
                assertTrue(r[0].contains("\r\nContent-Type: application/json\r\n"), shown + " -> " + r[0]);
                String error = JSON.readTree(r[1]).get("error").asText();
                assertTrue(!error.isBlank() && error.length() < 1000, shown + " -> " + r[1]);
            }
            // Blank lines before a request are allowed (RFC 9112, 2.2).
            assertEquals(200, status(raw(server, "\r\n\r\nGET /echo HTTP/1.1\r\n" + host + "\r\n")));
            assertEquals(200, get(server, "/echo").statusCode(), "the server still answers");
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
