package iru.application.signing;

import iru.domain.event.SecurityEventLog;
import iru.domain.signing.SigningKey;
import iru.domain.signing.SigningKeyRepository;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantId;
import iru.foundation.config.Region;
import iru.foundation.crypto.EnvelopeDecryptionException;
import iru.foundation.crypto.EnvelopeEncryption;
import iru.foundation.crypto.SealedSecret;
import iru.foundation.database.TenantRegionRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * After a rotation of the key-encryption key (`signing-kek`), private signing keys sealed under the previous KEK open
 * only until the secret store stops accepting it (`IRU_SECRETS_PREVIOUS_GRACE_SECONDS`). This sweep, run periodically
 * by the control plane, re-wraps each such key's data key under the current KEK ({@link EnvelopeEncryption#rewrap}:
 * the private key's ciphertext is untouched), tenant by tenant in each tenant's routed transaction, and records a
 * `signing-key.rewrapped` security event per key. A key that no longer opens (sealed under a KEK past its grace) is
 * not skipped silently: the pass finishes the others and then fails, naming every such key.
 */
public final class SealedKeyRewrap {
    static final String REWRAPPED = "signing-key.rewrapped";

    private final TenantRegionRouter router;
    private final TenantDirectory directory;
    private final SigningKeyRepository keys;
    private final EnvelopeEncryption envelope;
    private final SecurityEventLog events;
    private final Set<Region> regions;

    public SealedKeyRewrap(TenantRegionRouter router, TenantDirectory directory, SigningKeyRepository keys,
            EnvelopeEncryption envelope, SecurityEventLog events, Set<Region> regions) {
        this.router = router;
        this.directory = directory;
        this.keys = keys;
        this.envelope = envelope;
        this.events = events;
        this.regions = Set.copyOf(regions);
    }

    /** One pass over every tenant of the served regions; returns how many keys it re-wrapped. */
    public int sweep() {
        String current = envelope.requireKek();
        List<RuntimeException> failures = new ArrayList<>();
        int rewrapped = 0;
        for (Region region : regions) {
            List<TenantId> tenants = router.inDirectoryTransaction(c -> directory.allInRegion(c, region));
            for (TenantId tenant : tenants) {
                rewrapped += router.inTransaction(region, tenant.value(), c -> {
                    int done = 0;
                    for (String kid : keys.kidsNotWrappedBy(c, tenant, current)) {
                        SealedSecret sealed = keys.sealedPrivateKey(c, tenant, kid).orElseThrow();
                        SealedSecret moved;
                        try {
                            moved = envelope.rewrap(sealed, SigningKey.sealingContext(tenant, kid));
                        } catch (EnvelopeDecryptionException e) {
                            failures.add(new IllegalStateException("signing key " + kid + " of tenant " + tenant
                                    + " (sealed under " + sealed.kekId() + ") does not open: " + e.getMessage(), e));
                            continue;
                        }
                        if (keys.replaceWrapping(c, tenant, kid, sealed.kekId(), moved)) {
                            events.append(c, tenant, REWRAPPED, Optional.of(kid),
                                    Map.of("fromKek", sealed.kekId(), "toKek", moved.kekId()));
                            done++;
                        }
                    }
                    return done;
                });
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException failed = new IllegalStateException(failures.size() + " sealed signing key(s) could"
                    + " not be re-wrapped (" + rewrapped + " were); they no longer open under any accepted"
                    + " key-encryption key", failures.getFirst());
            failures.stream().skip(1).forEach(failed::addSuppressed);
            throw failed;
        }
        return rewrapped;
    }
}
