package iru.application.provisioning;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What one delivery attempt achieved; the worker records it and decides about retries and parking. */
public sealed interface DeliveryOutcome {
    /** The application now matches the directory for this subject (including "nothing to do"). */
    record Delivered(String summary) implements DeliveryOutcome {
        public Delivered {
            Objects.requireNonNull(summary, "summary");
        }
    }

    /** A transient failure (429, 5xx, timeout, connection refused): try again, not before `notBefore` if given. */
    record RetryLater(String reason, Optional<Duration> notBefore) implements DeliveryOutcome {
        public RetryLater {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(notBefore, "notBefore");
        }
    }

    /** A failure that retrying cannot fix (4xx other than 404/409/429, no SCIM endpoint, no credential): park now. */
    record Rejected(String reason) implements DeliveryOutcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
