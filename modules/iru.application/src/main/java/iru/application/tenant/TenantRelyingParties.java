package iru.application.tenant;

import iru.domain.event.SecurityEventLog;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantLocation;
import iru.domain.tenant.TenantRecords;
import iru.domain.tenant.WebAuthnRelyingParty;
import iru.foundation.config.SignInSettings;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.telemetry.Telemetry;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Control-plane use cases for a tenant's WebAuthn relying party (rpId and allowed origins). It belongs to the
 * operator, not the tenant's administrators: it names the domains the tenant's sign-in pages are served from (DNS,
 * certificates, routing are the operator's), and changing the rpId strands every passkey already registered, so a
 * leaked tenant API key must not be able to do either. Each change is journaled on the `tenants` row and recorded as
 * the security event `webauthn.relying-party-changed`; ceremonies use it from their next transaction.
 */
public final class TenantRelyingParties {
    static final String CHANGED = "webauthn.relying-party-changed";

    private final TenantRegionRouter router;
    private final TenantDirectory directory;
    private final TenantRecords records;
    private final SecurityEventLog events;
    private final Telemetry telemetry;
    private final SignInSettings deployment;

    /** The relying party a tenant's ceremonies use, and whether it is the tenant's own or the deployment's. */
    public record Effective(String rpId, List<String> origins, boolean tenantOwn) {
    }

    public TenantRelyingParties(TenantRegionRouter router, TenantDirectory directory, TenantRecords records,
            SecurityEventLog events, Telemetry telemetry, SignInSettings deployment) {
        this.router = router;
        this.directory = directory;
        this.records = records;
        this.events = events;
        this.telemetry = telemetry;
        this.deployment = deployment;
    }

    public Effective read(TenantId id) {
        return telemetry.inUseCase("ReadTenantRelyingParty", () -> {
            TenantLocation location = TenantLifecycle.liveLocation(router, directory, id);
            return effective(router.inTransaction(location.region(), id.value(), c -> records.relyingParty(c, id)));
        });
    }

    /** Makes `relyingParty` the tenant's (validated when it was constructed). */
    public Effective change(TenantId id, WebAuthnRelyingParty relyingParty) {
        return write("ChangeTenantRelyingParty", id, Optional.of(relyingParty));
    }

    /** Returns the tenant to the deployment's relying party. */
    public Effective reset(TenantId id) {
        return write("ResetTenantRelyingParty", id, Optional.empty());
    }

    private Effective write(String useCase, TenantId id, Optional<WebAuthnRelyingParty> relyingParty) {
        return telemetry.inUseCase(useCase, () -> {
            TenantLocation location = TenantLifecycle.liveLocation(router, directory, id);
            Effective result = effective(relyingParty);
            router.inTransaction(location.region(), id.value(), c -> {
                if (!records.relyingParty(c, id).equals(relyingParty)) {
                    records.changeRelyingParty(c, id, relyingParty);
                    events.append(c, id, CHANGED, Optional.empty(), Map.of("rpId", result.rpId(),
                            "origins", String.join(" ", result.origins()),
                            "source", result.tenantOwn() ? "tenant" : "deployment"));
                }
                return null;
            });
            return result;
        });
    }

    private Effective effective(Optional<WebAuthnRelyingParty> own) {
        return own.map(rp -> new Effective(rp.rpId(), rp.origins(), true))
                .orElseGet(() -> new Effective(deployment.rpId(), deployment.origins(), false));
    }
}
