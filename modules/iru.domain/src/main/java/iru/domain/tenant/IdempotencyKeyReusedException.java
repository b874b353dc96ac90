package iru.domain.tenant;

/** An Idempotency-Key was sent again with a different request body: it cannot mean the same creation. */
public final class IdempotencyKeyReusedException extends RuntimeException {
    public IdempotencyKeyReusedException() {
        super("this Idempotency-Key was used for a different request", null, false, false);
    }
}
