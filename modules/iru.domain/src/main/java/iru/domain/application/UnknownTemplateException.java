package iru.domain.application;

/** The template does not exist in the local catalog, or is deprecated and so closed to new applications. */
public final class UnknownTemplateException extends RuntimeException {
    public UnknownTemplateException(String key, boolean deprecated) {
        super(deprecated ? "template '" + key + "' is deprecated" : "no template '" + key + "' in the catalog",
                null, false, false);
    }
}
