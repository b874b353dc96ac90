package iru.application.oauth;

/** RFC 6749 `invalid_scope`: the client asked for a scope outside its allowed scopes. */
public final class InvalidScopeException extends RuntimeException {
    public InvalidScopeException(String reason) {
        super(reason, null, false, false);
    }
}
