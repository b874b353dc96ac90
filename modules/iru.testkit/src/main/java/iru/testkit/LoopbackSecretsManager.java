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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback server speaking the AWS Secrets Manager wire protocol for `GetSecretValue`, so tests drive the real AWS
 * SDK client: POST `/` with `X-Amz-Target: secretsmanager.GetSecretValue` and `application/x-amz-json-1.1`, a SigV4
 * `Authorization` header required, and the documented JSON and error shapes (`ResourceNotFoundException`, ...).
 */
public final class LoopbackSecretsManager implements AutoCloseable {
    private static final Pattern MEMBER = Pattern.compile("\"(SecretId|VersionStage)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One request as the server saw it. */
    public record Call(String secretId, String versionStage, String authorization) {
    }

    private record Versions(String current, String previous) {
    }

    private final HttpServer server;
    private final Map<String, Versions> secrets = new ConcurrentHashMap<>();
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

    private LoopbackSecretsManager(HttpServer server) {
        this.server = server;
    }

    public static LoopbackSecretsManager start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            LoopbackSecretsManager manager = new LoopbackSecretsManager(server);
            server.createContext("/", manager::handle);
            server.start();
            return manager;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void put(String secretId, String value) {
        secrets.put(secretId, new Versions(value, null));
    }

    /** What a rotation does: the current value becomes AWSPREVIOUS and `value` becomes AWSCURRENT. */
    public void rotate(String secretId, String value) {
        secrets.compute(secretId, (id, old) -> new Versions(value, old == null ? null : old.current()));
    }

    public List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    public long callsFor(String secretId, String stage) {
        return calls().stream().filter(c -> c.secretId().equals(secretId) && c.versionStage().equals(stage)).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (!"POST".equals(exchange.getRequestMethod()) || !contentType.startsWith("application/x-amz-json-1.1")) {
                error(exchange, 400, "SerializationException", "expected POST with application/x-amz-json-1.1");
                return;
            }
            if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=")
                    || !authorization.contains("Signature=")) {
                error(exchange, 400, "IncompleteSignatureException", "Request is missing a SigV4 Authorization header");
                return;
            }
            if (!"secretsmanager.GetSecretValue".equals(target)) {
                error(exchange, 400, "InvalidAction", "only GetSecretValue is implemented, not " + target);
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String secretId = null;
            String stage = "AWSCURRENT";
            Matcher m = MEMBER.matcher(body);
            while (m.find()) {
                if (m.group(1).equals("SecretId")) {
                    secretId = m.group(2);
                } else {
                    stage = m.group(2);
                }
            }
            if (secretId == null) {
                error(exchange, 400, "InvalidParameterException", "SecretId is required");
                return;
            }
            calls.add(new Call(secretId, stage, authorization));
            Versions versions = secrets.get(secretId);
            String value = versions == null ? null : stage.equals("AWSPREVIOUS") ? versions.previous()
                    : stage.equals("AWSCURRENT") ? versions.current() : null;
            if (value == null) {
                error(exchange, 400, "ResourceNotFoundException",
                        "Secrets Manager can't find the specified secret value for staging label: " + stage);
                return;
            }
            String json = "{\"ARN\":\"arn:aws:secretsmanager:us-east-2:123456789012:secret:" + escape(secretId)
                    + "-AbCdEf\",\"Name\":\"" + escape(secretId) + "\",\"VersionId\":\"" + UUID.randomUUID()
                    + "\",\"SecretString\":\"" + escape(value) + "\",\"VersionStages\":[\"" + stage
                    + "\"],\"CreatedDate\":1.764E9}";
            send(exchange, 200, json, null);
        }
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        send(exchange, status, "{\"__type\":\"" + type + "\",\"message\":\"" + escape(message) + "\"}", type);
    }

    private static void send(HttpExchange exchange, int status, String json, String errorType) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        if (errorType != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
