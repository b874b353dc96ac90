package iru.domain.validation;

/** A value that breaks a domain invariant; `field` names the input it came from, for the problem response. */
public final class InvalidFieldException extends RuntimeException {
    private final String field;

    public InvalidFieldException(String field, String reason) {
        super(field + ": " + reason, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return getMessage().substring(field.length() + 2);
    }
}
