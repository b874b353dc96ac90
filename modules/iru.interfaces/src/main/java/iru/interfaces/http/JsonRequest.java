package iru.interfaces.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * A JSON object body, read strictly: `application/json` only, bounded size, valid UTF-8, one object, no unknown
 * members, and typed accessors that name the offending member. Every failure is a problem before anything changes.
 */
public final class JsonRequest {
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final ObjectNode body;

    private JsonRequest(ObjectNode body) {
        this.body = body;
    }

    public static JsonRequest read(ServerRequest req, Set<String> allowedMembers) {
        String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        String mediaType = mediaType(req);
        if (!mediaType.equals("application/json") && !mediaType.equals("application/merge-patch+json")) {
            throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Send the body as application/json (got '" + contentType + "').");
        }
        byte[] bytes = readBounded(req);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "The body is not valid UTF-8.");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST,
                    "The body is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "The body must be a JSON object.");
        }
        requireStorable("body", object);
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowedMembers.contains(name)) {
                throw invalid(name, "is not a known member (allowed: " + String.join(", ", allowedMembers.stream().sorted().toList()) + ")");
            }
        }
        return new JsonRequest(object);
    }

    /**
     * The request's media type, lower case without parameters, or "" when absent. Read from the raw header: the
     * server's parsed content type throws on a malformed value (`Content-Type: application`), which was a 500.
     */
    public static String mediaType(ServerRequest req) {
        return req.headers().first(HeaderNames.CONTENT_TYPE).orElse("")
                .split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** Every member name and string value, at any depth, must be text PostgreSQL can store ({@link StorableText}). */
    private static void requireStorable(String where, JsonNode node) {
        if (node.isTextual()) {
            StorableText.requireMember(where, node.textValue());
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                requireStorable(where, item);
            }
        } else if (node.isObject()) {
            for (var members = node.properties().iterator(); members.hasNext(); ) {
                var member = members.next();
                StorableText.require("member name in '" + where + "'", member.getKey());
                requireStorable(StorableText.storable(member.getKey()) ? member.getKey() : where, member.getValue());
            }
        }
    }

    private static byte[] readBounded(ServerRequest req) {
        long declared = req.headers().contentLength().orElse(-1L);
        if (declared > MAX_BODY_BYTES) {
            throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE,
                    "The body may be at most " + MAX_BODY_BYTES + " bytes.");
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE,
                        "The body may be at most " + MAX_BODY_BYTES + " bytes.");
            }
            return bytes;
        } catch (IOException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "The body could not be read.");
        }
    }

    public ObjectNode node() {
        return body;
    }

    public boolean has(String member) {
        return body.has(member);
    }

    public String requiredString(String member) {
        return optionalString(member).orElseThrow(() -> invalid(member, "is required"));
    }

    public Optional<String> optionalString(String member) {
        JsonNode value = body.get(member);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw invalid(member, "must be a string");
        }
        return Optional.of(value.asText());
    }

    /** An optional array of strings; empty when absent or null. */
    public Optional<java.util.List<String>> optionalStrings(String member) {
        JsonNode value = body.get(member);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isArray()) {
            throw invalid(member, "must be an array of strings");
        }
        java.util.List<String> items = new java.util.ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw invalid(member, "must be an array of strings");
            }
            items.add(item.asText());
        }
        return Optional.of(items);
    }

    public static ProblemException invalid(String member, String reason) {
        return new ProblemException(Problem.of(ProblemType.INVALID_REQUEST, "'" + member + "' " + reason + ".")
                .with("field", member));
    }
}
