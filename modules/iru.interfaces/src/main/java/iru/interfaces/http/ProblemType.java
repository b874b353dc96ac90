package iru.interfaces.http;

import java.net.URI;

/**
 * Every problem type either plane can answer with, in one place. The `type` URI of each is stable: clients may
 * branch on it, so a name here is never changed, only added.
 */
public enum ProblemType {
    MALFORMED_REQUEST("malformed-request", 400, "The request could not be read"),
    UNAUTHORIZED("unauthorized", 401, "Authentication required"),
    /** A signed request (RFC 9421) that does not authenticate; the `reason` member says why. */
    INVALID_SIGNATURE("invalid-signature", 401, "Request signature not accepted"),
    FORBIDDEN("forbidden", 403, "Not allowed"),
    TENANT_SUSPENDED("tenant-suspended", 403, "Tenant suspended"),
    NOT_FOUND("not-found", 404, "Not found"),
    TENANT_NOT_FOUND("tenant-not-found", 404, "No such tenant"),
    METHOD_NOT_ALLOWED("method-not-allowed", 405, "Method not allowed"),
    CONFLICT("conflict", 409, "Conflict"),
    SIGNING_KEY_RETIRED("signing-key-retired", 409, "Signing key is retired"),
    PRECONDITION_FAILED("precondition-failed", 412, "Precondition failed"),
    PAYLOAD_TOO_LARGE("payload-too-large", 413, "Request body too large"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "Unsupported media type"),
    REGION_NOT_SERVED("region-not-served", 421, "Tenant is not served by this deployment"),
    INVALID_REQUEST("invalid-request", 422, "The request is not valid"),
    REGION_UNAVAILABLE("region-unavailable", 422, "Region not available"),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", 422, "Idempotency-Key reused with a different request"),
    PASSKEY_CEREMONY_FAILED("passkey-ceremony-failed", 400, "Passkey ceremony failed"),
    TOO_MANY_FAILED_AUTHENTICATIONS("too-many-failed-authentications", 429, "Too many failed authentications"),
    INTERNAL_ERROR("internal-error", 500, "Internal error"),
    UPSTREAM_UNAVAILABLE("upstream-unavailable", 502, "An upstream service is unavailable"),
    NOT_READY("not-ready", 503, "Not ready"),
    DATABASE_UNAVAILABLE("database-unavailable", 503, "A database is unavailable"),
    SHUTTING_DOWN("shutting-down", 503, "Shutting down");

    public static final String BASE_URI = "https://iru.dev/problems/";

    private final String name;
    private final int status;
    private final String title;

    ProblemType(String name, int status, String title) {
        this.name = name;
        this.status = status;
        this.title = title;
    }

    public URI uri() {
        return URI.create(BASE_URI + name);
    }

    public String slug() {
        return name;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
