package dev.gbp.explore;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The explorer's HTTP/1.1 server: GET and HEAD, one response per connection ({@code Connection: close}), every
 * answer, refusals included, with a JSON body.
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver}: it refuses some requests itself, before any handler or
 * filter runs. A request target that is not a valid {@link URI} ({@code %zz}, {@code |}) gets its own
 * {@code text/html} 400, and a request line and headers longer than {@code sun.net.httpserver.maxReqHeaderSize}
 * (380 KiB by default, JDK 17.0.11 and later) have their connection closed unanswered, which a client sees as a
 * reset. Here the request head is read with our own limits and every refusal is answered:
 *
 * <ul>
 *   <li>a request target over {@link #MAX_TARGET} bytes: 414, as soon as the limit is passed; the rest of the
 *       request is read and dropped (up to {@link #DRAIN_LIMIT} bytes) so the client receives the answer
 *       instead of a reset;
 *   <li>headers over {@link #MAX_HEAD} bytes or {@link #MAX_HEADERS} lines: 431;
 *   <li>a malformed request line, header or percent-escape: 400; a version other than HTTP/1.0 or 1.1: 505;
 *   <li>a method other than GET and HEAD: 405 (bodies are never read).
 * </ul>
 *
 * Connections are read on a few threads; the handler runs on one thread, one request at a time.
 */
final class LocalHttpServer implements AutoCloseable {
    /** The longest request target (path and query, in bytes as sent) answered; longer ones get 414. */
    static final int MAX_TARGET = 8192;
    /** The longest request head (request line and headers, in bytes) answered; longer headers get 431. */
    static final int MAX_HEAD = 64 * 1024;
    /** The most header lines answered; more get 431. */
    static final int MAX_HEADERS = 100;
    /** How much of a refused request's remainder is read and dropped before the connection closes. */
    static final int DRAIN_LIMIT = 16 << 20;
    private static final int READ_TIMEOUT_MILLIS = 10_000;
    private static final int DRAIN_TIMEOUT_MILLIS = 2_000;
    private static final int READERS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as the handler sees it: the method, the decoded path and the raw (still encoded) query. */
    record Request(String method, String path, String rawQuery, Map<String, String> headers) {}

    /** An answer: status, content type, body and any further headers. */
    record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
        Response(int status, String contentType, byte[] body) {
            this(status, contentType, body, Map.of());
        }

        /** {@code {"error": message}} with the given status. */
        static Response error(int status, String message) {
            return error(status, message, Map.of());
        }

        static Response error(int status, String message, Map<String, String> headers) {
            try {
                return new Response(status, "application/json", JSON.writeValueAsBytes(Map.of("error", String.valueOf(message))),
                        headers);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Answers one request; runs on the server's one handler thread. */
    interface Handler {
        Response handle(Request request);
    }

    /** A request refused while its head was read (the rest of the request may still be unread). */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Response response;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.response = Response.error(status, message);
        }
    }

    private final ServerSocket socket;
    private final Handler handler;
    private final ExecutorService readers;
    private final ExecutorService worker;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private LocalHttpServer(ServerSocket socket, Handler handler, String name) {
        this.socket = socket;
        this.handler = handler;
        this.readers = new ThreadPoolExecutor(READERS, READERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256),
                daemon(name + "-connection"));
        ((ThreadPoolExecutor) readers).allowCoreThreadTimeOut(true);
        this.worker = Executors.newSingleThreadExecutor(daemon(name));
        this.acceptor = daemon(name + "-accept").newThread(this::acceptLoop);
    }

    /** Listens on {@code host}:{@code port} (port 0: any free port) and serves until closed. */
    static LocalHttpServer start(String host, int port, Handler handler, String name) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.bind(new InetSocketAddress(host, port), 50);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        LocalHttpServer server = new LocalHttpServer(s, handler, name);
        server.acceptor.start();
        return server;
    }

    /** The address actually bound. */
    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        readers.shutdownNow();
        worker.shutdownNow();
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                pause(); // e.g. out of file descriptors: let connections finish
                continue;
            }
            open.add(s);
            try {
                readers.execute(() -> serve(s));
            } catch (RejectedExecutionException e) {
                open.remove(s);
                closeQuietly(s); // more connections waiting than the queue holds, or closing
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(s.getInputStream());
            Response response;
            boolean head = false;
            boolean unread = false;
            try {
                Request request = readHead(in);
                if (request == null) {
                    return; // connected and closed (or stayed silent) without a request
                }
                head = "HEAD".equals(request.method());
                unread = hasBody(request);
                if (!"GET".equals(request.method()) && !head) {
                    response = Response.error(405, request.method() + " is not supported; the explorer only answers GET",
                            Map.of("Allow", "GET, HEAD"));
                } else {
                    response = worker.submit(() -> handler.handle(request)).get();
                }
            } catch (Refusal r) {
                response = r.response;
                unread = true;
            } catch (SocketTimeoutException e) {
                response = Response.error(408, "the request did not arrive in time");
                unread = true;
            } catch (ExecutionException e) {
                response = Response.error(500, "internal error, please report it: " + e.getCause());
            } catch (InterruptedException | RejectedExecutionException e) {
                return; // closing
            }
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            write(out, response, head);
            out.flush();
            if (unread) {
                // Closing with unread input would reset the connection, and the client could lose the answer.
                s.shutdownOutput();
                drain(s, in);
            }
        } catch (IOException e) {
            // the client went away; nothing to answer
        } finally {
            open.remove(s);
        }
    }

    private static boolean hasBody(Request r) {
        String length = r.headers().get("content-length");
        return r.headers().containsKey("transfer-encoding") || length != null && !length.trim().equals("0");
    }

    /**
     * The request line and headers; null when the connection ends, or stays silent, before the first byte.
     *
     * @throws Refusal naming what is wrong with the request, as a JSON answer with its status
     */
    static Request readHead(InputStream in) throws IOException, Refusal {
        try {
            return readHead(in, new int[] {MAX_HEAD});
        } catch (HeadTooLong e) {
            throw new Refusal(431, "the request head (request line and headers) is longer than " + MAX_HEAD + " bytes");
        }
    }

    private static Request readHead(InputStream in, int[] budget) throws IOException, Refusal {
        String line;
        int blank = 0;
        do {
            try {
                line = readLine(in, MAX_TARGET + 64, budget);
            } catch (SocketTimeoutException e) {
                if (budget[0] == MAX_HEAD) {
                    return null;
                }
                throw e;
            }
            if (line == null) {
                if (budget[0] == MAX_HEAD) {
                    return null;
                }
                throw new Refusal(400, "the request ended inside its request line");
            }
        } while (line.isEmpty() && ++blank <= 4); // a client may send blank lines before the request line
        if (line.length() > MAX_TARGET + 64) {
            throw new Refusal(414, "the request line is longer than " + (MAX_TARGET + 64) + " bytes; the explorer answers"
                    + " request targets (path and query) up to " + MAX_TARGET);
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !parts[0].matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+") || parts[1].isEmpty()) {
            throw new Refusal(400, "malformed request line '" + shorten(line) + "' (expected: METHOD /path?query HTTP/1.1)");
        }
        if (!parts[2].matches("HTTP/1\\.[01]")) {
            if (parts[2].matches("HTTP/\\d(\\.\\d)?")) {
                throw new Refusal(505, parts[2] + " is not supported; the explorer speaks HTTP/1.1");
            }
            throw new Refusal(400, "malformed request line '" + shorten(line) + "' (expected: METHOD /path?query HTTP/1.1)");
        }
        if (parts[1].length() > MAX_TARGET) {
            throw new Refusal(414, "the request target is " + parts[1].length() + " bytes long; the explorer answers"
                    + " request targets (path and query) up to " + MAX_TARGET);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int n = 0;; n++) {
            String h = readLine(in, MAX_HEAD, budget);
            if (h == null) {
                throw new Refusal(400, "the request ended inside its headers");
            }
            if (h.isEmpty()) {
                break;
            }
            if (n == MAX_HEADERS) {
                throw new Refusal(431, "the request has more than " + MAX_HEADERS + " header lines");
            }
            int colon = h.indexOf(':');
            if (colon <= 0 || !h.substring(0, colon).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new Refusal(400, "malformed header line '" + shorten(h) + "'");
            }
            headers.merge(h.substring(0, colon).toLowerCase(Locale.ROOT), h.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
        }
        String target = parts[1];
        if (!target.startsWith("/")) {
            target = originForm(target);
        }
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        String rawQuery = q < 0 ? null : target.substring(q + 1);
        checkEscapes(rawPath, "path");
        if (rawQuery != null) {
            checkEscapes(rawQuery, "query");
        }
        return new Request(parts[0], percentDecode(rawPath), rawQuery, headers);
    }

    /** The path and query of an absolute-form target ({@code http://host/path?query}). */
    private static String originForm(String target) throws Refusal {
        try {
            URI u = new URI(target);
            if (u.getScheme() != null && u.getScheme().matches("(?i)https?") && u.getRawAuthority() != null) {
                String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
                return u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw new Refusal(400, "the request target must be a path such as /api/info, got '" + shorten(target) + "'");
    }

    /** Every '%' starts a two-digit hex escape, and there are no control characters. */
    private static void checkEscapes(String s, String where) throws Refusal {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
                        || Character.digit(s.charAt(i + 2), 16) < 0) {
                    String bad = s.substring(i, Math.min(s.length(), i + 3));
                    throw new Refusal(400, "malformed percent-escape '" + bad + "' in the " + where + ": '%' must be"
                            + " followed by two hex digits (write %25 for a '%' itself)");
                }
            } else if (ch < 0x20 || ch == 0x7f) {
                throw new Refusal(400, "the " + where + " contains a control character (" + (int) ch + ")");
            }
        }
    }

    /** Percent-decodes a path (no '+' for space), reading the bytes as UTF-8. */
    private static String percentDecode(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '%') {
                b.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                b.write(ch); // the line was read as ISO-8859-1: one char per byte
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Thrown by {@link #readLine} when a line passes its limit or the head passes {@link #MAX_HEAD}. */
    private static final class HeadTooLong extends IOException {
        private static final long serialVersionUID = 1L;

        HeadTooLong() {
            super(null, null);
        }
    }

    /**
     * One line (CRLF or LF ended, without it) read as ISO-8859-1, or null at the end of input before any byte.
     * A line longer than {@code limit} bytes is returned cut, {@code limit + 1} bytes long, with the rest unread;
     * a line that would pass the head's remaining budget throws {@link HeadTooLong}.
     */
    private static String readLine(InputStream in, int limit, int[] budget) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (--budget[0] < 0) {
                throw new HeadTooLong();
            }
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
            if (line.length() > limit) {
                return line.toString();
            }
        }
        return line.length() == 0 ? null : line.toString();
    }

    private static void write(OutputStream out, Response r, boolean head) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status())).append("\r\n");
        h.append("Content-Type: ").append(r.contentType()).append("\r\n");
        h.append("Content-Length: ").append(r.body().length).append("\r\n");
        h.append("Cache-Control: no-store\r\n");
        h.append("Connection: close\r\n");
        for (Map.Entry<String, String> e : r.headers().entrySet()) {
            h.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        }
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(r.body());
        }
    }

    private static void drain(Socket s, InputStream in) {
        try {
            s.setSoTimeout(DRAIN_TIMEOUT_MILLIS);
            byte[] buf = new byte[64 * 1024];
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MILLIS);
            for (long total = 0; total < DRAIN_LIMIT && System.nanoTime() < deadline;) {
                int n = in.read(buf);
                if (n < 0) {
                    return;
                }
                total += n;
            }
        } catch (IOException e) {
            // timed out or reset: close anyway
        }
    }

    private static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 414: return "URI Too Long";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 505: return "HTTP Version Not Supported";
            default: return "Status " + status;
        }
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
