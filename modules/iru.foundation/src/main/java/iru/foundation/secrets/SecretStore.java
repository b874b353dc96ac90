package iru.foundation.secrets;

/**
 * Where credentials come from at run time: never from code, configuration files in the repository, or the database.
 * Implementations fetch on every call; callers that want caching decide so explicitly.
 */
public interface SecretStore {
    /** The secret named `name` (e.g. `admin-token`), or {@link SecretUnavailableException}. */
    SecretVersions fetch(String name);

    /**
     * Writes `value` as the current version of the secret `name`, creating the secret if it does not exist. Callers
     * derive `name` themselves (e.g. `scim/<tenant>/<app>`); it never comes from a request.
     */
    void store(String name, String value);
}
