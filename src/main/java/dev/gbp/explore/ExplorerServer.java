package dev.gbp.explore;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.explore.LocalHttpServer.Request;
import dev.gbp.explore.LocalHttpServer.Response;
import dev.gbp.model.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The explorer over HTTP: one self-contained page and a small JSON and PNG API, all GET.
 *
 * <pre>
 * /                                      the page
 * /api/info                              layers, classes, images, methods, normalisations, default method and layer
 * /api/image?i=I[&scale=S]               image I as a PNG, upscaled S times (default 8)
 * /api/explain?i=&method=&target=&normalize=   a map and what its target resolved to (JSON); by default
 *                                        guided, max-neuron of the seed layer, color
 * /api/activations?i=&layer=             each channel's maximum and its position (JSON)
 * /api/featuremap?i=&layer=&c=           one channel of a layer's output as a PNG
 * </pre>
 *
 * Every error is answered with {@code {"error": "..."}} naming what is wrong: 400 for bad parameters and
 * malformed requests (a bad percent-escape such as {@code %zz} included), 404 for unknown paths, 405 for
 * methods other than GET and HEAD, 414 for request targets over {@link #MAX_TARGET} bytes, 431 for over-long
 * headers, and 500 "please report it" for anything the explorer did not expect. Parameter errors are the
 * library's {@link IllegalArgumentException}s and {@link ModelException}s. Requests are handled one at a time,
 * on one thread: the engine allows one gradient collector per process. The transport is
 * {@link LocalHttpServer} (see there why not the JDK's {@code com.sun.net.httpserver}).
 */
public final class ExplorerServer implements AutoCloseable {
    /**
     * The longest request target (path and query) answered; longer ones get 414. The page's own requests stay
     * under 200 characters.
     */
    public static final int MAX_TARGET = LocalHttpServer.MAX_TARGET;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Explorer explorer;
    private final LocalHttpServer server;

    private ExplorerServer(Explorer explorer, String host, int port) throws IOException {
        this.explorer = explorer;
        this.server = LocalHttpServer.start(host, port, this::handle, "gbp-explorer");
    }

    /** Starts serving on {@code host}:{@code port} (port 0: any free port). */
    public static ExplorerServer start(Explorer explorer, String host, int port) throws IOException {
        return new ExplorerServer(explorer, host, port);
    }

    /** The port actually bound. */
    public int port() {
        return server.address().getPort();
    }

    /** The page's address. */
    public String url() {
        String host = server.address().getHostString();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/";
    }

    @Override
    public void close() {
        server.close();
    }

    private Response handle(Request r) {
        try {
            Map<String, String> q = query(r.rawQuery());
            switch (r.path()) {
                case "/":
                case "/index.html":
                    return new Response(200, "text/html; charset=utf-8", page());
                case "/api/info":
                    return json(explorer.info());
                case "/api/image":
                    return new Response(200, "image/png", explorer.imagePng(integer(q, "i"),
                            q.containsKey("scale") ? integer(q, "scale") : Explorer.IMAGE_SCALE));
                case "/api/explain":
                    return json(explorer.explain(new Explanation.Request(integer(q, "i"),
                            text(q, "method", Explorer.DEFAULT_METHOD),
                            q.containsKey("target") && !q.get("target").isBlank() ? q.get("target") : explorer.defaultTarget(),
                            text(q, "normalize", "color"))));
                case "/api/activations":
                    return json(explorer.activations(integer(q, "i"), text(q, "layer", null)));
                case "/api/featuremap":
                    return new Response(200, "image/png", explorer.featureMapPng(integer(q, "i"), text(q, "layer", null),
                            integer(q, "c")));
                default:
                    return Response.error(404, "no such page: " + r.path());
            }
        } catch (IllegalArgumentException | ModelException e) {
            return Response.error(400, e.getMessage());
        } catch (RuntimeException e) {
            return Response.error(500, "internal error, please report it: " + e);
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

    private static Response json(Object body) {
        try {
            return new Response(200, "application/json", JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
