package dev.gbp.explore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gbp.model.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The explorer over HTTP: one self-contained page and a small JSON and PNG API, all GET.
 *
 * <pre>
 * /                                      the page
 * /api/info                              layers, classes, images, methods, normalisations
 * /api/image?i=I[&scale=S]               image I as a PNG, upscaled S times (default 8)
 * /api/explain?i=&method=&target=&normalize=   a map and what its target resolved to (JSON); by default
 *                                        guided, max-neuron of the seed layer, color
 * /api/activations?i=&layer=             each channel's maximum and its position (JSON)
 * /api/featuremap?i=&layer=&c=           one channel of a layer's output as a PNG
 * </pre>
 *
 * Bad parameters answer 400 with {@code {"error": "..."}} naming what is wrong. Requests are handled one
 * at a time, on one thread: the engine allows one gradient collector per process.
 */
public final class ExplorerServer implements AutoCloseable {
    /**
     * The longest request target (path and query) answered; longer ones get 414. The page's own requests stay
     * under 200 characters.
     */
    public static final int MAX_TARGET = 8192;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Explorer explorer;
    private final HttpServer server;
    private final ExecutorService executor;

    private ExplorerServer(Explorer explorer, HttpServer server) {
        this.explorer = explorer;
        this.server = server;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gbp-explorer");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts serving on {@code host}:{@code port} (port 0: any free port). */
    public static ExplorerServer start(Explorer explorer, String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExplorerServer s = new ExplorerServer(explorer, server);
        server.start();
        return s;
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's address. */
    public String url() {
        String host = server.getAddress().getHostString();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                error(ex, 405, ex.getRequestMethod() + " is not supported; the explorer only answers GET");
                return;
            }
            URI uri = ex.getRequestURI();
            if (uri.toString().length() > MAX_TARGET) {
                error(ex, 414, "the request target is " + uri.toString().length() + " characters long; the explorer answers"
                        + " up to " + MAX_TARGET);
                return;
            }
            try {
                Map<String, String> q = query(uri.getRawQuery());
                switch (uri.getPath()) {
                    case "/":
                    case "/index.html":
                        send(ex, 200, "text/html; charset=utf-8", page());
                        break;
                    case "/api/info":
                        json(ex, explorer.info());
                        break;
                    case "/api/image":
                        send(ex, 200, "image/png", explorer.imagePng(integer(q, "i"),
                                q.containsKey("scale") ? integer(q, "scale") : Explorer.IMAGE_SCALE));
                        break;
                    case "/api/explain":
                        json(ex, explorer.explain(new Explanation.Request(integer(q, "i"),
                                text(q, "method", Explorer.DEFAULT_METHOD),
                                q.containsKey("target") && !q.get("target").isBlank() ? q.get("target") : explorer.defaultTarget(),
                                text(q, "normalize", "color"))));
                        break;
                    case "/api/activations":
                        json(ex, explorer.activations(integer(q, "i"), text(q, "layer", null)));
                        break;
                    case "/api/featuremap":
                        send(ex, 200, "image/png", explorer.featureMapPng(integer(q, "i"), text(q, "layer", null),
                                integer(q, "c")));
                        break;
                    default:
                        error(ex, 404, "no such page: " + uri.getPath());
                        break;
                }
            } catch (IllegalArgumentException | ModelException e) {
                error(ex, 400, e.getMessage());
            } catch (RuntimeException e) {
                error(ex, 500, "internal error, please report it: " + e);
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private static String text(Map<String, String> q, String name, String fallback) {
        String v = q.get(name);
        if (v == null || v.isBlank()) {
            if (fallback == null) {
                throw new IllegalArgumentException("parameter '" + name + "' is missing");
            }
            return fallback;
        }
        return v;
    }

    private static int integer(Map<String, String> q, String name) {
        String v = text(q, name, null);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter '" + name + "' must be a whole number, got '" + v + "'");
        }
    }

    private static byte[] page() {
        try (InputStream in = ExplorerServer.class.getResourceAsStream("explorer.html")) {
            if (in == null) {
                throw new IllegalStateException("explorer.html is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read explorer.html from the jar", e);
        }
    }

    private static void json(HttpExchange ex, Object body) throws IOException {
        send(ex, 200, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        send(ex, status, "application/json", JSON.writeValueAsBytes(Map.of("error", String.valueOf(message))));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
