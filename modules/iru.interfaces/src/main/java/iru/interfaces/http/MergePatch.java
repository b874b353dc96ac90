package iru.interfaces.http;

import java.util.function.Function;

/**
 * JSON Merge Patch (RFC 7396) for flat string members: an absent member keeps the current value, `null` clears it
 * (refused for a required member), a string replaces it.
 */
public final class MergePatch {
    private final JsonRequest body;

    public MergePatch(JsonRequest body) {
        this.body = body;
    }

    public <T> String string(String member, T current, Function<T, String> getter, boolean required) {
        if (!body.has(member)) {
            return getter.apply(current);
        }
        var value = body.optionalString(member);
        if (value.isEmpty() && required) {
            throw JsonRequest.invalid(member, "is required and cannot be removed");
        }
        return value.orElse(null);
    }

    public JsonRequest body() {
        return body;
    }
}
