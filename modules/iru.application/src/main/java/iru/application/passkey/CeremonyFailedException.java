package iru.application.passkey;

import java.util.Objects;

/**
 * A passkey ceremony was refused. The caller learns only that it failed (one generic message: nothing tells
 * whether a user, credential or enrollment exists); {@link #reason()} is for the security event and the log.
 */
public final class CeremonyFailedException extends RuntimeException {
    private final String reason;

    public CeremonyFailedException(String reason) {
        super("passkey ceremony failed: " + reason, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public String reason() {
        return reason;
    }
}
