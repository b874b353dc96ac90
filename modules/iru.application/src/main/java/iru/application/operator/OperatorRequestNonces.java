package iru.application.operator;

import iru.domain.operator.RequestNonceLedger;
import iru.foundation.database.TenantRegionRouter;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Makes each nonce of a signed operator request single-use across every control plane instance: the first claim of
 * a nonce wins, any later claim before it expires loses. Claims also clear out a batch of expired nonces, so the
 * table holds roughly the nonces of the last acceptance window.
 */
public final class OperatorRequestNonces {
    public static final int MAX_KEY_ID_LENGTH = 100;
    public static final int MAX_NONCE_LENGTH = 200;

    private final TenantRegionRouter router;
    private final RequestNonceLedger ledger;
    private final Clock clock;

    public OperatorRequestNonces(TenantRegionRouter router, RequestNonceLedger ledger, Clock clock) {
        this.router = Objects.requireNonNull(router, "router");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** True when this is the first use of `nonce` by `keyId`; it is then remembered until `rememberUntil`. */
    public boolean claim(String keyId, String nonce, Instant rememberUntil) {
        requireLength("keyId", keyId, MAX_KEY_ID_LENGTH);
        requireLength("nonce", nonce, MAX_NONCE_LENGTH);
        Objects.requireNonNull(rememberUntil, "rememberUntil");
        Instant now = clock.instant();
        return router.inDirectoryTransaction(c -> {
            ledger.forgetExpired(c, now);
            return ledger.record(c, keyId, nonce, rememberUntil, now);
        });
    }

    private static void requireLength(String name, String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max) {
            throw new IllegalArgumentException(name + " must be 1 to " + max + " characters");
        }
    }
}
