package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import iru.interfaces.http.Json;
import iru.interfaces.openapi.OpenApiService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Malformed requests, generated per operation of both planes' OpenAPI documents (a new operation is attacked without
 * anyone editing this suite): forged or missing credentials, NUL and control characters in paths, query parameters,
 * headers and bodies, path traversal, bad cursors and limits, bad JSON, duplicate members, wrong member types, empty,
 * huge and invalid UTF-8 bodies, unknown and missing content types. Each request carries at least one defect the
 * operation must refuse, even when it is otherwise sent with a valid administrator credential. Every answer must be a
 * 4xx problem+json within the read timeout (the token endpoint answers RFC 6749 error JSON instead), and afterwards
 * every table of the directory and both regional databases, and every audit chain head, must be as before.
 *
 * Tries: `jqwik.tries.default` (junit-platform.properties; README "Tests" has the command for a longer run).
 */
class MalformedRequestsProperties {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    static TestDeployment deployment;
    static TestDeployment.Plane control;
    static TestDeployment.Plane tenant;
    static List<Operation> operations;
    static final List<TestDeployment.TenantWithKey> TENANTS = new ArrayList<>();
    static final Map<String, String> USERS = new TreeMap<>();
    static Map<String, String> before;
    static final Map<String, AtomicInteger> COUNTS = new ConcurrentSkipListMap<>();

    enum Plane { CONTROL, TENANT }

    /** One operation of a document. {@code security} is "none", "apiKey", "session" or "admin" (control plane). */
    record Operation(Plane plane, String method, String template, String security, Optional<String> mediaType,
            Optional<String> body, boolean paged) {
        String name() {
            return plane.name().toLowerCase(Locale.ROOT) + " " + method + " " + template;
        }

        boolean json() {
            return mediaType.map(m -> m.endsWith("json")).orElse(false);
        }
    }

    enum Defect {
        FORGED_CREDENTIAL, NUL_IN_PATH, TRAVERSAL_IN_PATH, NUL_IN_QUERY, BAD_PAGE, CONTROL_IN_HEADER, OVERSIZED_HEADER,
        BAD_JSON, EMPTY_BODY, HUGE_BODY, UNSTORABLE_IN_BODY, INVALID_UTF8_BODY, WRONG_CONTENT_TYPE,
        MISSING_CONTENT_TYPE, DUPLICATE_MEMBER, WRONG_TYPE;

        boolean appliesTo(Operation op) {
            return switch (this) {
                case FORGED_CREDENTIAL -> op.security().equals("apiKey") || op.security().equals("admin");
                case BAD_PAGE -> op.paged();
                case BAD_JSON, DUPLICATE_MEMBER, WRONG_TYPE -> op.json();
                case EMPTY_BODY -> op.json();
                case HUGE_BODY, UNSTORABLE_IN_BODY, WRONG_CONTENT_TYPE, MISSING_CONTENT_TYPE -> op.body().isPresent();
                case INVALID_UTF8_BODY -> op.json();
                default -> true;
            };
        }
    }

    /** A generated request: the operation, its defect, which tenant's identifiers fill it, and a choice of payload. */
    record Attempt(Operation op, Defect defect, int tenant, int variant) {
    }

