package iru.domain.group;

import iru.domain.common.TenantScopedId;
import iru.domain.common.VersionedRow;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.util.UUID;

/** Hibernate's view of a `groups` row; {@link GroupRepository} converts it to and from {@link Group}. */
@Entity
@Table(name = "groups")
class GroupEntity extends VersionedRow {
    @EmbeddedId
    @AttributeOverride(name = "id", column = @Column(name = "group_id"))
    private TenantScopedId key;

    @Column(name = "display_name", nullable = false)
    private String displayName;

    @Column
    private String description;

    protected GroupEntity() {
        // for Hibernate
    }

    GroupEntity(UUID tenantId, Group group) {
        super(group.version(), group.createdAt(), group.updatedAt());
        this.key = new TenantScopedId(tenantId, group.id());
        this.displayName = group.displayName();
        this.description = group.description();
    }

    /** Renames or re-describes the group and records the change. */
    void change(String displayName, String description) {
        this.displayName = displayName;
        this.description = description;
        changed();
    }

    Group toGroup() {
        return new Group(key.id(), displayName, description, version(), createdAt(), updatedAt());
    }
}
