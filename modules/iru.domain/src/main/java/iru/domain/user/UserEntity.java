package iru.domain.user;

import iru.domain.common.TenantScopedId;
import iru.domain.common.VersionedRow;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/**
 * Hibernate's view of a `users` row, which {@link UserRepository} deletes through the session (reads, inserts and
 * updates are plain SQL there, measured on the hot paths).
 */
@Entity
@Table(name = "users")
class UserEntity extends VersionedRow {
    @EmbeddedId
    @AttributeOverride(name = "id", column = @Column(name = "user_id"))
    private TenantScopedId key;

    @Column(name = "user_name", nullable = false)
    private String userName;

    @Column(nullable = false)
    private String email;

    @Column(name = "given_name")
    private String givenName;

    @Column(name = "family_name")
    private String familyName;

    @Column(name = "display_name")
    private String displayName;

    @Column(nullable = false)
    private String status;

    @Column(name = "external_id")
    private String externalId;

    protected UserEntity() {
        // for Hibernate
    }
}
