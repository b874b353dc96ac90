package iru.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A loopback server speaking the AWS Secrets Manager wire protocol, so tests drive the real AWS SDK client: POST `/`
 * with `X-Amz-Target: secretsmanager.<Operation>` and `application/x-amz-json-1.1`, a SigV4 `Authorization` header
 * required, and the documented JSON and error shapes (`ResourceNotFoundException`, `ResourceExistsException`, ...).
 * Operations: `GetSecretValue` (by `VersionId` or `VersionStage`), `ListSecretVersionIds`, `CreateSecret` and
 * `PutSecretValue`. Versions carry staging labels and a `CreatedDate` taken from the clock the test controls; labels
 * move as AWS moves them (a new current version pushes the old one to `AWSPREVIOUS`).
 */
public final class LoopbackSecretsManager implements AutoCloseable {
    public static final String CURRENT = "AWSCURRENT";
    public static final String PREVIOUS = "AWSPREVIOUS";
    public static final String PENDING = "AWSPENDING";
    private static final Pattern MEMBER = Pattern.compile("\"([A-Za-z]+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One request as the server saw it; `versionStages` are the labels of the version a `GetSecretValue` answered. */
    public record Call(String operation, String secretId, Set<String> versionStages, String authorization) {
    }

    private static final class Version {
        final String id;
        final String value;
        final Instant created;
        final Set<String> stages = new LinkedHashSet<>();

        Version(String id, String value, Instant created, String stage) {
            this.id = id;
            this.value = value;
            this.created = created;
            stages.add(stage);
        }
    }

    private final HttpServer server;
    private final Clock clock;
    private final Map<String, List<Version>> secrets = new HashMap<>(); // guarded by this
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

    private LoopbackSecretsManager(HttpServer server, Clock clock) {
        this.server = server;
        this.clock = clock;
    }

    public static LoopbackSecretsManager start() {
        return start(Clock.systemUTC());
    }

    /** A server whose versions are created at `clock`'s instants, so a test moves time for the store and for it. */
    public static LoopbackSecretsManager start(Clock clock) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            LoopbackSecretsManager manager = new LoopbackSecretsManager(server, clock);
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

    /** A fresh secret whose only version is `value` (AWSCURRENT), replacing any earlier one. */
    public synchronized void put(String secretId, String value) {
        secrets.put(secretId, new ArrayList<>());
        putValue(secretId, UUID.randomUUID().toString(), value);
    }

    /** What `PutSecretValue` does: `value` becomes AWSCURRENT, the old current AWSPREVIOUS. */
    public synchronized void rotate(String secretId, String value) {
        putValue(secretId, UUID.randomUUID().toString(), value);
    }

    /** The first step of a rotation: a new version labelled AWSPENDING only; AWSCURRENT does not move yet. */
    public synchronized void beginRotation(String secretId, String value) {
        List<Version> versions = secrets.get(secretId);
        versions.forEach(v -> v.stages.remove(PENDING));
        versions.add(new Version(UUID.randomUUID().toString(), value, clock.instant(), PENDING));
    }

    /** The last step of a rotation: the pending version becomes AWSCURRENT, the old current AWSPREVIOUS. */
    public synchronized void finishRotation(String secretId) {
        List<Version> versions = secrets.get(secretId);
        Version pending = versions.stream().filter(v -> v.stages.contains(PENDING)).findFirst().orElseThrow();
        moveCurrentTo(versions, pending);
        pending.stages.remove(PENDING);
    }

    public List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** How many `GetSecretValue` calls for `secretId` were answered with a version labelled `stage`. */
    public long callsFor(String secretId, String stage) {
        return calls().stream().filter(c -> c.operation().equals("GetSecretValue") && c.secretId().equals(secretId)
                && c.versionStages().contains(stage)).count();
    }

    /** How many calls of `operation` (e.g. `ListSecretVersionIds`) named `secretId`. */
    public long operations(String operation, String secretId) {
        return calls().stream().filter(c -> c.operation().equals(operation) && c.secretId().equals(secretId)).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (!"POST".equals(exchange.getRequestMethod()) || !contentType.startsWith("application/x-amz-json-1.1")) {
                error(exchange, "SerializationException", "expected POST with application/x-amz-json-1.1");
                return;
            }
            if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=")
                    || !authorization.contains("Signature=")) {
                error(exchange, "IncompleteSignatureException", "Request is missing a SigV4 Authorization header");
                return;
            }
            String operation = target.startsWith("secretsmanager.") ? target.substring("secretsmanager.".length()) : "";
            Map<String, String> request = members(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            String secretId = request.get(operation.equals("CreateSecret") ? "Name" : "SecretId");
            if (secretId == null) {
                error(exchange, "InvalidParameterException", "SecretId is required");
                return;
            }
            synchronized (this) {
                switch (operation) {
                    case "GetSecretValue" -> getSecretValue(exchange, secretId, request, authorization);
                    case "ListSecretVersionIds" -> listSecretVersionIds(exchange, secretId, authorization);
                    case "CreateSecret", "PutSecretValue" ->
                            write(exchange, operation, secretId, request, authorization);
                    default -> error(exchange, "InvalidAction", "not implemented: " + target);
                }
            }
        }
    }

