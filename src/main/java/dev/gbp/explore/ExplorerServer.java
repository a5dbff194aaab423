package dev.gbp.explore;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.GbpInputException;
import dev.gbp.model.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.Utf8StringBuilder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

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
 * Every answer, refusals included, has a JSON body {@code {"error": "..."}} naming what is wrong: 400 for bad
 * parameters and malformed requests (a bad percent-escape such as {@code %zz} included, and HTTP/1.1 without a
 * {@code Host}), 404 for unknown paths, 405 for methods other than GET and HEAD, 414 for request targets over
 * {@link #MAX_TARGET} bytes, 421 for a {@code Host} other than this machine, 426 and 505 for other HTTP versions,
 * 431 for a request head over {@link #MAX_HEAD} bytes, and 500 "please report it" for anything the explorer did not
 * expect (the exception's class and message, never a stack trace; {@code GBP_DEBUG} prints that on stderr). Bad
 * parameters are {@link GbpInputException}s (a {@link ModelException} is one).
 *
 * <p>The {@code Host} check closes DNS rebinding: a web page from a name that its owner later points at 127.0.0.1
 * would otherwise read the explorer's answers as its own. Accepted are {@code localhost}, loopback addresses, the
 * host the server was started on and the address the connection came in on, with any port or none (a tunnel such as
 * {@code ssh -L 9000:localhost:8765} changes the port, never the name). Anything else is 421 Misdirected Request,
 * which says what is wrong (this server does not answer for that name), where 403 would say that the page exists
 * but is forbidden.
 *
 * <p>The transport is Eclipse Jetty (core handlers, no servlets). It reads and writes without blocking a thread, so a
 * client that sends half a request, sends a body slowly, or does not read its answer holds no thread and no lock;
 * a connection on which nothing moves for the idle timeout ({@link #IDLE_TIMEOUT} by default: in Jetty 12 the
 * connector's idle timeout is the one timeout for reading request heads and bodies and for writing answers) is
 * closed. The refusals Jetty makes itself while reading a request (a malformed request line, URI or header, a request
 * head over {@link #MAX_HEAD} bytes, another HTTP version) go through a JSON error handler. The answers themselves
 * are computed one at a time, under a lock held for the computation only (the engine allows one gradient collector
 * per process): bodies are never read, and answers are written after the lock is released.
 */
public final class ExplorerServer implements AutoCloseable {
    /**
     * The longest request target (path and query) answered; longer ones get 414. The page's own requests stay
     * under 200 characters.
     */
    public static final int MAX_TARGET = 8192;
    /**
     * The longest request head (request line and headers, in bytes) that Jetty reads; past it a request line gets
     * 414 and headers 431, before the explorer sees the request.
     */
    static final int MAX_HEAD = 64 * 1024;
    /**
     * Jetty's threads, at most: one accepts connections, one selects those ready to read or write, and the other six
     * parse requests and compute answers. Answers are computed one at a time, so more threads would only wait for
     * the lock; six let the page's few parallel requests (a picture, a map, the activations) wait there while a fresh
     * request is still parsed at once. Waiting on I/O never takes one (see the class comment).
     */
    static final int MAX_THREADS = 8;
    /**
     * A connection on which nothing moves for this long (in the middle of a request head or body, between two
     * requests, or while its answer is not read) is closed.
     */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: status, content type, body and any further headers. */
    record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {
        Answer(int status, String contentType, byte[] body) {
            this(status, contentType, body, Map.of());
        }

        /** {@code {"error": message}} with the given status. */
        static Answer error(int status, String message) {
            return error(status, message, Map.of());
        }

        static Answer error(int status, String message, Map<String, String> headers) {
            try {
                return new Answer(status, "application/json", JSON.writeValueAsBytes(Map.of("error", String.valueOf(message))),
                        headers);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * What is served at a path, given the decoded query (the last value of a repeated parameter). Called one request
     * at a time. A {@link GbpInputException} is answered 400 with its message, anything else thrown 500.
     */
    interface Routes {
        Answer answer(String path, Map<String, String> query);
    }

    private final Server server;
    private final ServerConnector connector;
    private final String host;
    private final Routes routes;
    private final ReentrantLock oneAtATime = new ReentrantLock(true);

    private ExplorerServer(String host, int port, Routes routes, Duration idleTimeout) {
        this.host = host;
        this.routes = routes;
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2, 60_000);
        threads.setName("gbp-explorer");
        threads.setDaemon(true);
        threads.setReservedThreads(0);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_HEAD);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeout.toMillis());
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                send(response, callback, answer(request));
                return true;
            }
        });
        server.setErrorHandler(ExplorerServer::error);
    }

    /** Starts serving on {@code host}:{@code port} (port 0: any free port). */
    public static ExplorerServer start(Explorer explorer, String host, int port) throws IOException {
        return start(host, port, (path, query) -> route(explorer, path, query), IDLE_TIMEOUT);
    }

    /**
     * Starts serving {@code routes}.
     *
     * @throws BindException when {@code host}:{@code port} cannot be listened on (busy, not this machine's, unknown)
     */
    static ExplorerServer start(String host, int port, Routes routes, Duration idleTimeout) throws IOException {
        ExplorerServer s = new ExplorerServer(host, port, routes, idleTimeout);
        try {
            s.server.start();
        } catch (Exception e) {
            s.close();
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException b) {
                    throw b;
                }
                if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.SocketException) {
                    BindException b = new BindException(t instanceof java.nio.channels.UnresolvedAddressException
                            ? "unknown host" : t.getMessage());
                    b.initCause(e);
                    throw b;
                }
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot start the explorer's server: " + e, e);
        }
        return s;
    }

    /** The port actually bound. */
    public int port() {
        return connector.getLocalPort();
    }

    /** The page's address. */
    public String url() {
        String h = host;
        try {
            SocketAddress bound = ((ServerSocketChannel) connector.getTransport()).getLocalAddress();
            h = ((InetSocketAddress) bound).getHostString();
        } catch (IOException | RuntimeException e) {
            // the name as given
        }
        return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port() + "/";
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping anyway
        }
    }

    private Answer answer(Request request) {
        String stranger = strangeHost(request);
        if (stranger != null) {
            String names = List.of("localhost", "127.0.0.1", "::1", "[::1]").contains(host) ? "" : ", " + host;
            return Answer.error(HttpStatus.MISDIRECTED_REQUEST_421, "this server answers requests for localhost, 127.0.0.1,"
                    + " [::1]" + names + " and this machine's address only, not for " + GbpInputException.quote(stranger)
                    + " (a guard against DNS rebinding); open " + url());
        }
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return Answer.error(405, GbpInputException.quote(method) + " is not supported; the explorer only answers GET",
                    Map.of("Allow", "GET, HEAD"));
        }
        String target = request.getHttpURI().getPathQuery();
        if (target.length() > MAX_TARGET) {
            return Answer.error(414, "the request target is " + target.length() + " bytes long; the explorer answers"
                    + " request targets (path and query) up to " + MAX_TARGET);
        }
        Map<String, String> query = new HashMap<>();
        try {
            for (Fields.Field f : Request.extractQueryParameters(request)) {
                List<String> values = f.getValues();
                query.put(f.getName(), values.get(values.size() - 1));
            }
        } catch (HttpException.RuntimeException e) {
            Throwable why = e.getCause() == null ? e : e.getCause();
            String what = why instanceof Utf8StringBuilder.Utf8IllegalArgumentException ? "percent-escapes that are not UTF-8"
                    : why.getMessage();
            return Answer.error(400, "malformed query (" + what + "): a '%' in the query must be followed by two hex"
                    + " digits of a UTF-8 byte; write %25 for a '%' itself");
        }
        oneAtATime.lock();
        try {
            return routes.answer(Request.getPathInContext(request), query);
        } catch (GbpInputException e) {
            return Answer.error(400, e.getMessage());
        } finally {
            oneAtATime.unlock();
        }
    }

    /**
     * The host the request names that is not this machine, or null when both the URI's host and the {@code Host}
     * header are {@code localhost}, a loopback address, the host the server was started on, or the address the
     * connection came in on. A page served from another name that resolves here (DNS rebinding) is refused.
     */
    private String strangeHost(Request request) {
        String uriHost = request.getHttpURI().getHost();
        if (!allowedHost(uriHost, request)) {
            return uriHost;
        }
        HttpField h = request.getHeaders().getField(HttpHeader.HOST);
        return h instanceof HostPortHttpField hp && !allowedHost(hp.getHost(), request) ? hp.getHost() : null;
    }

    private boolean allowedHost(String name, Request request) {
        if (name == null || name.isEmpty()) {
            return true; // HTTP/1.0 without Host: nothing a browser sends
        }
        String n = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        if (n.equalsIgnoreCase("localhost") || n.equalsIgnoreCase(host)) {
            return true;
        }
        InetAddress literal = ipLiteral(n);
        if (literal == null) {
            return false;
        }
        SocketAddress local = request.getConnectionMetaData().getLocalSocketAddress();
        return literal.isLoopbackAddress() || literal.equals(ipLiteral(host))
                || local instanceof InetSocketAddress l && literal.equals(l.getAddress());
    }

    /** The address an IP literal names, without a name lookup; null for anything else. */
    private static InetAddress ipLiteral(String s) {
        if (s == null || !(s.matches("\\d{1,3}(\\.\\d{1,3}){3}") || s.contains(":") && s.matches("[0-9A-Fa-f:.]+"))) {
            return null;
        }
        try {
            return InetAddress.getByName(s); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static void send(Response response, Callback callback, Answer a) {
        response.setStatus(a.status());
        HttpFields.Mutable h = response.getHeaders();
        h.put(HttpHeader.CONTENT_TYPE, a.contentType());
        h.put(HttpHeader.CACHE_CONTROL, "no-store");
        a.headers().forEach(h::put);
        h.put(HttpHeader.CONTENT_LENGTH, Long.toString(a.body().length));
        response.write(true, ByteBuffer.wrap(a.body()), callback);
    }

    /**
     * Jetty's error handler: every refusal Jetty makes (while reading a request, or for an exception thrown while
     * answering) as a JSON answer.
     */
    private static boolean error(Request request, Response response, Callback callback) {
        Object s = request.getAttribute(ErrorHandler.ERROR_STATUS);
        int status = s instanceof Integer i ? i : response.getStatus();
        String message = (String) request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        Throwable cause = (Throwable) request.getAttribute(ErrorHandler.ERROR_EXCEPTION);
        if (cause instanceof HttpException h) {
            status = h.getCode();
            message = h.getReason() != null ? h.getReason() : message;
        }
        String generic = HttpStatus.getMessage(status);
        // Jetty's reason may quote the request: cut short like any quoted input.
        String reason = message == null || message.equals(generic) ? "" : " (" + GbpInputException.quote(message) + ")";
        String text;
        switch (status) {
            case 400:
                text = "malformed request" + reason + "; the explorer answers GET /path?query HTTP/1.1 with a Host"
                        + " header, and a '%' in the path or query must be followed by two hex digits (write %25 for a"
                        + " '%' itself)";
                break;
            case 414:
                text = "the request line is longer than " + MAX_HEAD + " bytes; the explorer answers request targets"
                        + " (path and query) up to " + MAX_TARGET;
                break;
            case 431:
                text = "the request head (request line and headers) is longer than " + MAX_HEAD + " bytes";
                break;
            case 426:
            case 505:
                text = generic + reason + "; the explorer speaks HTTP/1.1";
                break;
            case 500:
                text = "internal error, please report it: " + (cause != null ? cause : generic + reason);
                if (cause != null && System.getenv("GBP_DEBUG") != null) {
                    cause.printStackTrace();
                }
                break;
            default:
                text = generic + reason;
        }
        response.setStatus(status);
        send(response, callback, Answer.error(status, text));
        return true;
    }

    private static Answer route(Explorer explorer, String path, Map<String, String> q) {
        switch (path) {
            case "/":
            case "/index.html":
                return new Answer(200, "text/html; charset=utf-8", page());
            case "/api/info":
                return json(explorer.info());
            case "/api/image":
                return new Answer(200, "image/png", explorer.imagePng(integer(q, "i"),
                        q.containsKey("scale") ? integer(q, "scale") : explorer.imageScale()));
            case "/api/explain":
                return json(explorer.explain(new Explanation.Request(integer(q, "i"),
                        text(q, "method", Explorer.DEFAULT_METHOD),
                        q.containsKey("target") && !q.get("target").isBlank() ? q.get("target") : explorer.defaultTarget(),
                        text(q, "normalize", "color"))));
            case "/api/activations":
                return json(explorer.activations(integer(q, "i"), text(q, "layer", null)));
            case "/api/featuremap":
                return new Answer(200, "image/png", explorer.featureMapPng(integer(q, "i"), text(q, "layer", null),
                        integer(q, "c")));
            case "/api/atlas":
                return json(explorer.atlas().channel(integer(q, "c")));
            case "/api/atlas/patch": {
                String kind = text(q, "kind", "image");
                if (!kind.equals("image") && !kind.equals("map")) {
                    throw new GbpInputException("parameter 'kind' must be image or map, got " + GbpInputException.quote(kind));
                }
                return new Answer(200, "image/png", explorer.atlas().patchPng(integer(q, "c"), integer(q, "r"),
                        kind.equals("map")));
            }
            default:
                return Answer.error(404, "no such page: " + GbpInputException.quote(path));
        }
    }

    private static String text(Map<String, String> q, String name, String fallback) {
        String v = q.get(name);
        if (v == null || v.isBlank()) {
            if (fallback == null) {
                throw new GbpInputException("parameter '" + name + "' is missing");
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
            throw new GbpInputException("parameter '" + name + "' must be a whole number, got "
                    + GbpInputException.quote(v));
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

    private static Answer json(Object body) {
        try {
            return new Answer(200, "application/json", JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
