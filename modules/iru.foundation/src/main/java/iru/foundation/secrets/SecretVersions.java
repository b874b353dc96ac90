package iru.foundation.secrets;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The current value of a secret and, only while the store's rotation rule still accepts it, the previous one. A
 * store never answers a previous value past its acceptance: a token rotated away stops working once that ends.
 */
public record SecretVersions(Secret current, Optional<Previous> previous) {
    public SecretVersions {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(previous, "previous");
    }

    /**
     * A previous value still accepted.
     *
     * @param value         the previous value
     * @param acceptedUntil the instant it stops being accepted, so a cache never holds it longer
     */
    public record Previous(Secret value, Instant acceptedUntil) {
        public Previous {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(acceptedUntil, "acceptedUntil");
        }
    }

    /** Only a current value: no rotation, or its previous value is no longer accepted. */
    public static SecretVersions currentOnly(Secret current) {
        return new SecretVersions(current, Optional.empty());
    }

    /** Current first, then the previous one while it is still accepted. */
    public List<Secret> acceptable() {
        List<Secret> all = new ArrayList<>(2);
        all.add(current);
        previous.ifPresent(p -> all.add(p.value()));
        return all;
    }
}
