package iru.domain.application;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** Hibernate's view of an `applications` row; {@link ApplicationRepository} converts it to and from {@link Application}. */
@Entity
@Table(name = "applications")
@IdClass(ApplicationEntity.Key.class)
class ApplicationEntity {
    @Id
    @Column(name = "tenant_id")
    UUID tenantId;

    @Id
    @Column(name = "app_id")
    UUID appId;

    @Column(name = "template_key", nullable = false, updatable = false)
    String templateKey;

    @Column(name = "display_name", nullable = false)
    String displayName;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "redirect_uris", nullable = false, columnDefinition = "text[]")
    String[] redirectUris;

    @Column(name = "scim_base_url")
    String scimBaseUrl;

    @Column(name = "scim_credential_ref")
    String scimCredentialRef;

    /** The ETag, managed by the repository: a new application starts at 1 and each change adds one. */
    @Column(nullable = false)
    int version;

    @Column(name = "created_at", nullable = false)
    Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;

    protected ApplicationEntity() {
        // for Hibernate
    }

    ApplicationEntity(UUID tenantId, Application app) {
        this.tenantId = tenantId;
        this.appId = app.id();
        this.templateKey = app.templateKey();
        this.version = app.version();
        this.createdAt = app.createdAt();
        apply(app.settings(), app.updatedAt());
    }

    void apply(ApplicationSettings settings, Instant at) {
        this.displayName = settings.displayName();
        this.redirectUris = settings.redirectUris().toArray(String[]::new);
        this.scimBaseUrl = settings.scimBaseUrl();
        this.scimCredentialRef = settings.scimCredentialRef();
        this.updatedAt = at;
    }

    Application toApplication() {
        return new Application(appId, templateKey, new ApplicationSettings(displayName, List.of(redirectUris),
                scimBaseUrl, scimCredentialRef), version, createdAt, updatedAt);
    }

    /** The composite primary key (tenant_id, app_id). */
    static final class Key implements Serializable {
        UUID tenantId;
        UUID appId;

        Key() {
        }

        Key(UUID tenantId, UUID appId) {
            this.tenantId = tenantId;
            this.appId = appId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && Objects.equals(tenantId, k.tenantId) && Objects.equals(appId, k.appId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenantId, appId);
        }
    }
}
