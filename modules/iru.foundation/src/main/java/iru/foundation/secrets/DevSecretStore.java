package iru.foundation.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local-development secret store. Secret `admin-token` is read from `IRU_DEV_ADMIN_TOKEN`, or from the file named
 * by `IRU_DEV_ADMIN_TOKEN_FILE`; files are re-read on every fetch, so a rotation takes effect at once. A previous
 * value (`IRU_DEV_ADMIN_TOKEN_PREVIOUS` or `…_PREVIOUS_FILE`) is accepted only until the instant in
 * `IRU_DEV_ADMIN_TOKEN_PREVIOUS_EXPIRES` (ISO-8601, e.g. `2026-12-01T10:00:00Z`), which may lie at most the grace
 * ahead: a previous value without an expiry, or with one beyond the grace, makes the secret unavailable rather than
 * keeping an old value alive without end. Values given to {@link #store} are kept in memory only (dev only: lost on
 * restart, not shared between instances) and win over the environment; a value written earlier stays accepted
 * as the previous one for the grace.
 */
public final class DevSecretStore implements SecretStore {
    private final Map<String, String> environment;
    private final Duration previousGrace;
    private final Clock clock;
    private final Map<String, SecretVersions> written = new ConcurrentHashMap<>();

    public DevSecretStore(Map<String, String> environment, Duration previousGrace, Clock clock) {
        this.environment = Map.copyOf(environment);
        this.previousGrace = Objects.requireNonNull(previousGrace, "previousGrace");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public SecretVersions fetch(String name) {
        SecretNames.requireValid(name);
        Instant now = clock.instant();
        SecretVersions stored = written.get(name);
        if (stored != null) {
            return stored.previous().filter(p -> now.isBefore(p.acceptedUntil())).isPresent() ? stored
                    : SecretVersions.currentOnly(stored.current());
        }
        String variable = "IRU_DEV_" + name.toUpperCase(Locale.ROOT).replace('-', '_').replace('/', '_');
        Secret current = read(name, variable)
                .orElseThrow(() -> new SecretUnavailableException(name,
                        "set " + variable + " or " + variable + "_FILE", null));
        return new SecretVersions(current, previous(name, variable + "_PREVIOUS", now));
    }

    private Optional<SecretVersions.Previous> previous(String name, String variable, Instant now) {
        Optional<Secret> value = read(name, variable);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String expiresVariable = variable + "_EXPIRES";
        String raw = environment.getOrDefault(expiresVariable, "").strip();
        if (raw.isEmpty()) {
            throw new SecretUnavailableException(name, variable + " needs " + expiresVariable
                    + " (an ISO-8601 instant at most " + previousGrace + " ahead)", null);
        }
        Instant expires;
        try {
            expires = Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw new SecretUnavailableException(name, expiresVariable + " is not an ISO-8601 instant", e);
        }
        if (expires.isAfter(now.plus(previousGrace))) {
            throw new SecretUnavailableException(name, expiresVariable + " lies more than the grace ("
                    + previousGrace + ") ahead", null);
        }
        return now.isBefore(expires) ? Optional.of(new SecretVersions.Previous(value.get(), expires))
                : Optional.empty();
    }

    private Optional<Secret> read(String name, String variable) {
        String file = environment.get(variable + "_FILE");
        if (file != null && !file.isBlank()) {
            try {
                String value = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                return value.isEmpty() ? Optional.empty() : Optional.of(new Secret(value));
            } catch (IOException e) {
                throw new SecretUnavailableException(name, "cannot read " + variable + "_FILE (" + file + ")", e);
            }
        }
        String value = environment.get(variable);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(new Secret(value.strip()));
    }

    /** In memory only; a value written earlier stays accepted as the previous one for the grace. */
    @Override
    public void store(String name, Secret value) {
        SecretNames.requireValid(name);
        Objects.requireNonNull(value, "value");
        Instant until = clock.instant().plus(previousGrace);
        written.compute(name, (n, old) -> new SecretVersions(value,
                Optional.ofNullable(old).map(o -> new SecretVersions.Previous(o.current(), until))));
    }
}
