package iru.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A loopback HTTP sink that records what is POSTed to it: stands in for an OTLP/HTTP collector (`/v1/traces`) or a
 * Sentry ingestion endpoint (`/api/<project>/envelope/`), answering 200 to everything.
 */
public final class LoopbackCollector implements AutoCloseable {
    /** One request as received. */
    public record Received(String path, String contentType, byte[] body) {
        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());

    private LoopbackCollector(HttpServer server) {
        this.server = server;
    }

    public static LoopbackCollector start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            LoopbackCollector collector = new LoopbackCollector(server);
            server.createContext("/", exchange -> {
                try (exchange) {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                        body = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
                    }
                    collector.received.add(new Received(exchange.getRequestURI().getPath(),
                            String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")), body));
                    exchange.sendResponseHeaders(200, -1);
                }
            });
            server.start();
            return collector;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
