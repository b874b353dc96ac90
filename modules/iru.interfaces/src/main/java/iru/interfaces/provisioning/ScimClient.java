package iru.interfaces.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.BaseScimResource;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.messages.PatchRequest;
import com.unboundid.scim2.common.utils.JsonUtils;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import iru.foundation.net.OutboundAddressRefusedException;
import iru.foundation.secrets.Secret;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SCIM 2.0 (RFC 7644) requests to one application's base URL with its bearer token, through the guarded web client
 * (every connection vetted by the outbound address policy, no redirects, connect and read timeouts). It speaks HTTP
 * and JSON only: what a status means for the task is the delivery's to decide. Remote ids are percent-encoded into
 * one path segment, so an id the application chose cannot address anything else.
 */
final class ScimClient {
    static final String MEDIA_TYPE = "application/scim+json";
    /** At most this much of an error body is quoted in a failure reason (it ends up in logs and the failures API). */
    private static final int MAX_DETAIL = 300;
    /** The longest remote id or ETag `app_accounts` keeps. */
    static final int MAX_REMOTE_VALUE = 1024;

    private final WebClient http;
    private final String base;
    private final Secret token;

    ScimClient(WebClient http, URI baseUrl, Secret token) {
        this.http = http;
        String url = baseUrl.toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
    }

    /** What the application answered. `body` is parsed JSON, or empty when there was none (or it was not JSON). */
    record Answer(int status, Optional<JsonNode> body, Optional<String> etag, Optional<Duration> retryAfter) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /**
         * The resource's ETag: the header if sent, else `meta.version` of the body. One longer than we keep is not
         * sent back (the replace then goes without `If-Match`).
         */
        Optional<String> version() {
            return etag.or(() -> body.map(b -> b.path("meta").path("version")).filter(JsonNode::isTextual)
                    .map(JsonNode::asText)).filter(v -> v.length() <= MAX_REMOTE_VALUE);
        }

        /** The resource's id; one we could not keep (none, empty, too long) is the application's protocol error. */
        String id() {
            return body.map(b -> b.path("id")).filter(JsonNode::isTextual).map(JsonNode::asText)
                    .filter(id -> !id.isEmpty() && id.length() <= MAX_REMOTE_VALUE)
                    .orElseThrow(() -> new ScimProtocolException("the application answered " + status
                            + " without a usable resource id (1 to " + MAX_REMOTE_VALUE + " characters)"));
        }

