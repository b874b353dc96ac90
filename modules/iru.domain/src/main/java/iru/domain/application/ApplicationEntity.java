package iru.domain.application;

import iru.domain.common.TenantScopedId;
import iru.domain.common.VersionedRow;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.Formula;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** Hibernate's view of an `applications` row; {@link ApplicationRepository} converts it to and from {@link Application}. */
@Entity
@Table(name = "applications")
class ApplicationEntity extends VersionedRow {
    @EmbeddedId
    @AttributeOverride(name = "id", column = @Column(name = "app_id"))
    private TenantScopedId key;

    @Column(name = "template_key", nullable = false, updatable = false)
    private String templateKey;

    @Column(name = "display_name", nullable = false)
    private String displayName;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "redirect_uris", nullable = false, columnDefinition = "text[]")
    private String[] redirectUris;

    @Column(name = "scim_base_url")
    private String scimBaseUrl;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "allowed_scopes", nullable = false, columnDefinition = "text[]")
    private String[] allowedScopes;

    // Read only: the credential's row is written by the repository in SQL, next to the secret store write.
    @Formula("(select c.set_at from application_scim_credentials c where c.tenant_id = tenant_id"
            + " and c.app_id = app_id)")
    private Instant scimCredentialSetAt;

    protected ApplicationEntity() {
        // for Hibernate
    }

    ApplicationEntity(UUID tenantId, Application app) {
        super(app.version(), app.createdAt(), app.updatedAt());
        this.key = new TenantScopedId(tenantId, app.id());
        this.templateKey = app.templateKey();
        write(app.settings());
    }

    /** Applies new settings and records the change. */
    void change(ApplicationSettings settings) {
        write(settings);
        changed();
    }

    /** A new SCIM credential was stored: a change clients see as a new version. */
    void scimCredentialChanged() {
        changed();
    }

    private void write(ApplicationSettings settings) {
        this.displayName = settings.displayName();
        this.redirectUris = settings.redirectUris().toArray(String[]::new);
        this.scimBaseUrl = settings.scimBaseUrl();
        this.allowedScopes = settings.allowedScopes().toArray(String[]::new);
    }

    Application toApplication() {
        return new Application(key.id(), templateKey, new ApplicationSettings(displayName, List.of(redirectUris),
                scimBaseUrl, List.of(allowedScopes)), version(), createdAt(), updatedAt(), Optional.ofNullable(scimCredentialSetAt));
    }
}
