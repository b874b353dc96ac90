package iru.domain.application;

import iru.domain.validation.InvalidFieldException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The scopes an application may ask for as an OAuth client: at authorization (a user's sign-in) and at
 * `client_credentials`. A request asking for any scope outside the list is refused with `invalid_scope`.
 */
public final class AllowedScopes {
    public static final String FIELD = "allowedScopes";
    /** What an OpenID Connect sign-in needs; every application starts with it. */
    public static final List<String> DEFAULT = List.of("openid", "profile", "email");
    public static final int MAX_SCOPES = 50;
    /** RFC 6749 §3.3 scope-token: printable ASCII without space, `"` and `\`. */
    private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,100}");

    private AllowedScopes() {
    }

    /** The list as given, checked: at most {@link #MAX_SCOPES} distinct RFC 6749 scope tokens of ≤ 100 characters. */
    public static List<String> validated(List<String> scopes) {
        List<String> copy = List.copyOf(scopes);
        if (copy.size() > MAX_SCOPES) {
            throw new InvalidFieldException(FIELD, "at most " + MAX_SCOPES + " scopes are allowed");
        }
        Set<String> seen = new HashSet<>();
        for (String scope : copy) {
            if (!SCOPE_TOKEN.matcher(scope).matches()) {
                throw new InvalidFieldException(FIELD, "'" + scope + "' is not a scope token (1-100 printable ASCII"
                        + " characters without space, '\"' or '\\')");
            }
            if (!seen.add(scope)) {
                throw new InvalidFieldException(FIELD, "'" + scope + "' is listed twice");
            }
        }
        return copy;
    }

    /** Whether every scope of the space-separated `requested` is allowed. */
    public static boolean cover(List<String> allowed, String requested) {
        for (String scope : requested.split(" ")) {
            if (!scope.isEmpty() && !allowed.contains(scope)) {
                return false;
            }
        }
        return true;
    }
}
