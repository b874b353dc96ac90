package iru.foundation.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local-development secret store. Secret `admin-token` is read from `IRU_DEV_ADMIN_TOKEN` (and, during a
 * rotation, `IRU_DEV_ADMIN_TOKEN_PREVIOUS`), or from the files named by `IRU_DEV_ADMIN_TOKEN_FILE` and
 * `IRU_DEV_ADMIN_TOKEN_PREVIOUS_FILE`. Files are re-read on every fetch, so a rotation takes effect at once.
 * <p>
 * {@link #store} keeps written secrets (e.g. tenants' SCIM credentials) in this process's memory only: for development
 * and tests, never production (they are lost at restart and not shared between instances). A written secret never
 * shadows one configured in the environment, so no write can replace a platform secret such as `admin-token`.
 */
public final class DevSecretStore implements SecretStore {
    private final Map<String, String> environment;
    private final Map<String, Secret> written = new ConcurrentHashMap<>();

    public DevSecretStore(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public SecretVersions fetch(String name) {
        String variable = "IRU_DEV_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
        Secret current = read(name, variable).or(() -> Optional.ofNullable(written.get(name)))
                .orElseThrow(() -> new SecretUnavailableException(name,
                        "set " + variable + " or " + variable + "_FILE", null));
        return new SecretVersions(current, read(name, variable + "_PREVIOUS"));
    }

    @Override
    public void store(String name, String value) {
        written.put(name, new Secret(value));
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
}