    @BeforeContainer
    static void start() throws Exception {
        deployment = TestDeployment.create("t_malformed");
        control = deployment.start(iru.launcher.Plane.control, Map.of());
        tenant = deployment.start(iru.launcher.Plane.tenant, Map.of("IRU_AUTH_FAILURES_PER_SOURCE", "1000000",
                "IRU_AUTH_FAILURES_PER_TENANT", "1000000"));
        for (String[] t : new String[][] {{"bad-us", "us"}, {"bad-eu", "eu"}}) {
            TestDeployment.TenantWithKey created = TestDeployment.createTenant(control, t[0], t[1]);
            TENANTS.add(created);
            var user = tenant.as(created.key(), "POST", "/t/" + created.slug() + "/v1/users",
                    "{\"userName\":\"victim\",\"email\":\"victim@" + created.slug() + ".example\"}");
            assertEquals(201, user.statusCode(), user.body());
            USERS.put(created.slug(), Json.MAPPER.readTree(user.body()).get("id").asText());
        }
        operations = new ArrayList<>();
        operations.addAll(operations(Plane.CONTROL, OpenApiService.CONTROL_DOCUMENT));
        operations.addAll(operations(Plane.TENANT, OpenApiService.TENANT_DOCUMENT));
        assertTrue(operations.size() >= 60, "both documents are read: " + operations.size());
        before = CrossTenantAttackTest.snapshot(deployment);
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            StringBuilder report = new StringBuilder("Malformed requests per operation:\n");
            COUNTS.forEach((name, n) -> report.append(String.format("  %6d  %s%n", n.get(), name)));
            report.append(String.format("  %6d  in all, %d operations%n",
                    COUNTS.values().stream().mapToInt(AtomicInteger::get).sum(), COUNTS.size()));
            System.out.print(report);
            if (before != null) {
                assertEquals(before, CrossTenantAttackTest.snapshot(deployment),
                        "a malformed request changed some database");
            }
        } finally {
            if (deployment != null) {
                deployment.close();
            }
        }
    }

    @Property(shrinking = net.jqwik.api.ShrinkingMode.FULL)
    void everyMalformedRequestIsRefusedWithAProblem(@ForAll("attempts") Attempt attempt) throws Exception {
        COUNTS.computeIfAbsent(attempt.op().name(), k -> new AtomicInteger()).incrementAndGet();
        refused(attempt.op(), request(attempt), attempt.toString());
    }

    // Counterexamples the property found, kept as examples (each answered 500 or an empty 400 before its fix).

    /** Issue 12: a NUL in a query filter reached PostgreSQL and answered 500. */
    @Example
    void nulInAQueryFilter() throws Exception {
        TestDeployment.TenantWithKey t = TENANTS.getFirst();
        assertType("malformed-request", refused(operation("tenant GET /t/{tenant}/v1/users"), new Raw("GET",
                "/t/" + t.slug() + "/v1/users?userName=%00", List.of("Authorization: Bearer " + t.key()), null), ""));
    }

    /** A NUL in a header was refused by the web server with an empty 400, not a problem. */
    @Example
    void nulInAHeader() throws Exception {
        assertType("malformed-request", refused(operation("control GET /v1/tenants"), new Raw("GET", "/v1/tenants",
                List.of("Authorization: Bearer " + TestDeployment.ADMIN_TOKEN, "X-Probe: a\u0000b"), null), ""));
    }

    /** A header section larger than the server reads was refused with an empty 400, not a problem. */
    @Example
    void oversizedHeader() throws Exception {
        assertType("malformed-request", refused(operation("control GET /v1/tenants"), new Raw("GET", "/v1/tenants",
                List.of("Authorization: Bearer " + TestDeployment.ADMIN_TOKEN, "X-Probe: " + "a".repeat(65536)),
                null), ""));
    }

    /** A Content-Type the server cannot parse (`application`) on the token endpoint answered 500. */
    @Example
    void unparsableContentTypeOnAForm() throws Exception {
        TestDeployment.TenantWithKey t = TENANTS.getFirst();
        JsonNode error = refused(operation("tenant POST /t/{tenant}/token"), new Raw("POST", "/t/" + t.slug() + "/token",
                List.of("Content-Type: application"), utf8("grant_type=client_credentials")), "");
        assertEquals("invalid_request", error.path("error").asText(), error.toString());
    }

    /** A lone surrogate (JSON escape) in a body member, and a duplicate member, are refused where JSON is read. */
    @Example
    void unstorableAndDuplicateMembers() throws Exception {
        TestDeployment.TenantWithKey t = TENANTS.getFirst();
        Operation createUser = operation("tenant POST /t/{tenant}/v1/users");
        for (String body : List.of("{\"userName\":\"x\\ud800\",\"email\":\"x@x.example\"}",
                "{\"userName\":\"\\u0000\",\"email\":\"x@x.example\"}",
                "{\"userName\":\"a\",\"userName\":\"b\",\"email\":\"x@x.example\"}")) {
            assertType("malformed-request", refused(createUser, new Raw("POST", "/t/" + t.slug() + "/v1/users",
                    List.of("Authorization: Bearer " + t.key(), "Content-Type: application/json"),
                    utf8(body)), body));
        }
    }

    private static Operation operation(String name) {
        return operations.stream().filter(op -> op.name().equals(name)).findFirst().orElseThrow(() ->
                new AssertionError("no operation " + name));
    }

    private static void assertType(String slug, JsonNode problem) {
        assertEquals("https://iru.dev/problems/" + slug, problem.path("type").asText(), problem.toString());
    }

    /** Sends {@code request} and asserts a 4xx problem+json (RFC 6749 error JSON from the token endpoint). */
    static JsonNode refused(Operation op, Raw request, String attempt) throws Exception {
        Answer answer = send(op.plane() == Plane.CONTROL ? control : tenant, request);
        String what = attempt + "\n" + request.describe() + "\n-> " + answer;
        assertTrue(answer.status() >= 400 && answer.status() < 500, what);
        JsonNode body = Json.MAPPER.readTree(answer.body());
        if (op.template().equals("/t/{tenant}/token") && answer.contentType().startsWith("application/json")) {
            assertTrue(body.hasNonNull("error"), what); // RFC 6749 §5.2
        } else {
            assertTrue(answer.contentType().startsWith("application/problem+json"), what);
            assertTrue(body.path("type").asText().startsWith("https://iru.dev/problems/"), what);
            assertEquals(answer.status(), body.path("status").asInt(), what);
        }
        return body;
    }

    @Provide
    Arbitrary<Attempt> attempts() {
        return Arbitraries.of(operations).flatMap(op -> Combinators.combine(
                Arbitraries.of(Defect.values()).filter(d -> d.appliesTo(op)),
                Arbitraries.integers().between(0, TENANTS.size() - 1),
                Arbitraries.integers().between(0, 127)).as((defect, t, variant) -> new Attempt(op, defect, t, variant)));
    }

    private static final List<String> NUL_TEXTS = List.of("%00", "a%00b", "%00%00", "x%00%01", "%00.json", "%00' or '1'='1");
    private static final List<String> TRAVERSALS = List.of("..%2f..%2fv1", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2fx",
            "..%5c..%5cx", "..;x", "%252e%252e%252f");
    private static final List<String> BAD_LIMITS = List.of("-1", "0", "201", "abc", "99999999999999999999", "1e3",
            "%20", "0x10");
    private static final List<String> BAD_CURSORS = List.of("!!!", "AAAA", "not-base64-%3F", "ZZZZZZZZZZZZZZZZZZZZZZ",
            "%2F%2F", "bnVsbA");
    private static final List<String> FORGED = List.of("", "Bearer", "Bearer ", "Bearer garbage", "Basic Zm9vOmJhcg==",
            "Bearer iruk_00000000-0000-0000-0000-000000000000_forged", "bearer %s", "Bearer %sx", "Bearer x%s",
            "Digest %s", "Bearer " + "a".repeat(5000));

    /** The request for an attempt: valid apart from its one defect. */
    static Raw request(Attempt a) {
        Operation op = a.op();
        TestDeployment.TenantWithKey t = TENANTS.get(a.tenant());
        int v = a.variant();
        String credential = switch (op.security()) {
            case "apiKey" -> "Bearer " + t.key();
            case "admin" -> "Bearer " + TestDeployment.ADMIN_TOKEN;
            default -> null;
        };
        List<String> parameters = new ArrayList<>();
        Matcher m = PATH_PARAMETER.matcher(op.template());
        while (m.find()) {
            parameters.add(m.group(1));
        }
        String spoiled = parameters.isEmpty() ? null : parameters.get(v % parameters.size());
        String spoil = switch (a.defect()) {
            case NUL_IN_PATH -> pick(NUL_TEXTS, v);
            case TRAVERSAL_IN_PATH -> pick(TRAVERSALS, v);
            default -> null;
        };
        StringBuilder path = new StringBuilder();
        m = PATH_PARAMETER.matcher(op.template());
        while (m.find()) {
            String value = spoil != null && m.group(1).equals(spoiled) ? spoil : value(m.group(1), t);
            m.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        m.appendTail(path);
        if (spoil != null && parameters.isEmpty()) {
            path.append('/').append(spoil);
        }
        String target = path.toString();
        switch (a.defect()) {
            case NUL_IN_QUERY -> target += "?" + pick(List.of("q", "userName", "email", "limit", "cursor", "return_to",
                    "client_id", "state", "x"), v) + "=" + pick(NUL_TEXTS, v / 2);
            case BAD_PAGE -> target += v % 2 == 0 ? "?limit=" + pick(BAD_LIMITS, v / 2)
                    : "?cursor=" + pick(BAD_CURSORS, v / 2);
            default -> { }
        }
        List<String> headers = new ArrayList<>();
        if (a.defect() == Defect.FORGED_CREDENTIAL) {
            String forged = pick(FORGED, v);
            String secret = op.security().equals("admin") ? TestDeployment.ADMIN_TOKEN : t.key();
            credential = forged.isEmpty() ? null : forged.replace("%s", secret.substring(0, secret.length() - 1));
        }
        if (credential != null) {
            headers.add("Authorization: " + credential);
        }
        switch (a.defect()) {
            case CONTROL_IN_HEADER -> headers.add(pick(List.of("X-Probe: a\u0000b", "User-Agent: \u0001\u0002",
                    "Idempotency-Key: \u0000", "If-Match: \"\u0000\"", "Accept-Language: \u007f\u0000",
                    "X-Forwarded-For: 1.2.3.4\u0000"), v));
            case OVERSIZED_HEADER -> headers.add("X-Probe: " + "a".repeat(64 * 1024));
            default -> { }
        }
        byte[] body = op.body().map(b -> b.getBytes(StandardCharsets.UTF_8)).orElse(null);
        String contentType = op.mediaType().orElse(null);
        String example = op.body().orElse("");
        switch (a.defect()) {
            case BAD_JSON -> body = utf8(pick(List.of("{", "}", "[]", "null", "42", "\"text\"", "{\"a\":}", "{'a':1}",
                    example + "x", example.isEmpty() ? "{" : example.substring(0, example.length() - 1),
                    "{\"a\":1}{\"b\":2}", "\u00ef\u00bb\u00bf{}", "{\"a\":1,}", "{,}", "[{}]", "NaN"), v));
            case EMPTY_BODY -> body = new byte[0];
            case HUGE_BODY -> body = utf8(op.json() ? "{\"displayName\":\"" + "x".repeat(70 * 1024) + "\"}"
                    : "x=" + "x".repeat(70 * 1024));
            case UNSTORABLE_IN_BODY -> body = utf8(op.json()
                    ? withEveryString(example, pick(List.of("\\u0000", "a\\u0000", "\\ud800", "x\\udc00y",
                            "\\ud800\\ud800"), v))
                    : "grant_type=client_credentials&client_id=a%00&client_secret=b&name=%00&x=%00");
            case INVALID_UTF8_BODY -> body = concat(utf8("{\"displayName\":\""),
                    pick(List.of(new byte[] {(byte) 0xc3}, new byte[] {(byte) 0xff}, new byte[] {(byte) 0xed,
                            (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xc0, (byte) 0x80}), v), utf8("\"}"));
            case WRONG_CONTENT_TYPE -> contentType = pick(List.of("text/plain", "application/xml", "application/jsonx",
                    "multipart/form-data; boundary=x", "application/octet-stream", "*/*", "application"), v);
            case MISSING_CONTENT_TYPE -> contentType = null;
            case DUPLICATE_MEMBER -> body = utf8(duplicated(example));
            case WRONG_TYPE -> body = utf8(wrongType(example, v));
            default -> { }
        }
        if (body != null && contentType != null) {
            headers.add("Content-Type: " + contentType);
        }
        return new Raw(op.method(), target, headers, body);
    }

    private static String value(String parameter, TestDeployment.TenantWithKey t) {
        return switch (parameter) {
            case "tenant" -> t.slug();
            case "id" -> t.id();
            case "userId" -> USERS.get(t.slug());
            default -> UUID.nameUUIDFromBytes(parameter.getBytes(StandardCharsets.UTF_8)).toString();
        };
    }

    /** The example with every string value replaced by {@code escaped} (a JSON string escape), or one such member. */
    static String withEveryString(String example, String escaped) {
        String replaced = example.replaceAll(":\\s*\"(?:[^\"\\\\]|\\\\.)*\"", ":\"" + escaped.replace("\\", "\\\\") + "\"");
        return replaced.equals(example) || replaced.equals("{}") ? "{\"displayName\":\"" + escaped + "\"}" : replaced;
    }

    /** The example with its first member sent twice (or an unknown member twice when it has none). */
    static String duplicated(String example) {
        try {
            JsonNode node = Json.MAPPER.readTree(example);
            Iterator<Map.Entry<String, JsonNode>> members = node.properties().iterator();
            if (!members.hasNext()) {
                return "{\"displayName\":\"a\",\"displayName\":\"b\"}";
            }
            Map.Entry<String, JsonNode> first = members.next();
            String inner = example.strip().substring(1);
            return "{" + Json.MAPPER.writeValueAsString(first.getKey()) + ":" + first.getValue() + "," + inner;
        } catch (IOException e) {
            throw new AssertionError(example, e);
        }
    }

    /** The example with one member given a value of a type no member of any schema here accepts for it. */
    static String wrongType(String example, int variant) {
        try {
            ObjectNode node = (ObjectNode) Json.MAPPER.readTree(example);
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            if (names.isEmpty()) {
                return "{\"unknownMember\":" + (variant % 2 == 0 ? "1" : "[]") + "}";
            }
            String name = names.get(variant % names.size());
            JsonNode current = node.get(name);
            JsonNode wrong = current.isTextual() ? (variant % 2 == 0 ? Json.MAPPER.getNodeFactory().numberNode(7)
                    : Json.MAPPER.getNodeFactory().objectNode())
                    : current.isArray() ? Json.MAPPER.getNodeFactory().textNode("not an array")
                    : current.isBoolean() ? Json.MAPPER.getNodeFactory().textNode("yes")
                    : current.isNumber() ? Json.MAPPER.getNodeFactory().textNode("seven")
                    : Json.MAPPER.getNodeFactory().numberNode(7);
            node.set(name, wrong);
            return node.toString();
        } catch (IOException | ClassCastException e) {
            return "{\"unknownMember\":1}";
        }
    }

    private static <T> T pick(List<T> items, int variant) {
        return items.get(Math.floorMod(variant, items.size()));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Every operation of a document, with the example body of its request (if it takes one). */
    static List<Operation> operations(Plane plane, String document) throws IOException {
        JsonNode doc = Json.MAPPER.readTree(OpenApiService.load(document));
        List<Operation> found = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").properties().iterator(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().properties().iterator(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = ops.next();
                if (!METHODS.contains(entry.getKey())) {
                    continue;
                }
                JsonNode op = entry.getValue();
                JsonNode security = op.has("security") ? op.get("security") : doc.get("security");
                String kind = security.isEmpty() ? "none" : plane == Plane.CONTROL ? "admin"
                        : security.get(0).has("session") ? "session" : "apiKey";
                Optional<String> mediaType = Optional.empty();
                Optional<String> body = Optional.empty();
                if (op.has("requestBody")) {
                    Map.Entry<String, JsonNode> content = op.get("requestBody").get("content").properties().iterator().next();
                    mediaType = Optional.of(content.getKey());
                    JsonNode schema = CrossTenantAttackTest.resolve(doc, content.getValue().path("schema"));
                    body = Optional.of(schema.has("example") ? schema.get("example").toString()
                            : content.getKey().endsWith("json") ? "{}" : "");
                }
                boolean paged = op.toString().contains("`limit`");
                found.add(new Operation(plane, entry.getKey().toUpperCase(Locale.ROOT), path.getKey(), kind, mediaType,
                        body, paged));
            }
        }
        return found;
    }

    /** A request as bytes on the wire, so that what an HTTP client would refuse to send can be sent. */
    record Raw(String method, String target, List<String> headers, byte[] body) {
        String describe() {
            String shown = method + " " + target + " " + headers.stream()
                    .map(h -> h.length() > 120 ? h.substring(0, 120) + "..." : h).toList();
            return (shown + (body == null ? "" : " body(" + body.length + "): "
                    + new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8)))
                    .replace("\u0000", "\\0");
        }
    }

    record Answer(int status, String contentType, String body) {
    }

    static Answer send(TestDeployment.Plane plane, Raw request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", plane.runtime().port())) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            head.writeBytes((request.method() + " " + request.target() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (String header : request.headers()) {
                head.writeBytes((header + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            if (request.body() != null) {
                head.writeBytes(("Content-Length: " + request.body().length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            head.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            out.write(head.toByteArray());
            if (request.body() != null) {
                try {
                    out.write(request.body());
                } catch (IOException refusedEarly) {
                    // The server may answer (413) and close before reading a huge body; its answer is still read.
                }
            }
            out.flush();
            return parse(new java.io.BufferedInputStream(socket.getInputStream()));
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + READ_TIMEOUT_MILLIS + " ms: " + request.describe(), e);
        }
    }

    /** Reads one response: the head, then a Content-Length body or chunks up to the last one (not EOF). */
    private static Answer parse(InputStream in) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        int end = -1;
        while (end < 0) {
            int b = in.read();
            if (b < 0) {
                return new Answer(-1, "", read.toString(StandardCharsets.ISO_8859_1));
            }
            read.write(b);
            String sofar = read.toString(StandardCharsets.ISO_8859_1);
            if (sofar.endsWith("\r\n\r\n")) {
                end = sofar.length() - 4;
            }
        }
        String[] lines = read.toString(StandardCharsets.ISO_8859_1).substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        String contentType = "";
        boolean chunked = false;
        int length = 0;
        for (String line : lines) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-type:")) {
                contentType = line.substring(13).strip();
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
                body.writeBytes(in.readNBytes(size));
                in.readNBytes(2);
            }
        } else {
            body.writeBytes(in.readNBytes(length));
        }
        return new Answer(status, contentType, body.toString(StandardCharsets.UTF_8));
    }

    private static int chunkSize(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return Integer.parseInt(line.toString().split(";")[0].strip(), 16);
    }
}
