package iru.domain.group;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** Hibernate's view of a `groups` row; {@link GroupRepository} converts it to and from {@link Group}. */
@Entity
@Table(name = "groups")
@IdClass(GroupEntity.Key.class)
class GroupEntity {
    @Id
    @Column(name = "tenant_id")
    UUID tenantId;

    @Id
    @Column(name = "group_id")
    UUID groupId;

    @Column(name = "display_name", nullable = false)
    String displayName;

    @Column
    String description;

    /** The ETag, managed by the repository: a new group starts at 1 and each change adds one. */
    @Column(nullable = false)
    int version;

    @Column(name = "created_at", nullable = false)
    Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;

    protected GroupEntity() {
        // for Hibernate
    }

    GroupEntity(UUID tenantId, Group group) {
        this.tenantId = tenantId;
        this.groupId = group.id();
        this.displayName = group.displayName();
        this.description = group.description();
        this.version = group.version();
        this.createdAt = group.createdAt();
        this.updatedAt = group.updatedAt();
    }

    Group toGroup() {
        return new Group(groupId, displayName, description, version, createdAt, updatedAt);
    }

    /** The composite primary key (tenant_id, group_id). */
    static final class Key implements Serializable {
        UUID tenantId;
        UUID groupId;

        Key() {
        }

        Key(UUID tenantId, UUID groupId) {
            this.tenantId = tenantId;
            this.groupId = groupId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && Objects.equals(tenantId, k.tenantId) && Objects.equals(groupId, k.groupId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenantId, groupId);
        }
    }
}
