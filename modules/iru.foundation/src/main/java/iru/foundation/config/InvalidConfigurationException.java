package iru.foundation.config;

/** A configuration value that cannot be used; the message names the key so an operator can fix it. */
public final class InvalidConfigurationException extends RuntimeException {
    private final String key;

    public InvalidConfigurationException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
