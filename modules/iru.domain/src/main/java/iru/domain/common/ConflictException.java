package iru.domain.common;

/** The change would break a uniqueness rule, e.g. a second user with the same userName. */
public final class ConflictException extends RuntimeException {
    private final String field;

    public ConflictException(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
