package iru.application.identity;

import iru.application.provisioning.ProvisioningFanOut;
import iru.domain.common.Page;
import iru.domain.common.ResourceNotFoundException;
import iru.domain.common.VersionMismatchException;
import iru.domain.group.Group;
import iru.domain.group.GroupRepository;
import iru.domain.tenant.TenantLocation;
import iru.domain.user.User;
import iru.domain.user.UserRepository;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** Use cases for a tenant's groups and memberships. */
public final class GroupDirectory {
    private final TenantTransactions tx;
    private final GroupRepository groups;
    private final UserRepository users;
    private final ProvisioningFanOut provisioning;

    public GroupDirectory(TenantTransactions tx, GroupRepository groups, UserRepository users,
            ProvisioningFanOut provisioning) {
        this.tx = tx;
        this.groups = groups;
        this.users = users;
        this.provisioning = provisioning;
    }

    public Group create(TenantLocation tenant, String displayName, String description) {
        return tx.run("CreateGroup", tenant, c -> groups.insert(c, tenant.id(), displayName, description));
    }

    public Group get(TenantLocation tenant, UUID id) {
        return tx.run("GetGroup", tenant, c -> groups.find(c, tenant.id(), id))
                .orElseThrow(() -> new ResourceNotFoundException("group", id));
    }

    public Page<Group> list(TenantLocation tenant, Optional<String> prefix, Optional<UUID> after, int limit) {
        return tx.run("ListGroups", tenant, c -> groups.list(c, tenant.id(), prefix, after, limit));
    }

    public Group update(TenantLocation tenant, UUID id, Optional<Integer> expectedVersion, UnaryOperator<Group> change) {
        return tx.run("UpdateGroup", tenant, c -> {
            Group current = groups.find(c, tenant.id(), id).orElseThrow(() -> new ResourceNotFoundException("group", id));
            Versions.require("group", expectedVersion, current.version());
            Group updated = groups.update(c, tenant.id(), change.apply(current), current.version())
                    .orElseThrow(() -> new VersionMismatchException("group", current.version() + 1));
            provisioning.enqueue(c, tenant.id(), groupOnly(provisioning.group(c, tenant.id(), id)), "group.updated");
            return updated;
        });
    }

    public void delete(TenantLocation tenant, UUID id) {
        tx.run("DeleteGroup", tenant, c -> {
            // Its assignments and memberships go with it: its members may lose their accounts.
            ProvisioningFanOut.Affected affected = provisioning.group(c, tenant.id(), id);
            if (!groups.delete(c, tenant.id(), id)) {
                throw new ResourceNotFoundException("group", id);
            }
            provisioning.enqueue(c, tenant.id(), affected, "group.deleted");
            return null;
        });
    }

    public Page<User> members(TenantLocation tenant, UUID id, Optional<UUID> after, int limit) {
        return tx.run("ListGroupMembers", tenant, c -> {
            groups.find(c, tenant.id(), id).orElseThrow(() -> new ResourceNotFoundException("group", id));
            return groups.members(c, tenant.id(), id, after, limit);
        });
    }

    public void addMember(TenantLocation tenant, UUID groupId, UUID userId) {
        tx.run("AddGroupMember", tenant, c -> {
            groups.find(c, tenant.id(), groupId).orElseThrow(() -> new ResourceNotFoundException("group", groupId));
            users.find(c, tenant.id(), userId).orElseThrow(() -> new ResourceNotFoundException("user", userId));
            groups.addMember(c, tenant.id(), groupId, userId);
            provisioning.enqueue(c, tenant.id(), provisioning.membership(c, tenant.id(), groupId, userId),
                    "membership.added");
            return null;
        });
    }

    public void removeMember(TenantLocation tenant, UUID groupId, UUID userId) {
        tx.run("RemoveGroupMember", tenant, c -> {
            if (!groups.removeMember(c, tenant.id(), groupId, userId)) {
                throw new ResourceNotFoundException("membership", groupId + "/" + userId);
            }
            provisioning.enqueue(c, tenant.id(), provisioning.membership(c, tenant.id(), groupId, userId),
                    "membership.removed");
            return null;
        });
    }

    /** A renamed group changes the group in each application, not its members' accounts. */
    private static ProvisioningFanOut.Affected groupOnly(ProvisioningFanOut.Affected affected) {
        return new ProvisioningFanOut.Affected(affected.entries().stream()
                .filter(e -> e.subjectKind().equals(iru.domain.provisioning.OutboxEntry.GROUP))
                .collect(java.util.stream.Collectors.toSet()));
    }
}
