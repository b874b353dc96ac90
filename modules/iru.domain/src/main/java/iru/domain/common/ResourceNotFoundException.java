package iru.domain.common;

/** The addressed user, group, application or key does not exist in this tenant. */
public final class ResourceNotFoundException extends RuntimeException {
    private final String resource;

    public ResourceNotFoundException(String resource, Object id) {
        super(resource + " " + id + " not found", null, false, false);
        this.resource = resource;
    }

    public String resource() {
        return resource;
    }
}
