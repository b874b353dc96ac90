package iru.testkit.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.GenericScimResource;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.PreconditionFailedException;
import com.unboundid.scim2.common.exceptions.ResourceConflictException;
import com.unboundid.scim2.common.exceptions.ResourceNotFoundException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.messages.PatchRequest;
import com.unboundid.scim2.common.utils.FilterEvaluator;
import com.unboundid.scim2.common.utils.JsonUtils;
import java.net.URI;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The SCIM resources of one {@link LoopbackScimServer}: Users and Groups as JSON objects (so attributes the model
 * classes do not know survive a round trip), in creation order, each with a server-assigned `id` and a `meta` whose
 * `version` is a weak ETag that changes on every write. One lock guards everything; callers never see a stored node,
 * only copies. Errors are the SDK's typed {@link ScimException}s, which carry the SCIM error response.
 */
final class ScimDirectory {
    /** The two resource types served, with their endpoint, `meta.resourceType` and core schema. */
    enum Type {
        USERS("Users", "User", "urn:ietf:params:scim:schemas:core:2.0:User", "userName"),
        GROUPS("Groups", "Group", "urn:ietf:params:scim:schemas:core:2.0:Group", "displayName");

        final String endpoint;
        final String resourceType;
        final String schema;
        final String requiredAttribute;

        Type(String endpoint, String resourceType, String schema, String requiredAttribute) {
            this.endpoint = endpoint;
            this.resourceType = resourceType;
            this.schema = schema;
            this.requiredAttribute = requiredAttribute;
        }
    }

    private static final class Stored {
        ObjectNode node;
        long version;

        Stored(ObjectNode node, long version) {
            this.node = node;
            this.version = version;
        }
    }

    private final Clock clock;
    private final Supplier<URI> base;
    private final Map<Type, Map<String, Stored>> resources = new LinkedHashMap<>(); // guarded by this
    private long versions; // guarded by this; one counter, so an ETag is never reused by a recreated resource
    /**
     * User ids by lower-cased `userName` (guarded by this): the uniqueness check looks a name up instead of scanning
     * every User, which made a create cost O(users) and the server the bottleneck of the provisioning benchmark.
     * A set, because {@link #insert}/{@link #overwrite} store without checks and may hold duplicates.
     */
    private final Map<String, Set<String>> userIdsByName = new HashMap<>();

    ScimDirectory(Clock clock, Supplier<URI> base) {
        this.clock = clock;
        this.base = base;
        for (Type type : Type.values()) {
            resources.put(type, new LinkedHashMap<>());
        }
    }

    synchronized ObjectNode create(Type type, ObjectNode body) throws ScimException {
        ObjectNode node = body.deepCopy();
        String id = UUID.randomUUID().toString();
        validate(type, id, node);
        return write(type, id, node, null);
    }

    synchronized ObjectNode get(Type type, String id) throws ScimException {
        return stored(type, id).node.deepCopy();
    }

    synchronized ObjectNode replace(Type type, String id, ObjectNode body, String ifMatch) throws ScimException {
        Stored current = matching(type, id, ifMatch);
        ObjectNode node = body.deepCopy();
        validate(type, id, node);
        return write(type, id, node, current);
    }

    synchronized ObjectNode patch(Type type, String id, PatchRequest patch, String ifMatch) throws ScimException {
        Stored current = matching(type, id, ifMatch);
        GenericScimResource patched = new GenericScimResource(current.node.deepCopy());
        patch.apply(patched);
        ObjectNode node = patched.getObjectNode();
        validate(type, id, node);
        return write(type, id, node, current);
    }

    synchronized void delete(Type type, String id, String ifMatch) throws ScimException {
        matching(type, id, ifMatch);
        remove(type, id);
    }

    /**
     * `filter` (or every resource when null) in creation order, the page from 1-based `startIndex` of at most
     * `count` resources; `totalResults` counts every match.
     */
    synchronized ListResponse<ObjectNode> search(Type type, Filter filter, int startIndex, int count)
            throws ScimException {
        List<ObjectNode> matches = new ArrayList<>();
        for (Stored s : resources.get(type).values()) {
            if (filter == null || FilterEvaluator.evaluate(filter, s.node)) {
                matches.add(s.node);
            }
        }
        int from = Math.min(startIndex - 1, matches.size());
        int to = Math.min(from + count, matches.size());
        List<ObjectNode> page = matches.subList(from, to).stream().map(ObjectNode::deepCopy).toList();
        return new ListResponse<>(matches.size(), page, startIndex, page.size());
    }

    synchronized List<ObjectNode> all(Type type) {
        return resources.get(type).values().stream().map(s -> s.node.deepCopy()).toList();
    }

    synchronized Optional<ObjectNode> find(Type type, String id) {
        return Optional.ofNullable(resources.get(type).get(id)).map(s -> s.node.deepCopy());
    }

    /** Removes the resource, and a removed User or Group from every Group's `members`, as real providers do. */
    synchronized boolean remove(Type type, String id) {
        Stored removed = resources.get(type).remove(id);
        if (removed == null) {
            return false;
        }
        if (type == Type.USERS) {
            unindex(removed.node, id);
        }
        for (Stored group : resources.get(Type.GROUPS).values()) {
            if (attribute(group.node, "members") instanceof ArrayNode members && removeMember(members, id)) {
                touch(group);
            }
        }
        return true;
    }

