package iru.application.apikey;

import iru.application.identity.TenantTransactions;
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
import iru.foundation.database.TenantRegionRouter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Issuing, listing, revoking and checking tenant API keys. */
public final class ApiKeys {
    private final TenantTransactions tx;
    private final TenantRegionRouter router;
    private final TenantDirectory directory;
    private final ApiKeyRepository keys;
    private final SecurityEventLog events;

    public ApiKeys(TenantTransactions tx, TenantRegionRouter router, TenantDirectory directory, ApiKeyRepository keys,
            SecurityEventLog events) {
        this.tx = tx;
        this.router = router;
        this.directory = directory;
        this.keys = keys;
        this.events = events;
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
            return null;
        });
    }

    /** The live key a presented bearer value names in this tenant, if any. */
    public Optional<ApiKey> authenticate(TenantLocation tenant, String presented) {
        return tx.run("AuthenticateApiKey", tenant, c -> keys.authenticate(c, tenant.id(), presented));
    }
}
