package iru.foundation.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The current value of a secret and, while a rotation is in progress, the previous one. */
public record SecretVersions(Secret current, Optional<Secret> previous) {
    public SecretVersions {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(previous, "previous");
    }

    /** Current first, then previous: both are accepted while a rotation is in progress. */
    public List<Secret> acceptable() {
        List<Secret> all = new ArrayList<>(2);
        all.add(current);
        previous.ifPresent(all::add);
        return all;
    }
}
