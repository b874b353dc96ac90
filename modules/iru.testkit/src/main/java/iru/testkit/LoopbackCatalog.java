package iru.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A loopback upstream catalog service: `GET /catalog` answers the configured JSON feed, but only to a caller whose
 * `Authorization: Bearer` value is the token it currently expects (401 otherwise), and records what it was sent.
 */
public final class LoopbackCatalog implements AutoCloseable {
    private final HttpServer server;
    private final List<String> presentedTokens = Collections.synchronizedList(new ArrayList<>());
    private volatile String expectedToken;
    private volatile String feed = "{\"templates\":[]}";

    private LoopbackCatalog(HttpServer server) {
        this.server = server;
    }

    public static LoopbackCatalog start(String expectedToken) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            LoopbackCatalog catalog = new LoopbackCatalog(server);
            catalog.expectedToken = expectedToken;
            server.createContext("/catalog", catalog::handle);
            server.start();
            return catalog;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/catalog");
    }

    public void expectToken(String token) {
        this.expectedToken = token;
    }

    public void serve(String feedJson) {
        this.feed = feedJson;
    }

    public List<String> presentedTokens() {
        synchronized (presentedTokens) {
            return List.copyOf(presentedTokens);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            String token = authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
            presentedTokens.add(token);
            boolean ok = token.equals(expectedToken);
            byte[] body = (ok ? feed : "{\"error\":\"bad token\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(ok ? 200 : 401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