    private void getSecretValue(HttpExchange exchange, String secretId, Map<String, String> request,
            String authorization) throws IOException {
        String versionId = request.get("VersionId");
        String stage = request.getOrDefault("VersionStage", versionId == null ? CURRENT : null);
        Optional<Version> found = Optional.ofNullable(secrets.get(secretId)).flatMap(versions -> versions.stream()
                .filter(v -> versionId == null || v.id.equals(versionId))
                .filter(v -> stage == null || v.stages.contains(stage))
                .findFirst());
        calls.add(new Call("GetSecretValue", secretId, found.map(v -> Set.copyOf(v.stages)).orElse(Set.of()),
                authorization));
        if (found.isEmpty()) {
            error(exchange, "ResourceNotFoundException", "Secrets Manager can't find the specified secret value for "
                    + (versionId != null ? "VersionId: " + versionId : "staging label: " + stage));
            return;
        }
        Version v = found.get();
        send(exchange, 200, "{" + identity(secretId) + ",\"VersionId\":\"" + v.id + "\",\"SecretString\":\""
                + escape(v.value) + "\",\"VersionStages\":" + stages(v) + ",\"CreatedDate\":" + epoch(v.created) + "}",
                null);
    }

    private void listSecretVersionIds(HttpExchange exchange, String secretId, String authorization) throws IOException {
        calls.add(new Call("ListSecretVersionIds", secretId, Set.of(), authorization));
        List<Version> versions = secrets.get(secretId);
        if (versions == null) {
            error(exchange, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
            return;
        }
        String entries = versions.stream().filter(v -> !v.stages.isEmpty()) // deprecated versions are not listed
                .map(v -> "{\"VersionId\":\"" + v.id + "\",\"VersionStages\":" + stages(v) + ",\"CreatedDate\":"
                        + epoch(v.created) + "}")
                .collect(Collectors.joining(",", "[", "]"));
        send(exchange, 200, "{" + identity(secretId) + ",\"Versions\":" + entries + "}", null);
    }

    /** `CreateSecret` (the secret must not exist) or `PutSecretValue` (it must): the new version becomes current. */
    private void write(HttpExchange exchange, String operation, String secretId, Map<String, String> request,
            String authorization) throws IOException {
        calls.add(new Call(operation, secretId, Set.of(), authorization));
        boolean create = operation.equals("CreateSecret");
        if (create && secrets.containsKey(secretId)) {
            error(exchange, "ResourceExistsException",
                    "The operation failed because the secret " + secretId + " already exists.");
            return;
        }
        if (!create && !secrets.containsKey(secretId)) {
            error(exchange, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
            return;
        }
        String value = request.get("SecretString");
        if (value == null) {
            error(exchange, "InvalidRequestException", "SecretString is required by this server");
            return;
        }
        String versionId = request.getOrDefault("ClientRequestToken", UUID.randomUUID().toString());
        if (create) {
            secrets.put(secretId, new ArrayList<>());
        }
        Optional<Version> same = secrets.get(secretId).stream().filter(v -> v.id.equals(versionId)).findFirst();
        if (same.isPresent() && !same.get().value.equals(value)) {
            error(exchange, "ResourceExistsException", "A version with VersionId " + versionId
                    + " already exists with a different value");
            return;
        }
        Version stored = same.orElseGet(() -> putValue(secretId, versionId, value)); // a retried request is idempotent
        send(exchange, 200, "{" + identity(secretId) + ",\"VersionId\":\"" + versionId + "\""
                + (create ? "" : ",\"VersionStages\":" + stages(stored)) + "}", null);
    }

    private Version putValue(String secretId, String versionId, String value) {
        List<Version> versions = secrets.get(secretId);
        Version fresh = new Version(versionId, value, clock.instant(), PENDING);
        versions.add(fresh);
        moveCurrentTo(versions, fresh);
        fresh.stages.remove(PENDING);
        return fresh;
    }

    private static void moveCurrentTo(List<Version> versions, Version next) {
        for (Version v : versions) {
            v.stages.remove(PREVIOUS);
        }
        for (Version v : versions) {
            if (v != next && v.stages.remove(CURRENT)) {
                v.stages.add(PREVIOUS);
            }
        }
        next.stages.add(CURRENT);
    }

    private static String identity(String secretId) {
        return "\"ARN\":\"arn:aws:secretsmanager:us-east-2:123456789012:secret:" + escape(secretId)
                + "-AbCdEf\",\"Name\":\"" + escape(secretId) + "\"";
    }

    private static String stages(Version v) {
        return v.stages.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    /** Timestamps travel as epoch seconds with a fraction, as the awsJson protocol sends them. */
    private static String epoch(Instant instant) {
        return instant.getEpochSecond() + "." + String.format("%03d", instant.getNano() / 1_000_000);
    }

    /** The flat string members of a request body (the operations used here send no nested objects). */
    private static Map<String, String> members(String body) {
        Map<String, String> members = new HashMap<>();
        Matcher m = MEMBER.matcher(body);
        while (m.find()) {
            members.put(m.group(1), unescape(m.group(2)));
        }
        return members;
    }

    private static String unescape(String json) {
        StringBuilder out = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = json.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    private static void error(HttpExchange exchange, String type, String message) throws IOException {
        send(exchange, 400, "{\"__type\":\"" + type + "\",\"message\":\"" + escape(message) + "\"}", type);
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
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
