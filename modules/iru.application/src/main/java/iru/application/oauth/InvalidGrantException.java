package iru.application.oauth;

/** RFC 6749 `invalid_grant`: the code or refresh token is unknown, used, expired, or bound to something else. */
public final class InvalidGrantException extends RuntimeException {
    public InvalidGrantException(String reason) {
        super(reason, null, false, false);
    }
}
