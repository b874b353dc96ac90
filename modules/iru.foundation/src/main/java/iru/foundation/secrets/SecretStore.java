package iru.foundation.secrets;

/**
 * Where credentials come from at run time: never from code, configuration files in the repository, or the database.
 * Implementations fetch on every call; callers that want caching decide so explicitly.
 */
public interface SecretStore {
    /** The secret named `name` (e.g. `admin-token`), or {@link SecretUnavailableException}. */
    SecretVersions fetch(String name);
}