    /** Stores `body` as a new resource without the API's checks (a stray account for reconciliation tests). */
    synchronized ObjectNode insert(Type type, ObjectNode body) {
        return write(type, UUID.randomUUID().toString(), body.deepCopy(), null);
    }

    /** Replaces a stored resource without the API's checks (drift for reconciliation tests); empty when absent. */
    synchronized Optional<ObjectNode> overwrite(Type type, String id, ObjectNode body) {
        Stored current = resources.get(type).get(id);
        return current == null ? Optional.empty() : Optional.of(write(type, id, body.deepCopy(), current));
    }

    synchronized void clear() {
        resources.values().forEach(Map::clear);
        userIdsByName.clear();
    }

    /** The uniqueness key of a User: its `userName`, lower-cased (caseExact=false, RFC 7643); null without one. */
    private static String nameKey(ObjectNode node) {
        JsonNode name = attribute(node, "userName");
        return name == null || !name.isTextual() ? null : name.asText().toLowerCase(Locale.ROOT);
    }

    private void unindex(ObjectNode node, String id) {
        String key = nameKey(node);
        Set<String> holders = key == null ? null : userIdsByName.get(key);
        if (holders != null && holders.remove(id) && holders.isEmpty()) {
            userIdsByName.remove(key);
        }
    }

    static String etag(long version) {
        return "W/\"" + version + "\"";
    }

    private Stored stored(Type type, String id) throws ResourceNotFoundException {
        Stored s = resources.get(type).get(id);
        if (s == null) {
            throw new ResourceNotFoundException(type.resourceType + " " + id + " not found");
        }
        return s;
    }

    /** The stored resource if `ifMatch` (a list of ETags or `*`, absent means any) names its current version. */
    private Stored matching(Type type, String id, String ifMatch) throws ScimException {
        Stored s = stored(type, id);
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return s;
        }
        String current = etag(s.version);
        for (String tag : ifMatch.split(",")) {
            if (tag.trim().equals(current)) {
                return s;
            }
        }
        throw new PreconditionFailedException("If-Match " + ifMatch + " does not match the current version "
                + current);
    }

    private void validate(Type type, String id, ObjectNode node) throws ScimException {
        JsonNode required = attribute(node, type.requiredAttribute);
        if (required == null || !required.isTextual() || required.asText().isBlank()) {
            throw BadRequestException.invalidValue(type.requiredAttribute + " is required");
        }
        if (type == Type.USERS) {
            Set<String> holders = userIdsByName.getOrDefault(nameKey(node), Set.of());
            if (holders.stream().anyMatch(holder -> !holder.equals(id))) {
                throw ResourceConflictException.uniqueness("userName " + required.asText() + " is already taken");
            }
        }
        if (type == Type.GROUPS && attribute(node, "members") instanceof ArrayNode members) {
            for (JsonNode member : members) {
                String value = member.path("value").asText(null);
                if (value == null || (!resources.get(Type.USERS).containsKey(value)
                        && !resources.get(Type.GROUPS).containsKey(value))) {
                    throw BadRequestException.invalidValue("member " + member + " names no User or Group");
                }
            }
        }
    }

    /** Assigns `id` and `meta` (the server owns both, whatever the client sent), bumps the version and stores. */
    private ObjectNode write(Type type, String id, ObjectNode node, Stored current) {
        node.put("id", id);
        if (!node.has("schemas")) {
            node.putArray("schemas").add(type.schema);
        }
        String now = clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
        ObjectNode meta = JsonUtils.getJsonNodeFactory().objectNode();
        meta.put("resourceType", type.resourceType);
        meta.put("created", current == null ? now : current.node.path("meta").path("created").asText(now));
        meta.put("lastModified", now);
        meta.put("location", base.get() + "/" + type.endpoint + "/" + id);
        long version = ++versions;
        meta.put("version", etag(version));
        node.remove("meta");
        node.set("meta", meta);
        if (type == Type.USERS) {
            if (current != null) {
                unindex(current.node, id);
            }
            String key = nameKey(node);
            if (key != null) {
                userIdsByName.computeIfAbsent(key, k -> new HashSet<>()).add(id);
            }
        }
        if (current == null) {
            resources.get(type).put(id, new Stored(node, version));
        } else {
            current.node = node;
            current.version = version;
        }
        return node.deepCopy();
    }

    private void touch(Stored s) {
        s.version = ++versions;
        ObjectNode meta = (ObjectNode) s.node.get("meta");
        meta.put("lastModified", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
        meta.put("version", etag(s.version));
    }

    private static boolean removeMember(ArrayNode members, String id) {
        boolean removed = false;
        for (Iterator<JsonNode> it = members.iterator(); it.hasNext(); ) {
            if (id.equals(it.next().path("value").asText(null))) {
                it.remove();
                removed = true;
            }
        }
        return removed;
    }

    /** SCIM attribute names are case-insensitive (RFC 7643 section 2.1). */
    static JsonNode attribute(ObjectNode node, String name) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (field.equalsIgnoreCase(name)) {
                return node.get(field);
            }
        }
        return null;
    }
}
