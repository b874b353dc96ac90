package iru.interfaces.control.signature;

import java.util.Objects;

/** A signed request that does not authenticate, with the reason the caller is told. Nothing has changed yet. */
public final class SignatureRejectedException extends Exception {
    /** Why; each slug is stable (the problem's `reason` member), so clients may branch on it. */
    public enum Reason {
        MALFORMED_SIGNATURE("malformed-signature"),
        MISSING_PARAMETER("missing-parameter"),
        MISSING_COMPONENT("missing-component"),
        UNSUPPORTED_COMPONENT("unsupported-component"),
        UNSUPPORTED_ALGORITHM("unsupported-algorithm"),
        EXPIRED("expired"),
        NOT_YET_VALID("not-yet-valid"),
        UNKNOWN_KEY("unknown-key"),
        BAD_SIGNATURE("bad-signature"),
        UNSUPPORTED_DIGEST("unsupported-digest"),
        CONTENT_DIGEST_MISMATCH("content-digest-mismatch"),
        REPLAYED_NONCE("replayed-nonce");

        private final String slug;

        Reason(String slug) {
            this.slug = slug;
        }

        public String slug() {
            return slug;
        }
    }

    private final Reason reason;

    public SignatureRejectedException(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
