package iru.domain.user;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** Hibernate's view of a `users` row; {@link UserRepository} converts it to and from {@link User}. */
@Entity
@Table(name = "users")
@IdClass(UserEntity.Key.class)
class UserEntity {
    @Id
    @Column(name = "tenant_id")
    UUID tenantId;

    @Id
    @Column(name = "user_id")
    UUID userId;

    @Column(name = "user_name", nullable = false)
    String userName;

    @Column(nullable = false)
    String email;

    @Column(name = "given_name")
    String givenName;

    @Column(name = "family_name")
    String familyName;

    @Column(name = "display_name")
    String displayName;

    @Column(nullable = false)
    String status;

    @Column(name = "external_id")
    String externalId;

    /** The ETag. Managed by the repository (not @Version) so a new user starts at 1 and each change adds one. */
    @Column(nullable = false)
    int version;

    @Column(name = "created_at", nullable = false)
    Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;

    protected UserEntity() {
        // for Hibernate
    }

    UserEntity(UUID tenantId, User user) {
        this.tenantId = tenantId;
        this.userId = user.id();
        this.version = user.version();
        this.createdAt = user.createdAt();
        apply(user);
    }

    /** Copies what a change may touch: the profile, the status and the update time. */
    void apply(User user) {
        UserProfile p = user.profile();
        this.userName = p.userName();
        this.email = p.email();
        this.givenName = p.givenName();
        this.familyName = p.familyName();
        this.displayName = p.displayName();
        this.externalId = p.externalId();
        this.status = user.status().name();
        this.updatedAt = user.updatedAt();
    }

    User toUser() {
        return new User(userId, new UserProfile(userName, email, givenName, familyName, displayName, externalId),
                UserStatus.valueOf(status), version, createdAt, updatedAt);
    }

    /** The composite primary key (tenant_id, user_id). */
    static final class Key implements Serializable {
        UUID tenantId;
        UUID userId;

        Key() {
        }

        Key(UUID tenantId, UUID userId) {
            this.tenantId = tenantId;
            this.userId = userId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && Objects.equals(tenantId, k.tenantId) && Objects.equals(userId, k.userId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenantId, userId);
        }
    }
}