        /** A short description for a failure reason: the status and the SCIM `detail`, clipped. */
        String describe() {
            String detail = body.map(b -> b.path("detail").asText("")).orElse("");
            String scimType = body.map(b -> b.path("scimType").asText("")).orElse("");
            String text = "HTTP " + status + (scimType.isEmpty() ? "" : " " + scimType)
                    + (detail.isEmpty() ? "" : ": " + detail);
            return text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) + "…" : text;
        }
    }

    /** The application could not be reached or did not answer in time; worth retrying. */
    static final class UnreachableException extends RuntimeException {
        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The application answered something that is not SCIM (no id, not JSON where JSON is due). */
    static final class ScimProtocolException extends RuntimeException {
        ScimProtocolException(String message) {
            super(message);
        }
    }

    Answer create(String endpoint, BaseScimResource resource) {
        return send(Method.POST, "/" + endpoint, Map.of(), Optional.of(resource), Optional.empty());
    }

    Answer replace(String endpoint, String id, BaseScimResource resource, Optional<String> ifMatch) {
        return send(Method.PUT, path(endpoint, id), Map.of(), Optional.of(resource), ifMatch);
    }

    Answer patch(String endpoint, String id, PatchRequest patch) {
        return send(Method.PATCH, path(endpoint, id), Map.of(), Optional.of(patch), Optional.empty());
    }

    Answer get(String endpoint, String id) {
        return send(Method.GET, path(endpoint, id), Map.of(), Optional.empty(), Optional.empty());
    }

    Answer delete(String endpoint, String id) {
        return send(Method.DELETE, path(endpoint, id), Map.of(), Optional.empty(), Optional.empty());
    }

    /** `GET /<endpoint>?filter=<attribute> eq "<value>"`; the filter is built (and its value escaped) by the SDK. */
    Answer search(String endpoint, String attribute, String value) {
        String filter;
        try {
            filter = Filter.eq(attribute, value).toString();
        } catch (BadRequestException e) {
            throw new IllegalArgumentException("not a SCIM attribute: " + attribute, e);
        }
        return send(Method.GET, "/" + endpoint, Map.of("filter", filter), Optional.empty(), Optional.empty());
    }

    /** One page of `GET /<endpoint>?startIndex=&count=` (1-based, RFC 7644 §3.4.2.4). */
    Answer page(String endpoint, int startIndex, int count) {
        return send(Method.GET, "/" + endpoint, Map.of("startIndex", Integer.toString(startIndex), "count",
                Integer.toString(count)), Optional.empty(), Optional.empty());
    }

    /** The `Resources` of a list response, as the SDK's resource type; an absent member is an empty list. */
    static <T> List<T> resources(Answer answer, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (JsonNode node : answer.body().map(b -> b.path("Resources")).orElse(JsonUtils.getJsonNodeFactory()
                .arrayNode())) {
            out.add(parse(node, type));
        }
        return out;
    }

    static <T> T parse(JsonNode node, Class<T> type) {
        try {
            return JsonUtils.nodeToValue(node, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new ScimProtocolException("the application sent a " + type.getSimpleName()
                    + " that does not parse: " + e.getMessage());
        }
    }

    private Answer send(Method method, String path, Map<String, String> query, Optional<BaseScimResource> body,
            Optional<String> ifMatch) {
        HttpClientRequest request = http.method(method).uri(URI.create(base + path))
                .header(HeaderNames.AUTHORIZATION, "Bearer " + token.reveal())
                .header(HeaderNames.ACCEPT, MEDIA_TYPE + ", application/json");
        query.forEach(request::queryParam);
        ifMatch.ifPresent(etag -> request.header(HeaderNames.IF_MATCH, etag));
        try (HttpClientResponse response = body.isPresent()
                ? request.header(HeaderNames.CONTENT_TYPE, MEDIA_TYPE).submit(json(body.get()))
                : request.request()) {
            int status = response.status().code();
            String text = response.entity().hasEntity() ? response.as(String.class) : "";
            return new Answer(status, parseBody(text), response.headers().first(HeaderNames.ETAG),
                    retryAfter(response.headers().first(HeaderNames.RETRY_AFTER)));
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /** The address policy's refusal stays what it is; interruption and every I/O failure become "unreachable". */
    private RuntimeException translate(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutboundAddressRefusedException refused) {
                return refused;
            }
        }
        boolean interrupted = Thread.currentThread().isInterrupted() || hasCause(e, InterruptedIOException.class)
                && !hasCause(e, java.net.SocketTimeoutException.class);
        return new UnreachableException((interrupted ? "interrupted while calling " : "cannot reach ")
                + URI.create(base).getHost() + ": " + rootMessage(e), e);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : " " + root.getMessage());
    }

    private static String json(BaseScimResource resource) {
        try {
            return JsonUtils.getObjectWriter().writeValueAsString(resource);
        } catch (IOException e) {
            throw new IllegalStateException("a SCIM resource did not serialise", e);
        }
    }

    private static Optional<JsonNode> parseBody(String text) {
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode node = JsonUtils.getObjectReader().readTree(text);
            return node instanceof ObjectNode ? Optional.of(node) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** `Retry-After` in seconds (the HTTP-date form is not worth honouring: the backoff covers it). */
    private static Optional<Duration> retryAfter(Optional<String> header) {
        return header.flatMap(value -> {
            try {
                long seconds = Long.parseLong(value.trim());
                return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    private static String path(String endpoint, String id) {
        return "/" + endpoint + "/" + encode(id);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
