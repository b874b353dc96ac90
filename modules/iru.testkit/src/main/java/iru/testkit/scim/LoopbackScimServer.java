package iru.testkit.scim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.MethodNotAllowedException;
import com.unboundid.scim2.common.exceptions.ResourceNotFoundException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.exceptions.UnauthorizedException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.messages.ErrorResponse;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.messages.PatchRequest;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.UserResource;
import com.unboundid.scim2.common.utils.JsonUtils;
import iru.testkit.scim.ScimDirectory.Type;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * A SCIM 2.0 service provider (RFC 7643/7644) on loopback, for tests that provision into a real one and then check its
 * end state. The UnboundID SCIM 2 SDK supplies the model, filter evaluation, PATCH semantics and error bodies; this
 * class stores Users and Groups in memory ({@link ScimDirectory}) and speaks HTTP under {@link #baseUri()}:
 * `POST/GET /Users`, `GET/PUT/PATCH/DELETE /Users/{id}` (same for `/Groups`), `GET /ServiceProviderConfig`.
 * `GET` lists take `filter`, `startIndex` (1-based) and `count` (capped by {@link #pageSizeLimit(int)}, default 100).
 * Every resource has a `meta.version` weak ETag, sent as `ETag` and checked against `If-Match` (412). `userName` is
 * unique, case-insensitively (409 `uniqueness`). Every call needs `Authorization: Bearer <token>` (401 otherwise).
 * Faults ({@link #failRandomly}, {@link #throttleRandomly}, {@link #failNext}, {@link #delayRandomly}, {@link #hang},
 * {@link #down()}/{@link #up()}) are cleared by {@link #healthy()}. Thread-safe.
 */
public final class LoopbackScimServer implements AutoCloseable {
    private static final String BASE_PATH = "/scim/v2";
    private static final String SCIM_JSON = "application/scim+json";

    private record Response(int status, byte[] body, Map<String, String> headers) {
    }

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ScimDirectory directory;
    private final ScimFaults faults = new ScimFaults(42);
    private final List<ScimRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final Clock clock;
    private final int port;
    private volatile String token;
    private volatile int pageSizeLimit = 100;
    private HttpServer server; // guarded by this; null while down

    private LoopbackScimServer(String token, Clock clock) {
        this.token = requireToken(token);
        this.clock = clock;
        this.directory = new ScimDirectory(clock, this::baseUri);
        this.server = bind(0);
        this.port = server.getAddress().getPort();
    }

    /** A server on a free loopback port that accepts `Authorization: Bearer <token>`. */
    public static LoopbackScimServer start(String token) {
        return start(token, Clock.systemUTC());
    }

    /** As {@link #start(String)}, with `meta.created`/`lastModified` taken from `clock`. */
    public static LoopbackScimServer start(String token, Clock clock) {
        return new LoopbackScimServer(token, clock);
    }

    /** The SCIM base URL, e.g. `http://127.0.0.1:40123/scim/v2`; stays the same across {@link #down()}/{@link #up()}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + BASE_PATH);
    }

    /** The bearer token accepted from now on; calls with the old one get 401. */
    public void token(String token) {
        this.token = requireToken(token);
    }

    /** The largest page a list answers, whatever `count` asks for. */
    public void pageSizeLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("page size limit must be positive");
        }
        pageSizeLimit = limit;
    }

    // ---- faults -------------------------------------------------------------------------------------------------

    /** Answers a share `rate` (0..1) of calls with `status` (e.g. 0.3, 503) instead of serving them. */
    public void failRandomly(double rate, int status) {
        faults.failRandomly(rate, status);
    }

    /** Answers a share `rate` of calls with 429 and `Retry-After` of `retryAfter` (whole seconds). */
    public void throttleRandomly(double rate, Duration retryAfter) {
        faults.throttleRandomly(rate, retryAfter);
    }

    /** Answers the next `calls` calls with `status`, before any random fault is drawn. */
    public void failNext(int calls, int status) {
        faults.failNext(calls, status);
    }

    /** Delays every call by a uniformly drawn duration within [min, max]. */
    public void delayRandomly(Duration min, Duration max) {
        faults.delayRandomly(min, max);
    }

    /** Holds every call for `perCall` before serving it (a downstream that hangs); {@link #healthy()} releases. */
    public void hang(Duration perCall) {
        faults.hang(perCall);
    }

    /** Seeds the draws of random faults and delays (a fresh server is seeded with 42), for repeatable runs. */
    public void seed(long seed) {
        faults.reseed(seed);
    }

    /** Clears every fault, releases hanging calls and comes {@link #up()} if down. */
    public void healthy() {
        faults.clear();
        up();
    }

    /** Stops listening: connections are refused and open ones closed, until {@link #up()}. Stored state is kept. */
    public synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Listens again on the same port. */
    public synchronized void up() {
        if (server == null) {
            server = bind(port);
        }
    }

    public synchronized boolean isUp() {
        return server != null;
    }

    // ---- inspection and direct mutation ------------------------------------------------------------------------

    /** The Users as stored now, in creation order. */
    public List<UserResource> users() {
        return directory.all(Type.USERS).stream().map(n -> view(n, UserResource.class)).toList();
    }

    public List<GroupResource> groups() {
        return directory.all(Type.GROUPS).stream().map(n -> view(n, GroupResource.class)).toList();
    }

    public Optional<UserResource> user(String id) {
        return directory.find(Type.USERS, id).map(n -> view(n, UserResource.class));
    }

    /** The User whose `userName` equals `userName`, ignoring case as the uniqueness rule does. */
    public Optional<UserResource> userByUserName(String userName) {
        return users().stream().filter(u -> u.getUserName().equalsIgnoreCase(userName)).findFirst();
    }

    public Optional<GroupResource> group(String id) {
        return directory.find(Type.GROUPS, id).map(n -> view(n, GroupResource.class));
    }

    /** The Users' raw JSON as stored, for attributes the model classes do not map. */
    public List<ObjectNode> rawUsers() {
        return directory.all(Type.USERS);
    }

    /** Every call answered so far (faults and 401s included), in order. */
    public List<ScimRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public void clearRequests() {
        requests.clear();
    }

    /** Adds a User behind the API's back (no uniqueness check), e.g. a stray account; returns it as stored. */
    public UserResource addUserDirectly(UserResource user) {
        return view(directory.insert(Type.USERS, JsonUtils.valueToNode(user)), UserResource.class);
    }

    public GroupResource addGroupDirectly(GroupResource group) {
        return view(directory.insert(Type.GROUPS, JsonUtils.valueToNode(group)), GroupResource.class);
    }

    /** Changes a stored User behind the API's back (drift); its version moves. Empty when there is no such User. */
    public Optional<UserResource> updateUserDirectly(String id, UnaryOperator<UserResource> change) {
        return user(id).flatMap(u -> directory.overwrite(Type.USERS, id, JsonUtils.valueToNode(change.apply(u))))
                .map(n -> view(n, UserResource.class));
    }

    /** Deletes a User behind the API's back (and from every Group's members); false when there was none. */
    public boolean deleteUserDirectly(String id) {
        return directory.remove(Type.USERS, id);
    }

    public boolean deleteGroupDirectly(String id) {
        return directory.remove(Type.GROUPS, id);
    }

    /** Forgets every User and Group (not the request log, nor the faults). */
    public void clearResources() {
        directory.clear();
    }

    @Override
    public void close() {
        faults.clear();
        down();
        executor.shutdownNow();
    }

    // ---- HTTP ---------------------------------------------------------------------------------------------------

    private HttpServer bind(int onPort) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try {
                HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
                http.setExecutor(executor);
                http.createContext(BASE_PATH, this::handle);
                http.start();
                return http;
            } catch (BindException e) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("port " + onPort + " stays taken", e);
                }
                pause();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath().substring(BASE_PATH.length());
            String query = exchange.getRequestURI().getRawQuery();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            try {
                faults.holdCall();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // the server is closing; the client sees the connection drop
            }
            Optional<ScimFaults.Injected> injected = faults.draw();
            Response response;
            if (injected.isPresent()) {
                response = injected(injected.get());
            } else if (!authorized(authorization)) {
                response = error(new UnauthorizedException("a valid bearer token is required").getScimError(),
                        Map.of("WWW-Authenticate", "Bearer realm=\"scim\""));
            } else {
                response = serve(method, path, query, body, ifMatch);
            }
            requests.add(new ScimRequest(clock.instant(), method, path, query, body, ifMatch, authorization,
                    response.status(), injected.isPresent()));
            send(exchange, response);
        }
    }

    private boolean authorized(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    private Response serve(String method, String path, String query, String body, String ifMatch) {
        try {
            String[] segments = path.split("/", -1); // "", "Users", id
            if (segments.length == 2 && segments[1].equals("ServiceProviderConfig") && method.equals("GET")) {
                return json(200, serviceProviderConfig(), null);
            }
            Type type = segments.length < 2 ? null : switch (segments[1]) {
                case "Users" -> Type.USERS;
                case "Groups" -> Type.GROUPS;
                default -> null;
            };
            if (type == null || segments.length > 3 || (segments.length == 3 && segments[2].isEmpty())) {
                throw new ResourceNotFoundException("no endpoint " + path);
            }
            if (segments.length == 2) {
                return switch (method) {
                    case "GET" -> list(type, query);
                    case "POST" -> resource(201, directory.create(type, object(body)));
                    default -> throw new MethodNotAllowedException(method + " " + path);
                };
            }
            String id = segments[2];
            return switch (method) {
                case "GET" -> resource(200, directory.get(type, id));
                case "PUT" -> resource(200, directory.replace(type, id, object(body), ifMatch));
                case "PATCH" -> resource(200, directory.patch(type, id, patch(body), ifMatch));
                case "DELETE" -> {
                    directory.delete(type, id, ifMatch);
                    yield new Response(204, new byte[0], Map.of());
                }
                default -> throw new MethodNotAllowedException(method + " " + path);
            };
        } catch (ScimException e) {
            return error(e.getScimError(), Map.of());
        }
    }

    private Response list(Type type, String rawQuery) throws ScimException {
        Map<String, String> query = parameters(rawQuery);
        Filter filter = query.containsKey("filter") ? Filter.fromString(query.get("filter")) : null;
        int startIndex = Math.max(1, integer(query, "startIndex", 1));
        int count = Math.clamp(integer(query, "count", pageSizeLimit), 0, pageSizeLimit);
        ListResponse<ObjectNode> page = directory.search(type, filter, startIndex, count);
        return json(200, JsonUtils.valueToNode(page), null);
    }

    private static ObjectNode object(String body) throws BadRequestException {
        try {
            if (JsonUtils.getObjectReader().readTree(body) instanceof ObjectNode node) {
                return node;
            }
        } catch (JsonProcessingException e) {
            throw BadRequestException.invalidSyntax("not JSON: " + e.getOriginalMessage());
        }
        throw BadRequestException.invalidSyntax("a SCIM resource is a JSON object");
    }

    private static PatchRequest patch(String body) throws BadRequestException {
        try {
            return JsonUtils.getObjectReader().forType(PatchRequest.class).readValue(body);
        } catch (IOException e) {
            throw BadRequestException.invalidSyntax("not a PatchOp request: " + e.getMessage());
        }
    }

    private static Map<String, String> parameters(String rawQuery) {
        Map<String, String> parameters = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                parameters.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    private static int integer(Map<String, String> query, String name, int absent) throws BadRequestException {
        try {
            return query.containsKey(name) ? Integer.parseInt(query.get(name)) : absent;
        } catch (NumberFormatException e) {
            throw BadRequestException.invalidValue(name + " must be an integer");
        }
    }

    private static Response resource(int status, ObjectNode node) {
        return json(status, node, node.path("meta").path("version").asText(null));
    }

    private Response injected(ScimFaults.Injected fault) {
        ErrorResponse error = new ErrorResponse(fault.status());
        error.setDetail("injected by the test");
        return error(error, fault.retryAfter() == null ? Map.of()
                : Map.of("Retry-After", Long.toString(fault.retryAfter().toSeconds())));
    }

    private static Response error(ErrorResponse error, Map<String, String> headers) {
        try {
            return new Response(error.getStatus(), JsonUtils.getObjectWriter().writeValueAsBytes(error), headers);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response json(int status, JsonNode node, String etag) {
        try {
            byte[] body = JsonUtils.getObjectWriter().writeValueAsBytes(node);
            return new Response(status, body, etag == null ? Map.of() : Map.of("ETag", etag));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        response.headers().forEach(exchange.getResponseHeaders()::set);
        if (response.body().length == 0) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", SCIM_JSON);
        exchange.sendResponseHeaders(response.status(), response.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(response.body());
        }
    }

    private ObjectNode serviceProviderConfig() {
        ObjectNode config = JsonUtils.getJsonNodeFactory().objectNode();
        config.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
        config.putObject("patch").put("supported", true);
        config.putObject("bulk").put("supported", false).put("maxOperations", 0).put("maxPayloadSize", 0);
        config.putObject("filter").put("supported", true).put("maxResults", pageSizeLimit);
        config.putObject("changePassword").put("supported", false);
        config.putObject("sort").put("supported", false);
        config.putObject("etag").put("supported", true);
        config.putArray("authenticationSchemes").addObject().put("type", "oauthbearertoken")
                .put("name", "OAuth Bearer Token").put("description", "Authorization: Bearer <token>");
        return config;
    }

    private static <T> T view(ObjectNode node, Class<T> type) {
        try {
            return JsonUtils.nodeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored resource does not map to " + type.getSimpleName() + ": " + node, e);
        }
    }

    /** A short wait before binding again, while the kernel still holds the port of the server just stopped. */
    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the port", e);
        }
    }

    private static String requireToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a bearer token is required");
        }
        return token;
    }
}
