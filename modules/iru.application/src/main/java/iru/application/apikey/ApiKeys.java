package iru.application.apikey;

import iru.application.identity.TenantTransactions;
import iru.application.tenant.CredentialCache;
import iru.application.tenant.CredentialChanges;
import iru.domain.apikey.ApiKey;
import iru.domain.apikey.ApiKeyRepository;
import iru.domain.apikey.IssuedApiKey;
import iru.domain.apikey.Scope;
import iru.domain.common.ResourceNotFoundException;
import iru.domain.event.SecurityEventLog;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantLocation;
import iru.domain.tenant.TenantNotFoundException;
import iru.domain.tenant.TenantStatus;
import iru.domain.tenant.TenantSuspendedException;
import iru.foundation.crypto.Digests;
import iru.foundation.database.TenantRegionRouter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Issuing, listing, revoking and checking tenant API keys. A key that authenticated is remembered briefly by the
 * SHA-256 of the presented value (never the value), so an API client's steady traffic costs no lookup; a revocation
 * drops it at once on every tenant plane through {@link CredentialChanges}.
 */
public final class ApiKeys {
    private final TenantTransactions tx;
    private final TenantRegionRouter router;
    private final TenantDirectory directory;
    private final ApiKeyRepository keys;
    private final SecurityEventLog events;
    private final CredentialChanges changes;
    private final CredentialCache<String, ApiKey> verified;

    public ApiKeys(TenantTransactions tx, TenantRegionRouter router, TenantDirectory directory, ApiKeyRepository keys,
            SecurityEventLog events, CredentialChanges changes) {
        this.tx = tx;
        this.router = router;
        this.directory = directory;
        this.keys = keys;
        this.events = events;
        this.changes = changes;
        this.verified = changes.newCache();
    }

    /**
     * Control plane: the tenant's first key (or another), found by tenant id through the directory. A suspended
     * tenant gets no new key: it could not use one, and the key would outlive the reason for the suspension.
     */
    public IssuedApiKey issueFor(TenantId tenantId, String name, Set<Scope> scopes) {
        TenantLocation tenant = router.inDirectoryTransaction(c -> directory.findById(c, tenantId))
                .filter(l -> l.status() == TenantStatus.active || l.status() == TenantStatus.suspended)
                .orElseThrow(() -> new TenantNotFoundException(tenantId.toString()));
        if (tenant.status() == TenantStatus.suspended) {
            throw new TenantSuspendedException(tenantId.toString());
        }
        return issue(tenant, name, scopes);
    }

    public IssuedApiKey issue(TenantLocation tenant, String name, Set<Scope> scopes) {
        return tx.run("IssueApiKey", tenant, c -> {
            IssuedApiKey issued = keys.issue(c, tenant.id(), name, scopes);
            events.append(c, tenant.id(), "api-key.issued", Optional.of(issued.key().id()),
                    Map.of("scopes", String.join(" ", issued.key().scopes().stream().map(Scope::wire).sorted().toList())));
            return issued;
        });
    }

    public List<ApiKey> list(TenantLocation tenant) {
        return tx.run("ListApiKeys", tenant, c -> keys.list(c, tenant.id()));
    }

    public void revoke(TenantLocation tenant, String keyId) {
        tx.run("RevokeApiKey", tenant, c -> {
            if (!keys.revoke(c, tenant.id(), keyId)) {
                throw new ResourceNotFoundException("api key", keyId);
            }
            events.append(c, tenant.id(), "api-key.revoked", Optional.of(keyId), Map.of());
            changes.announce(c, tenant.id());
            return null;
        });
        changes.forget(tenant.id());
    }

    /** The live key a presented bearer value names in this tenant, if any; recently verified values from memory. */
    public Optional<ApiKey> authenticate(TenantLocation tenant, String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        return verified.get(tenant, HexFormat.of().formatHex(Digests.sha256(presented)),
                () -> keys.authentication(tenant.id(), presented)
                        .flatMap(select -> tx.read("AuthenticateApiKey", tenant, select)));
    }
}
