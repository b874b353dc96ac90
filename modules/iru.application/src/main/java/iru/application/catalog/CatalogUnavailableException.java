package iru.application.catalog;

/** The upstream catalog, or the credential to call it, could not be had; nothing was changed. */
public final class CatalogUnavailableException extends RuntimeException {
    public CatalogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
