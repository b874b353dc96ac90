package iru.domain.tenant;

import iru.foundation.config.Region;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Hibernate's view of the `tenants` row; {@link TenantRecords} converts it to and from {@link Tenant}. */
@Entity
@Table(name = "tenants")
class TenantRecordEntity {
    @Id
    @Column(name = "tenant_id")
    UUID tenantId;

    @Column(nullable = false)
    String slug;

    @Column(nullable = false)
    String name;

    @Column(nullable = false)
    String region;

    @Column(nullable = false)
    String status;

    @Column(name = "created_at", nullable = false)
    Instant createdAt;

    /** Why the status last changed; the journal keeps every earlier reason. */
    @Column(name = "status_reason")
    String statusReason;

    /** The tenant's own WebAuthn relying party; both null while it uses the deployment's. */
    @Column(name = "webauthn_rp_id")
    String webauthnRpId;

    @Column(name = "webauthn_origins")
    String[] webauthnOrigins;

    protected TenantRecordEntity() {
        // for Hibernate
    }

    TenantRecordEntity(Tenant tenant) {
        this.tenantId = tenant.id().value();
        this.slug = tenant.slug().value();
        this.name = tenant.name();
        this.region = tenant.region().code();
        this.status = tenant.status().name();
        this.createdAt = tenant.createdAt();
    }

    /** Sets the status and its reason; Hibernate writes (and the journal records) nothing if neither changed. */
    void changeStatus(TenantStatus status, String reason) {
        this.status = status.name();
        this.statusReason = reason;
    }

    void changeRelyingParty(Optional<WebAuthnRelyingParty> relyingParty) {
        this.webauthnRpId = relyingParty.map(WebAuthnRelyingParty::rpId).orElse(null);
        this.webauthnOrigins = relyingParty.map(rp -> rp.origins().toArray(String[]::new)).orElse(null);
    }

    Optional<WebAuthnRelyingParty> relyingParty() {
        return webauthnRpId == null ? Optional.empty()
                : Optional.of(new WebAuthnRelyingParty(webauthnRpId, List.of(webauthnOrigins)));
    }

    Tenant toTenant() {
        return new Tenant(new TenantId(tenantId), new TenantSlug(slug), name, Region.fromCode(region).orElseThrow(),
                TenantStatus.valueOf(status), createdAt);
    }
}
