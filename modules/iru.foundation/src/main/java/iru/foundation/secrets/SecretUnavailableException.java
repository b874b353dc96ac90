package iru.foundation.secrets;

/** A secret could not be fetched. Never answered with a default: the caller fails the startup or the request. */
public final class SecretUnavailableException extends RuntimeException {
    public SecretUnavailableException(String secretName, String reason, Throwable cause) {
        super("secret '" + secretName + "' is unavailable: " + reason, cause);
    }
}
