package iru.domain.common;

/** An If-Match precondition named a version that is no longer current. */
public final class VersionMismatchException extends RuntimeException {
    public VersionMismatchException(String resource, int current) {
        super(resource + " has changed (now at version " + current + ")", null, false, false);
    }
}
