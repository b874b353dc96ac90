package iru.domain.user;

import iru.domain.common.TenantScopedId;
import iru.domain.common.VersionedRow;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.util.UUID;

/** Hibernate's view of a `users` row; {@link UserRepository} converts it to and from {@link User}. */
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

    UserEntity(UUID tenantId, User user) {
        super(user.version(), user.createdAt(), user.updatedAt());
        this.key = new TenantScopedId(tenantId, user.id());
        write(user.profile(), user.status());
    }

    private void write(UserProfile p, UserStatus status) {
        this.userName = p.userName();
        this.email = p.email();
        this.givenName = p.givenName();
        this.familyName = p.familyName();
        this.displayName = p.displayName();
        this.externalId = p.externalId();
        this.status = status.name();
    }

    User toUser() {
        return new User(key.id(), new UserProfile(userName, email, givenName, familyName, displayName, externalId),
                UserStatus.valueOf(status), version(), createdAt(), updatedAt());
    }
}
