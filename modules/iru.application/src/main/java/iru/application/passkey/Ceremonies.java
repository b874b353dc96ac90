package iru.application.passkey;

import iru.application.identity.TenantTransactions;
import iru.domain.event.SecurityEventLog;
import iru.domain.passkey.CeremonyStore;
import iru.domain.passkey.CeremonyStore.ConsumedChallenge;
import iru.domain.passkey.CeremonyStore.Purpose;
import iru.domain.tenant.TenantLocation;
import iru.foundation.crypto.Digests;
import iru.foundation.crypto.RandomTokens;
import iru.foundation.database.AuditActor;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/** What registration and sign-in share: challenges bound to a browser pre-session, failure events, the clock. */
final class Ceremonies {
    final TenantTransactions tx;
    final CeremonyStore store;
    final SecurityEventLog events;
    final RandomTokens tokens;
    final RelyingParty rp;
    private final Clock clock;

    Ceremonies(TenantTransactions tx, CeremonyStore store, SecurityEventLog events, RandomTokens tokens,
            RelyingParty rp, Clock clock) {
        this.tx = tx;
        this.store = store;
        this.events = events;
        this.tokens = tokens;
        this.rp = rp;
        this.clock = clock;
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** A challenge (base64url) and the rpId the authenticator is to use for it. */
    record Issued(String challenge, String rpId) {
    }

    /** A fresh challenge for this pre-session (only its hash is stored), with the tenant's rpId. */
    Issued issueChallenge(TenantLocation tenant, String presession, Purpose purpose, Optional<byte[]> enrollment) {
        String challenge = tokens.next();
        Instant now = now();
        return tx.run("IssueChallenge", tenant, c -> {
            store.createChallenge(c, tenant.id(), Digests.sha256(Base64.getUrlDecoder().decode(challenge)),
                    presessionHash(presession), purpose, enrollment, now, now.plus(rp.settings.challengeTtl()));
            return new Issued(challenge, rp.of(c, tenant.id()).rpId());
        });
    }

    /**
     * Uses up the challenge a response answers, in its own transaction, so that it is gone even if what follows
     * fails: a challenge is answered once, right or wrong.
     */
    ConsumedChallenge consumeChallenge(TenantLocation tenant, byte[] challenge, String presession, Purpose purpose) {
        return tx.run("ConsumeChallenge", tenant, c -> store.consumeChallenge(c, tenant.id(),
                Digests.sha256(challenge), presessionHash(presession), purpose, now()))
                .orElseThrow(() -> new CeremonyFailedException("unknown-challenge"));
    }

    /** Records a refused ceremony as a security event, in a transaction of its own (the ceremony's rolled back). */
    void recordFailure(TenantLocation tenant, String kind, CeremonyFailedException failure, Optional<String> subject) {
        recordEvent(tenant, kind, subject, Map.of("reason", failure.reason()));
    }

    void recordEvent(TenantLocation tenant, String kind, Optional<String> subject, Map<String, String> detail) {
        ScopedValue.where(AuditActor.CURRENT, "anonymous").run(() -> tx.run("RecordCeremonyFailure", tenant, c -> {
            events.append(c, tenant.id(), kind, subject, detail);
            return null;
        }));
    }

    static byte[] presessionHash(String presession) {
        if (!RandomTokens.wellFormed(presession)) {
            throw new CeremonyFailedException("no-presession");
        }
        return Digests.sha256(presession);
    }

    static byte[] tokenHash(String token) {
        if (!RandomTokens.wellFormed(token)) {
            throw new CeremonyFailedException("malformed-token");
        }
        return Digests.sha256(token);
    }
}
