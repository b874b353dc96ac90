package iru.application.identity;

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

    public GroupDirectory(TenantTransactions tx, GroupRepository groups, UserRepository users) {
        this.tx = tx;
        this.groups = groups;
        this.users = users;
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
            return groups.update(c, tenant.id(), change.apply(current), current.version())
                    .orElseThrow(() -> new VersionMismatchException("group", current.version() + 1));
        });
    }

    public void delete(TenantLocation tenant, UUID id) {
        tx.run("DeleteGroup", tenant, c -> {
            if (!groups.delete(c, tenant.id(), id)) {
                throw new ResourceNotFoundException("group", id);
            }
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
            return null;
        });
    }

    public void removeMember(TenantLocation tenant, UUID groupId, UUID userId) {
        tx.run("RemoveGroupMember", tenant, c -> {
            if (!groups.removeMember(c, tenant.id(), groupId, userId)) {
                throw new ResourceNotFoundException("membership", groupId + "/" + userId);
            }
            return null;
        });
    }
}
