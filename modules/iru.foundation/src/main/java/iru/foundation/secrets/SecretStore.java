package iru.foundation.secrets;

/**
 * Where credentials come from at run time: never from code, configuration files in the repository, or the database.
 * Implementations fetch on every call; callers that want caching decide so explicitly ({@link CachingSecretStore}).
 */
public interface SecretStore {
    /** The secret named `name` (e.g. `admin-token`), or {@link SecretUnavailableException}. */
    SecretVersions fetch(String name);

    /**
     * Keeps `value` as the current version of the secret named `name` (see {@link SecretNames} for what a name may
     * be), creating the secret if it does not exist; the value it replaces becomes the previous one. Fails with
     * {@link SecretUnavailableException} when the store refuses, never half-done silently.
     */
    void store(String name, Secret value);
}
