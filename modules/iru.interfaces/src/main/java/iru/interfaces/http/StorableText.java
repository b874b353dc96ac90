package iru.interfaces.http;

/**
 * Text PostgreSQL cannot store (NUL, U+0000) or that is not well-formed UTF-16 (a lone surrogate, which is what
 * invalid UTF-8 or a `\uD800` JSON escape decodes to) is refused where input is parsed, as a 400
 * `malformed-request` naming where it was found, so it never reaches a query and becomes a 500.
 */
public final class StorableText {
    private StorableText() {
    }

    /** Whether {@code value} can be stored as PostgreSQL text: no NUL and no unpaired surrogate. */
    public static boolean storable(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Returns {@code value}, or refuses the request naming {@code where} (e.g. "query parameter 'userName'"). */
    public static String require(String where, String value) {
        if (value != null && !storable(value)) {
            throw new ProblemException(refusal(where));
        }
        return value;
    }

    public static Problem refusal(String where) {
        return refusal(where, where);
    }

    /** As {@link #require}, for a JSON member: `field` is the member's name alone, as validation errors name it. */
    public static String requireMember(String name, String value) {
        if (value != null && !storable(value)) {
            throw new ProblemException(refusal("member '" + name + "'", name));
        }
        return value;
    }

    private static Problem refusal(String where, String field) {
        return Problem.of(ProblemType.MALFORMED_REQUEST,
                "The " + where + " contains a NUL character or invalid Unicode.").with("field", field);
    }
}
